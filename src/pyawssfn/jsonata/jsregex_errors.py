"""The two ways a JavaScript pattern fails (jsregex_ast.py raises them): kept apart so that loading the JSONata
engine does not load the pattern parser (its node dataclasses cost ~10 ms) before a regex literal is met."""
from __future__ import annotations


class JsRegexSyntaxError(Exception):
    """The pattern is not a valid JavaScript regular expression; ``args[0]`` is V8's reason."""


class RegexRefused(Exception):
    """A valid JavaScript pattern that Python's ``re`` cannot evaluate with JavaScript's meaning."""
