"""Statement helpers: the new value of the target of d[k] = v, xs.append(v), xs.extend(ys) and x op= v.

They take the JSONata trees the lowerer holds and build trees.
"""
from __future__ import annotations

import ast

from pyawssfn.compiler.expressions.build import T, block, err, is_int, single
from pyawssfn.compiler.expressions.core import J, _fresh_global, _reset_names
from pyawssfn.jsonata.tree import Expr, Filter, Var


def _bind_all(*trees: Expr) -> tuple[list[tuple[Expr, Expr]], list[Expr]]:
    """Each operand's tree, the ones that are not atoms bound to fresh variables (evaluated once, in order)."""
    binds: list[tuple[Expr, Expr]] = []
    names: list[Expr] = []
    for t in trees:
        if J(t).atom:
            names.append(t)
        else:
            n = Var(_fresh_global()[1:])
            binds.append((n, t))
            names.append(n)
    return binds, names


def setitem(container: Expr, key: Expr, value: Expr) -> Expr:
    """JSONata for the new value of `container` after `container[key] = value`.

    A dict gets the key merged (set or replaced); a list gets the index replaced (negative indexes count from the
    end, out of range fails with IndexError as Python does).
    """
    _reset_names()
    binds, (c, k, v) = _bind_all(container, key, value)
    i, n, a, j = (Var(_fresh_global()[1:]) for _ in range(4))
    list_case = block(
        [(n, T("$count($0)", c)), (i, T("$0 < 0 ? $0 + $1 : $0", k, n))],
        T("$0 < 0 or $0 >= $1 ? $2 : $reduce([0..$1 - 1], function($3, $4) { $append($3, $4 = $0 ? $5 : $6) }, [])",
          i, n, err("IndexError: list assignment index out of range"), a, j, single(v), single(Filter(c, j))))
    body = T('$type($0) = "object" ? ($type($1) = "string" ? $merge([$0, {$1: $2}]) : $3) : '
             '$type($0) = "array" ? ($4 ? $5 : $6) : $7',
             c, k, v, err("TypeError: JSON object keys must be strings"), is_int(k), list_case,
             err("TypeError: list indices must be integers"), err("TypeError: object does not support item assignment"))
    return _finish(block(binds, body))


def append(lst: Expr, value: Expr) -> Expr:
    """JSONata for `lst` after `lst.append(value)`: the value is added as ONE element even when it is a list."""
    _reset_names()
    binds, (l, v) = _bind_all(lst, value)
    body = T('$type($0) = "array" ? $append($0, $1) : $2', l, single(v),
             err("AttributeError: object has no attribute append"))
    return _finish(block(binds, body))


def extend(lst: Expr, values: Expr) -> Expr:
    """JSONata for `lst` after `lst.extend(values)` (values must be a list)."""
    _reset_names()
    binds, (l, v) = _bind_all(lst, values)
    body = T('$type($0) = "array" and $type($1) = "array" ? $append($0, $1) : $2', l, v,
             err("TypeError: extend() needs a list"))
    return _finish(block(binds, body))


def augassign(op: ast.operator, left: Expr, right: Expr) -> Expr:
    """JSONata for the new value of the target in `target <op>= value` (types unknown: runtime dispatch)."""
    _reset_names()
    from pyawssfn.compiler.expressions.translator import ExpressionTranslator  # it imports this module

    t = ExpressionTranslator(lambda n: Var(n.id), lambda *a: None)
    a, b = J(left), J(right)
    if isinstance(op, ast.Add):
        return _finish(t.iadd_code(a, b).tree)
    return _finish(t.binop_code(op, a, b).tree)


def _finish(tree: Expr) -> Expr:
    from pyawssfn.compiler.expressions.translator import _finish as finish
    return finish(tree)


INPLACE = "pyawssfn_inplace"
