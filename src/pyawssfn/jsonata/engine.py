"""JSONata evaluation for the local executor, made to behave as AWS Step Functions' JSONata 2.0.6.

jsonata-python does the parsing and evaluating; this module adapts it to what AWS does:

* The expression has no context item: on AWS a bare ``$`` or field name at the top level is refused when the
  definition is created, so here ``$`` is undefined. The state input is ``$states.input``.
* JSON null stays null. jsonata-python reads a Python ``None`` as *undefined* (``$x = null`` is false when ``$x`` is
  bound to ``None``), so every value handed to it has its nulls replaced by jsonata-python's null marker, and results
  are turned back into plain JSON values.
* Numbers behave as the IEEE doubles of JSONata: integers beyond 2^53 lose precision as they do on AWS, an integral
  float comes back as an ``int`` (``2.0`` prints ``2``), division by zero gives a non-finite number rather than a
  Python exception, and a non-finite number in a result becomes ``null`` (as ``JSON.stringify`` writes it).
* ``$eval`` is not available (AWS: "Attempted to invoke a non-function"); the ``?:`` and ``??`` operators, which
  JSONata 2.0.6 does not have, are syntax errors.
* The functions AWS adds are bound: ``$partition``, ``$range``, ``$hash``, ``$random([seed])``, ``$uuid()`` and
  ``$parse``. ``$random()`` and ``$uuid()`` draw from the ``rng`` argument of :func:`evaluate` (a ``random.Random``
  owned by the executor, so a seeded execution is reproducible); ``$random(seed)`` is ``java.util.Random(seed)``'s
  first ``nextDouble()``, as on AWS. ``$now()`` and ``$millis()`` read the ``now_ms`` argument (the virtual clock).
* ``$sort`` with a comparator is JSONata 2.0.6's stable merge sort (jsonata-python's reorders equal items), and
  strings compare by UTF-16 code units as in JavaScript (``<``, ``$sort``, ``^(...)``).

Failures raise :class:`~pyawssfn.local.errors.StatesError` ``States.QueryEvaluationError`` with AWS's cause text
(without the "An error occurred while executing the state ..." prefix, which the engine adds); the JSONata part of a
cause is worded as JSONata 2.0.6 words it.

Regular expressions are JavaScript's (jsregex.py) and the functions over them are JSONata 2.0.6's (regexfns.py).

Importing this module patches jsonata-python (functions.py says how) for every user of it in the process.
"""

from __future__ import annotations

import functools
import math
import sys
import random
import re
import threading
import time
from typing import Any, Callable, Mapping

from jsonata import functions as jfunctions, jexception, parser as jparser
from jsonata.jsonata import Jsonata
from jsonata.utils import Utils

from pyawssfn.local.errors import QUERY_EVALUATION_ERROR, StatesError
from pyawssfn.semantics import quotas

from . import regexfns, shadow
from .jsregex import JsRegExp, JsRegexSyntaxError, RegexRefused, compile_js, regex_error_message
from .jsstrings import normalize
from .regexfns import apply_regex
from .fastpath import FALL_BACK, compile_fast
from .functions import _BASE_FRAME, _context, _jsonata_message
from .values import (UNDEFINED, _JsString, _UnsupportedResult, _from_jsonata, _to_jsonata, _utf16_key,
                     js_number_text, js_ordered)

__all__ = [
    "UNDEFINED",
    "Expr",
    "JsonataSyntaxError",
    "compile_expression",
    "evaluate",
    "evaluate_template",
    "is_expression",
    "expression_text",
    "js_number_text",
    "top_level_references",
]


class JsonataSyntaxError(Exception):
    """The expression is not valid JSONata 2.0.6. ``message`` is AWS-style: ``"S0201: Syntax error: ..."``."""

    def __init__(self, message: str, *, code: str = "", position: int | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.position = position


class _JsStringTerms:
    """The evaluator as seen by jsonata-python's order-by comparator: sort terms that are strings become
    _JsString, so the comparator's `<` is JavaScript's."""

    def __init__(self, engine: Jsonata):
        self._engine = engine

    def eval(self, expr, input, environment):
        value = self._engine.eval(expr, input, environment)
        return _JsString(value) if isinstance(value, str) else value

    def __getattr__(self, name):
        return getattr(self._engine, name)


def _whole(v):
    return int(v) if type(v) is float and v.is_integer() else v


class _AwsJsonata(Jsonata):
    """jsonata-python with JavaScript's arithmetic: overflow and division by zero give Infinity/NaN rather than an
    error, and `%` keeps fractions (jsonata-python truncates `5.5 % 2` to 1)."""

    def evaluate_numeric_expression(self, lhs, rhs, op):
        if lhs is not None and not Utils.is_numeric(lhs):
            raise jexception.JException("T2001", -1, op, lhs)
        if rhs is not None and not Utils.is_numeric(rhs):
            raise jexception.JException("T2002", -1, op, rhs)
        if lhs is None or rhs is None:
            return None
        lhs = float(lhs)
        rhs = float(rhs)
        if op == "+":
            result = lhs + rhs
        elif op == "-":
            result = lhs - rhs
        elif op == "*":
            result = lhs * rhs
        elif op == "/":
            if rhs == 0.0:
                if lhs == 0.0 or math.isnan(lhs):
                    return math.nan
                return math.copysign(math.inf, lhs) * math.copysign(1.0, rhs)
            result = lhs / rhs
        elif op == "%":
            if rhs == 0.0 or math.isinf(lhs):
                return math.nan
            result = math.fmod(lhs, rhs)
        else:  # pragma: no cover - the parser only produces the five operators
            raise jexception.JException("S0204", -1, op)
        # JavaScript keeps an overflowing result (Infinity); only using it later is an error.
        return Utils.convert_number(result) if math.isfinite(result) else result

    def evaluate_range_expression(self, lhs, rhs):
        # JavaScript's Number.isInteger: a whole double (2.0, as a JSON input may hold it) bounds a range as 2 does.
        return super().evaluate_range_expression(_whole(lhs), _whole(rhs))

    def evaluate_binary(self, expr, input, environment):
        op = str(expr.value)
        if op != "and" and op != "or":
            return super().evaluate_binary(expr, input, environment)
        lhs = self.eval(expr.lhs, input, environment)
        try:
            return self.evaluate_boolean_expression(lhs, lambda: self.eval(expr.rhs, input, environment), op)
        except jexception.JException as err:
            # JSONata 2.0.6 evaluates the right side inside the and/or's own try block, which stamps its operator
            # on whatever error comes out: `$x and ($y < {})` is worded with operator "and".
            _retoken(err, op)
            raise

    def evaluate_string_concat(self, lhs, rhs):
        # `&` joins UTF-16 code units in JavaScript: two halves of a surrogate pair make the character.
        return normalize(super().evaluate_string_concat(lhs, rhs))

    def evaluate_group_expression(self, expr, input, environment):
        # An object constructor's keys are ordered as JavaScript orders them (integer-like keys first).
        result = super().evaluate_group_expression(expr, input, environment)
        return js_ordered(result) if type(result) is dict else result

    def evaluate_comparison_expression(self, lhs, rhs, op):
        # JavaScript orders strings by UTF-16 code units, Python by code points: they disagree when a character
        # beyond U+FFFF meets one in U+E000..U+FFFF.
        if isinstance(lhs, str) and isinstance(rhs, str):
            lhs, rhs = _utf16_key(lhs), _utf16_key(rhs)
            return {"<": lhs < rhs, "<=": lhs <= rhs, ">": lhs > rhs, ">=": lhs >= rhs}[op]
        return super().evaluate_comparison_expression(lhs, rhs, op)

    def evaluate_sort_expression(self, expr, input, environment):
        # The order-by operator ^(...) must order strings as JavaScript does too; jsonata-python's comparator
        # compares the terms' values with Python's `<`, so hand it strings that compare by UTF-16 code units.
        is_tuple_sort = isinstance(input, Utils.JList) and input.tuple_stream
        compare = Jsonata.ComparatorWrapper(_JsStringTerms(self), expr, environment, is_tuple_sort).compare
        return jfunctions.Functions.sort(input, compare)

    def apply_inner(self, proc, args, input, environment):
        # jsonata-python prints "Proc not found" to stdout before raising T1006; refuse quietly instead.
        if isinstance(proc, JsRegExp):
            return apply_regex(proc, list(args or []))
        if not (
            jfunctions.Functions.is_lambda(proc)
            or isinstance(proc, (Jsonata.JFunction, Jsonata.JLambda))
            or jfunctions.Functions.is_regex(proc)
        ):
            raise jexception.JException("T1006", 0)
        # The time bound is checked at function applications: without loops, only calls (recursion, $map over
        # a large range...) make a JSONata evaluation long.
        self.calls += 1
        if self.calls & 255 == 0 and time.monotonic() > self.deadline:
            raise _OutOfTime()
        return super().apply_inner(proc, args, input, environment)




# Where each error code keeps the {{token}} of its message in jsonata-python's exception.
_TOKEN_SLOT = {"T2001": "current", "T2002": "current", "T2010": "current", "T2009": "extra"}


def _retoken(err: jexception.JException, op: str) -> None:
    slot = _TOKEN_SLOT.get(err.error)
    if slot is not None and getattr(err, "pyawssfn_message", None) is None:
        setattr(err, slot, op)


class _OutOfTime(BaseException):
    """One evaluation ran past JSONATA_MAX_SECONDS (a BaseException: jsonata-python catches Exception in places)."""


class _Runner(threading.local):
    """One evaluator instance per thread: jsonata-python keeps per-evaluation state on the instance."""

    def __init__(self):
        self.instance = _AwsJsonata("0")
        self.instance.calls = 0
        self.instance.deadline = math.inf
        self.deep = False  # this thread is the big-stack one that re-runs deeply recursive evaluations


def _deep_rerun(fn):
    """Run ``fn`` in a thread with a 1 GiB stack and a high recursion limit: JSONata 2.0.6 on JavaScript evaluates
    asynchronously and recursion there is not bounded by a stack, so a non-tail recursion thousands deep works on
    AWS; jsonata-python needs about 15 Python frames per call. The bound (quotas.JSONATA_RECURSION_LIMIT) keeps a
    runaway recursion finite: past it the evaluation fails with JSONata's D1011."""
    outcome: dict = {}

    def body():
        _runner.deep = True
        try:
            outcome["value"] = fn()
        except BaseException as exc:  # handed back to the calling thread
            outcome["error"] = exc

    with _DEEP_LOCK:
        old_limit = sys.getrecursionlimit()
        old_stack = threading.stack_size(quotas.JSONATA_DEEP_STACK_BYTES)
        try:
            sys.setrecursionlimit(max(old_limit, quotas.JSONATA_RECURSION_LIMIT))
            worker = threading.Thread(target=body, name="jsonata-deep")
            worker.start()
            worker.join()
        finally:
            threading.stack_size(old_stack)
            sys.setrecursionlimit(old_limit)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


_DEEP_LOCK = threading.Lock()


_runner = _Runner()


class _BindingsFrame(Jsonata.Frame):
    """The one frame an evaluation adds to the base frame: the workflow variables and ``$states``, converted for
    jsonata-python only when the expression reads them (with the run's conversion cache), and the bindings the
    expression makes itself (``$x := ...``), which never reach the caller's mappings."""

    __slots__ = ("_variables", "_states", "_cache")

    def __init__(self, variables: Mapping[str, Any], states: Any, cache: dict | None):
        super().__init__(_BASE_FRAME)
        self._variables = variables
        self._states = states
        self._cache = cache
        # jsonata-python looks these hooks up for every node it evaluates; finding them here saves walking up
        # the frame chain each time.
        self.bindings["__evaluate_entry"] = None
        self.bindings["__evaluate_exit"] = None

    def lookup(self, name):
        bindings = self.bindings
        if name in bindings:
            return bindings[name]
        if name == "states" and self._states is not None:
            value = _to_jsonata(self._states, self._cache)
        elif name in self._variables:
            value = _to_jsonata(self._variables[name], self._cache)
        else:
            return self.parent.lookup(name)
        bindings[name] = value
        return value


_STATES_KEYS = ("input", "result", "errorOutput", "context")
_STATES_MENTION = re.compile(r"\$states\b(\.(\w+)\b)?")


def _states_keys_read(text: str) -> frozenset[str] | None:
    """The $states keys an expression can read, or None when it may read all of $states (``$states``,
    ``$states.*``, ``$lookup($states, ...)``). Only those keys are converted for jsonata-python."""
    keys = set()
    for m in _STATES_MENTION.finditer(text):
        key = m.group(2)
        if key is None or key not in _STATES_KEYS:
            return None
        keys.add(key)
    return frozenset(keys)




class Expr:
    """A parsed JSONata expression; evaluate it any number of times."""

    __slots__ = ("text", "ast", "states_keys", "fast")

    def __init__(self, text: str, ast: Any):
        self.text = text
        self.ast = ast
        self.states_keys = _states_keys_read(text)
        # `$name.a.b`, `$i + 1`, `$i < n`: the commonest expressions in compiled workflows are computed directly
        # when their values are the simple case (fastpath.py); anything else goes through jsonata-python.
        self.fast = compile_fast(ast)

    def __repr__(self) -> str:
        return f"Expr({self.text!r})"

    def evaluate(
        self,
        *,
        states: Mapping[str, Any] | None = None,
        variables: Mapping[str, Any] | None = None,
        field: str | None = None,
        rng: random.Random | None = None,
        now_ms: int | Callable[[], int] | None = None,
        cache: dict | None = None,
    ) -> Any:
        """The value of the expression, or UNDEFINED. Raises StatesError(States.QueryEvaluationError).

        ``cache`` is a dict the caller keeps for as long as the values it passes are not modified in place (the
        executor keeps one per execution): conversions of large containers are remembered in it."""
        if not shadow.enabled():
            return self._evaluate(states, variables, field, rng, now_ms, cache)
        try:
            value = self._evaluate(states, variables, field, rng, now_ms, cache)
        except StatesError as exc:
            marker = "threw an error during evaluation. "
            if marker in (exc.cause or ""):
                shadow.record(self.text, variables, states, ("error", exc.cause.split(marker, 1)[1]))
            raise
        shadow.record(self.text, variables, states, ("undefined",) if value is UNDEFINED else ("value", value))
        return value

    def _evaluate(self, states, variables, field, rng, now_ms, cache) -> Any:
        if self.fast is not None:
            value = self.fast(states, variables, cache)
            if value is not FALL_BACK:
                return value
        if states is not None:
            # Only the keys the expression can read (the context object may be built on demand when read).
            keys = _STATES_KEYS if self.states_keys is None else self.states_keys
            states = {k: states[k] for k in keys if k in states}
        exec_frame = _BindingsFrame(variables if variables is not None else {}, states, cache)
        runner = _runner.instance
        # jsonata-python finds "the current evaluator" through a thread-local, which any Jsonata() sets.
        Jsonata.CURRENT.jsonata = runner
        if callable(now_ms):  # the caller's clock, read only by an expression that needs jsonata-python
            now_ms = now_ms()
        runner.timestamp = now_ms if now_ms is not None else int(time.time() * 1000)
        previous_rng = _context.rng
        _context.rng = rng
        runner.calls = 0
        runner.deadline = time.monotonic() + quotas.JSONATA_MAX_SECONDS
        try:
            result = runner.eval(self.ast, None, exec_frame)
            return UNDEFINED if result is None else _from_jsonata(result)
        except RecursionError:
            if _runner.deep:
                raise StatesError(QUERY_EVALUATION_ERROR, f"The JSONata expression '{self.text}'{_field_part(field)} "
                                  f"threw an error during evaluation. {_jsonata_message(RecursionError())}") from None
            return _deep_rerun(lambda: self._evaluate(states, variables, field, rng, now_ms, cache))
        except _OutOfTime:
            raise StatesError(
                QUERY_EVALUATION_ERROR,
                f"The JSONata expression '{self.text}'{_field_part(field)} did not finish within "
                f"{quotas.JSONATA_MAX_SECONDS:g} seconds (pyawssfn's bound on one evaluation; check for a runaway "
                "recursion or a very large range).") from None
        except _UnsupportedResult:
            raise StatesError(
                QUERY_EVALUATION_ERROR, f"The JSONata expression '{self.text}'{_field_part(field)} returned an unsupported result type."
            ) from None
        except StatesError:
            raise
        except Exception as exc:  # jsonata-python raises plain Python errors for some bad inputs too
            raise StatesError(
                QUERY_EVALUATION_ERROR,
                f"The JSONata expression '{self.text}'{_field_part(field)} threw an error during evaluation. "
                f"{_jsonata_message(exc)}",
            ) from None
        finally:
            _context.rng = previous_rng


def _field_part(field: str | None) -> str:
    return f" specified for the field '{field}'" if field else ""


class _RefusedOperator(jparser.Parser.Infix):
    """``?:`` and ``??`` come from JSONata 2.1; AWS's JSONata 2.0.6 cannot parse them."""

    def led(self, left):
        # What JSONata 2.0.6 reports: it reads "?:" as "?" then ":", and "??" as "?" then "?".
        raise jexception.JException("S0211", self.position, ":" if self.value == "?:" else "?")


class _Parser(jparser.Parser):
    def __init__(self):
        super().__init__()
        for op in ("?:", "??"):
            refused = _RefusedOperator(self, op).create()
            refused.value = refused.id = op
            refused.lbp = self.symbol_table[op].lbp
            self.symbol_table[op] = refused


class _Parsers(threading.local):
    def __init__(self):
        self.parser = _Parser()


_parsers = _Parsers()


@functools.lru_cache(maxsize=4096)
def compile_expression(text: str) -> Expr:
    """Parse a JSONata expression (with or without its ``{% %}``) once; cached by text.

    Raises JsonataSyntaxError for text that AWS's JSONata 2.0.6 would not parse.
    """
    source = expression_text(text) if is_expression(text) else text
    try:
        ast = _parsers.parser.parse(source, compile_js)
    except (JsRegexSyntaxError, RegexRefused) as exc:
        raise JsonataSyntaxError(regex_error_message(exc)) from None
    except jexception.JException as exc:
        raise JsonataSyntaxError(_jsonata_message(exc), code=exc.error, position=exc.location) from None
    except Exception:  # the tokenizer indexes past the end of some truncated input
        if "/*" in source and "*/" not in source[source.index("/*") + 2:]:
            raise JsonataSyntaxError("S0106: Comment has no closing tag", code="S0106") from None
        raise JsonataSyntaxError("S0207: Unexpected end of expression", code="S0207") from None
    if getattr(ast, "errors", None):
        first = ast.errors[0]
        raise JsonataSyntaxError(_jsonata_message(first), code=getattr(first, "error", ""))
    return Expr(source, ast)


_NESTED_ATTRIBUTES = frozenset({"stages", "predicate", "group", "body", "pattern", "update", "delete", "terms"})


def top_level_references(text: str) -> list[str]:
    """The names an expression reads from the context item at its top level: ``$``, ``$$``, ``*`` or a bare field.

    AWS refuses such an expression when the definition is created (UNSUPPORTED_JSONATA_EXPRESSION: "Reference to
    'x' at the top level is not supported."): a JSONata state's expression has no context item. References nested
    inside a path step, a filter or a function body read an inner context and are allowed. Raises
    JsonataSyntaxError when the text does not parse.
    """
    found: list[str] = []

    def note(name: str) -> None:
        if name not in found:
            found.append(name)

    def walk(node: Any, root: bool) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item, root)
            return
        if not isinstance(node, jparser.Parser.Symbol):
            return
        kind = node.type
        if kind == "path":
            steps = node.steps or []
            for i, step in enumerate(steps):
                walk(step, root and i == 0)
            walk(getattr(node, "group", None), False)
            return
        if kind == "lambda":
            return
        if root:
            if kind == "name":
                note(str(node.value))
            elif kind == "variable" and node.value in ("", "$"):
                note("$" if node.value == "" else "$$")
            elif kind == "wildcard":
                note("*")
            elif kind == "descendant":
                note("**")
            elif kind == "parent":
                note("%")
        for attr, value in vars(node).items():
            if attr.startswith("_outer") or attr in ("steps", "tuple", "slot", "seeking_parent", "ancestor"):
                continue
            if attr == "procedure":
                continue
            if isinstance(value, (jparser.Parser.Symbol, list)):
                walk(value, root and attr not in _NESTED_ATTRIBUTES)

    walk(compile_expression(text).ast, True)
    return found


def is_expression(value: Any) -> bool:
    """True for a string AWS evaluates as JSONata: it starts with ``{%`` and ends with ``%}`` (no trimming)."""
    return isinstance(value, str) and len(value) >= 4 and value.startswith("{%") and value.endswith("%}")


def expression_text(value: str) -> str:
    """The JSONata text between ``{%`` and ``%}``, trimmed (as AWS quotes it in error causes)."""
    return value[2:-2].strip()


def _states_with_input(states: Mapping[str, Any] | None, input: Any) -> Mapping[str, Any] | None:
    if input is UNDEFINED:
        return states
    merged = dict(states) if states is not None else {}
    merged.setdefault("input", input)
    return merged


def evaluate(
    text: str,
    *,
    input: Any = UNDEFINED,
    variables: Mapping[str, Any] | None = None,
    states: Mapping[str, Any] | None = None,
    field: str | None = None,
    rng: random.Random | None = None,
    now_ms: int | Callable[[], int] | None = None,
    cache: dict | None = None,
) -> Any:
    """Evaluate one JSONata expression as AWS does; returns UNDEFINED when the result is undefined.

    ``text`` is the expression, with or without its ``{% %}``. ``$states`` is ``states`` (keys ``input``,
    ``result``, ``errorOutput``, ``context`` as applicable); ``input``, when given, is ``$states.input`` if
    ``states`` has none. The context item ``$`` is undefined, as on AWS. ``variables`` are the workflow variables
    in scope (``$name``). ``field`` names the ASL field in error causes (``"Output"``, ``"Assign/x"``). ``rng``
    feeds ``$random()`` and ``$uuid()``; ``now_ms`` is what ``$now()``/``$millis()`` read (epoch milliseconds, or a function returning them).
    A syntax error is reported as States.QueryEvaluationError too (the validator reports it before a run).
    """
    try:
        expr = compile_expression(text)
    except JsonataSyntaxError as exc:
        shown = expression_text(text) if is_expression(text) else text
        if shadow.enabled():  # the reference must refuse it too, in the same words
            shadow.record(shown, variables, states, ("error", exc.message))
        raise StatesError(
            QUERY_EVALUATION_ERROR,
            f"The JSONata expression '{shown}'{_field_part(field)} threw an error during evaluation. {exc.message}",
        ) from None
    return expr.evaluate(
        states=_states_with_input(states, input), variables=variables, field=field, rng=rng, now_ms=now_ms,
        cache=cache,
    )


def evaluate_template(
    value: Any,
    *,
    variables: Mapping[str, Any] | None = None,
    states: Mapping[str, Any] | None = None,
    input: Any = UNDEFINED,
    field: str = "",
    rng: random.Random | None = None,
    now_ms: int | Callable[[], int] | None = None,
    cache: dict | None = None,
) -> Any:
    """Evaluate a JSON template (Arguments, Output, an Assign value, ItemSelector, ...) as AWS does.

    A string that is exactly ``{% expr %}`` (it must start with ``{%`` and end with ``%}``; surrounding spaces make
    it a plain string) is replaced by the expression's value; objects and arrays are walked; everything else is
    kept. An expression that returns nothing fails with States.QueryEvaluationError naming the field as AWS does
    (``Output/v``, ``Output/values[0]``, ``Assign/x``), because JSON cannot hold undefined.
    """
    states = _states_with_input(states, input)
    return _walk(value, field, variables, states, rng, now_ms, cache)


def _walk(value, field, variables, states, rng, now_ms, cache):
    if isinstance(value, str):
        if not is_expression(value):
            return value
        text = expression_text(value)
        result = evaluate(text, variables=variables, states=states, field=field or None, rng=rng, now_ms=now_ms,
                          cache=cache)
        if result is UNDEFINED:
            raise StatesError(
                QUERY_EVALUATION_ERROR,
                f"The JSONata expression '{text}'{_field_part(field or None)} returned nothing (undefined).",
            )
        return result
    if isinstance(value, dict):
        prefix = f"{field}/" if field else ""
        return {k: _walk(v, f"{prefix}{k}", variables, states, rng, now_ms, cache) for k, v in value.items()}
    if isinstance(value, list):
        return [_walk(v, f"{field}[{i}]", variables, states, rng, now_ms, cache) for i, v in enumerate(value)]
    return value
