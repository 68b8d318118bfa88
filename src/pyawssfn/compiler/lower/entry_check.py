"""The one check of a workflow's parameters that its machine evaluates first (compiler/types/parameters.py says what
is checked, and the plain-Python run checks the same when it binds the input).

Python cannot call the workflow without a parameter that has no default, and an annotation is a promise the compiler
trusts; so one expression checks every such parameter, in signature order, and fails with States.QueryEvaluationError
naming the first that is missing or of another kind. The first state evaluates it before anything else (in its
Arguments, or a Map's Items); every other read of a parameter is then the plain `$states.input.x`. Its cause is
worded as Python's is (a free cause: comparison.py).
"""
from __future__ import annotations

import json

from pyawssfn.compiler.types.parameters import Parameter
from pyawssfn.jsonata.printer import plain_name


def read(name: str, source: str = "$states.input") -> str:
    return f"{source}.{name}" if plain_name(name) else f"$lookup({source}, {json.dumps(name)})"


def message(checked: list[Parameter]) -> str:
    """What the input must have: "The execution input needs order_id: str, limit: int (if there)" (one untyped
    parameter: "The execution input has no field 'day'")."""
    if len(checked) == 1 and checked[0].required and not checked[0].kinds:
        return f"The execution input has no field {checked[0].name!r}"
    parts = [p.name + (f": {p.describe()}" if p.kinds else "") + ("" if p.required else " (if there)")
             for p in checked]
    return f"The execution input needs {', '.join(parts)}"


def entry_check(params: list[Parameter]) -> str | None:
    """The check of the parameters (JSONata whose value is unused), or None when nothing needs checking: every
    test joined by `and`, then one error naming what the input must have (the plain-Python run names the first
    parameter that breaks it; the causes of States.QueryEvaluationError are free: comparison.py)."""
    parts = _parts(params)
    if parts is None:
        return None
    bound, tests, error = parts
    return bound + f"{tests} or {error}" + (")" if bound else "")


def hosted(params: list[Parameter], value: str) -> str:
    """`value` (a field's JSONata) evaluated only once the check passed: `tests ? value : $error(...)`."""
    parts = _parts(params)
    assert parts is not None
    bound, tests, error = parts
    return bound + f"{tests} ? ({value}) : {error}" + (")" if bound else "")


_INPUT = "$__in"  # a name no workflow variable has (naming.py): `value` cannot read another by it


def _parts(params: list[Parameter]) -> tuple[str, str, str] | None:
    """(the binding of the input, or "", the tests joined by `and`, the error) of the check."""
    checked = [p for p in params if p.checked]
    if not checked:
        return None
    reads = sum(1 + (len(p.kinds or ()) + ("integer" in (p.kinds or ())) * 2) for p in checked)
    source = _INPUT if reads > 2 else "$states.input"
    tests = " and ".join(_test(p, read(p.name, source)) for p in checked)
    return (f"({_INPUT} := $states.input; " if source == _INPUT else ""), tests, \
        f"$error({json.dumps(message(checked))})"


def _test(p: Parameter, r: str) -> str:
    if p.kinds is None:
        return f"$exists({r})"
    tests = []
    for k in p.kinds:
        if k == "integer":
            tests.append(f'$type({r}) = "number" and {r} % 1 = 0')
        elif k == "null":
            tests.append(f"{r} = null")
        else:
            tests.append(f'$type({r}) = "{k}"')
    test = " or ".join(tests)
    if not p.required:
        return f"($not($exists({r})) or {test})"
    return f"({test})" if len(tests) > 1 else test
