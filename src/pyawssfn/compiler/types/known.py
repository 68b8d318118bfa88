"""The static type of an assigned value that the tree alone gives: the translator's own answer, without a translation.

The type inference (compiler/static_types.py) types every assignment's value with `ExpressionTranslator.static_type`,
a whole translation of it, once per round for each change of the types of the names it reads: a large workflow's
inference was mostly those translations. For the shapes below the answer needs none, and it reads no name (so no
later round asks again); each rule is what the translator's `_tr` does with such a node (expressions/translator.py,
containers.py, calls.py, arithmetic.py), and tests/compiler/test_known_types.py holds the rules to its answers.

- A constant: `_tr_Constant`'s kind, None where it refuses (an int beyond 2**53, inf, nan, a non-JSON value).
- A list, tuple or dict display whose items are names, constants it accepts, and such displays, with literal string
  keys: "list", "tuple", "dict". A name's translation never refuses (its type only types the item), an accepted
  constant's neither; a display is folded only when Python can evaluate it, to a value of its own kind (folding
  refuses only a non-finite float, never among accepted constants).
- A call of a plain name the translator has no `_builtin_` method for (a step, a helper): it refuses before it
  looks at the arguments, so the type is None (such a call is not folded: its function is no builtin it folds).
- `a + f(x)`, `f(x) * a`...: a binary operation translates both operands first, so one that refuses makes it
  None (the other, when it comes first, must be a name or a constant: their translation cannot fail otherwise).
Any other value gets ASK: the caller translates it.
"""
from __future__ import annotations

import ast
import math
from typing import Any, Callable

from pyawssfn.compiler.expressions.core import MAX_EXACT_INT, _FOLD_BUILTINS

ASK: Any = object()  # the tree alone does not give the type: translate the value


def site_typer(probe: Any) -> Callable[[ast.expr, Callable], str | None]:
    """infer_name_types' `static_type(expr, name_type)`: the type the tree gives, else the probe translator's (a
    translator of the lowerer's, reading each name as itself) with `name_type` for the names' types. Its name
    resolution being pure, its static_type types names, literals and len(name) without their trees (type_only.py)."""
    probe.pure_names = True

    def static_type(expr: ast.expr, name_type: Callable) -> str | None:
        known = known_type(expr, probe)
        if known is not ASK:
            return known
        probe.name_type = name_type
        return probe.static_type(expr)
    return static_type


def known_type(node: ast.expr, translator: Any) -> Any:
    """The type `translator.static_type(node)` gives, whatever the names' types, or ASK."""
    cls = type(node)
    if cls is ast.Constant:
        return _constant_type(node.value)  # type: ignore[attr-defined]
    if cls is ast.List or cls is ast.Tuple or cls is ast.Dict:
        return _DISPLAY_TYPES[cls] if _accepted(node) else ASK
    return None if _refuses(node, translator) else ASK


def _constant_type(v: object) -> str | None:
    if v is None:
        return "none"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int" if abs(v) <= MAX_EXACT_INT else None
    if isinstance(v, float):
        return "float" if math.isfinite(v) else None
    if isinstance(v, str):
        return "str"
    return None


_DISPLAY_TYPES = {ast.List: "list", ast.Tuple: "tuple", ast.Dict: "dict"}


def _accepted(node: ast.expr) -> bool:
    """The translation of `node` cannot refuse nor fail: a name, an accepted constant, or a display of those."""
    cls = type(node)
    if cls is ast.Name:
        return True
    if cls is ast.Constant:
        return _constant_type(node.value) is not None  # type: ignore[attr-defined]
    if cls is ast.List or cls is ast.Tuple:
        return all(_accepted(e) for e in node.elts)  # type: ignore[attr-defined]  # (a Starred is not accepted)
    if cls is ast.Dict:
        return all(type(k) is ast.Constant and type(k.value) is str for k in node.keys) and \
            all(_accepted(v) for v in node.values)  # type: ignore[attr-defined]
    return False


def _refuses(node: ast.expr, translator: Any) -> bool:
    """The translation of `node` refuses (static_type gives None) whatever the names' types."""
    cls = type(node)
    if cls is ast.Call:
        f = node.func  # type: ignore[attr-defined]
        return type(f) is ast.Name and f.id not in _FOLD_BUILTINS and f.id not in translator.predicate_names \
            and getattr(translator, "_builtin_" + f.id, None) is None
    if cls is ast.BinOp:
        left = node.left  # type: ignore[attr-defined]
        return _refuses(left, translator) or (
            type(left) in (ast.Name, ast.Constant) and _refuses(node.right, translator))  # type: ignore
    return False
