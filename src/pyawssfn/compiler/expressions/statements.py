"""Statement helpers: the new value of the target of d[k] = v, xs.append(v), xs.extend(ys) and x op= v.
"""
from __future__ import annotations

import ast

from pyawssfn.compiler.expressions.core import J, _bind_all, _block, _err, _fresh_global, _is_int, _reset_names, single


def setitem(container: str, key: str, value: str) -> str:
    """JSONata for the new value of `container` after `container[key] = value`.

    A dict gets the key merged (set or replaced); a list gets the index replaced (negative indexes count from the
    end, out of range fails with IndexError as Python does).
    """
    _reset_names()
    binds, (c, k, v) = _bind_all(container, key, value)
    i, n, a, j = _fresh_global(), _fresh_global(), _fresh_global(), _fresh_global()
    list_case = _block(
        [(n, f"$count({c})"), (i, f"{k} < 0 ? {k} + {n} : {k}")],
        f"{i} < 0 or {i} >= {n} ? {_err('IndexError: list assignment index out of range')} : "
        f"$reduce([0..{n} - 1], function({a}, {j}) {{ $append({a}, {j} = {i} ? {single(v)} : {single(c + '[' + j + ']')}) }}, [])",
    )
    body = (
        f'$type({c}) = "object" ? ($type({k}) = "string" ? $merge([{c}, {{{k}: {v}}}]) : '
        f'{_err("TypeError: JSON object keys must be strings")}) : '
        f'$type({c}) = "array" ? ({_is_int(k)} ? {list_case} : '
        f'{_err("TypeError: list indices must be integers")}) : '
        f'{_err("TypeError: object does not support item assignment")}'
    )
    return _finish(_block(binds, body))


def append(lst: str, value: str) -> str:
    """JSONata for `lst` after `lst.append(value)`: the value is added as ONE element even when it is a list."""
    _reset_names()
    binds, (l, v) = _bind_all(lst, value)
    body = (
        f'$type({l}) = "array" ? $append({l}, {single(v)}) : '
        f'{_err("AttributeError: object has no attribute append")}'
    )
    return _finish(_block(binds, body))


def extend(lst: str, values: str) -> str:
    """JSONata for `lst` after `lst.extend(values)` (values must be a list)."""
    _reset_names()
    binds, (l, v) = _bind_all(lst, values)
    body = (
        f'$type({l}) = "array" and $type({v}) = "array" ? $append({l}, {v}) : '
        f'{_err("TypeError: extend() needs a list")}'
    )
    return _finish(_block(binds, body))


def augassign(op: ast.operator, left: str, right: str) -> str:
    """JSONata for the new value of the target in `target <op>= value` (types unknown: runtime dispatch)."""
    _reset_names()
    from pyawssfn.compiler.expressions.translator import ExpressionTranslator  # it imports this module

    t = ExpressionTranslator(lambda n: "$" + n.id, lambda *a: None)
    if isinstance(op, ast.Add):
        return _finish(t.iadd_code(J(left), J(right)).code)
    return _finish(t.binop_code(op, J(left), J(right)).code)


def _finish(code: str) -> str:
    from pyawssfn.compiler.expressions.translator import _finish as finish
    return finish(code)


INPLACE = "pyawssfn_inplace"
