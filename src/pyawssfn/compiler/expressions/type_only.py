"""`static_type` without the trees: the type a translation gives, for the expressions whose type reads no tree.

The type inference asks the static type of every assignment's value, often several times (one per round of its
fixed point), and reads nothing of the translation but its J's type and tuple-ness. For an arithmetic operator and a
list or dict display that answer is a function of the operands' J's alone, so these nodes are typed here by the same
checks (the mixins' own `_check_*`, refusing as the translation refuses) and the same typing rules (`binop_type`,
which `binop_code` follows; tests/compiler/test_type_only.py compares the two ways over every operator and operand
type), without building the JSONata that is thrown away. Their operands are typed the same way down to the leaves;
a name or a literal is translated as before (a few calls; the lowerer's name resolution is kept as it is), and so is
anything else (a call, a subscript, a comparison, a constant expression Python folds, `**`, whose type reads the
exponent's tree): its J is the one the translation gives.
"""
from __future__ import annotations

import ast

from pyawssfn.compiler.expressions.core import J, NUMERIC, _Refused, _foldable, either, name_value
from pyawssfn.compiler.expressions.statements import INPLACE
from pyawssfn.jsonata.tree import NULL

# the operators typed from the operands' types (** reads its exponent's tree: a negative literal makes a float)
_TYPED_OPS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod)
_SEQUENCES = ("str", "list")
_NO_SEQUENCE = frozenset(["int", "float", "str"])  # an operand of these: the result is no tuple (_tr_BinOp)


def binop_type(op: ast.operator, lt: str | None, rt: str | None) -> str | None:
    """The static type `ArithmeticMixin.binop_code` gives `lt <op> rt` for an operator of _TYPED_OPS (the same
    objects: a Type passes through where binop_code passes it)."""
    both_num = lt in NUMERIC and rt in NUMERIC
    float_op = "float" in (lt, rt)
    num_type = "int" if lt == rt == "int" else ("float" if both_num or float_op else None)
    if isinstance(op, ast.Add):  # _add_code
        if both_num:
            return num_type
        if lt == rt == "str":
            return "str"
        if lt == rt == "list":
            return "list"
        if lt in NUMERIC or rt in NUMERIC:
            return num_type if "float" in (lt, rt) else (lt if lt == rt else None)
        for known in _SEQUENCES:
            if known in (lt, rt):
                return known
        return lt if lt == rt else None
    if isinstance(op, ast.Mult):
        if both_num or float_op:
            return num_type
        if lt in _SEQUENCES:  # _mult
            return lt
        if rt == "int" or lt == "int":
            return None
        return rt if rt in _SEQUENCES else None
    if isinstance(op, ast.Div):
        return "float"
    return num_type  # - // %


class TypeOnlyMixin:
    """ExpressionTranslator methods; see the module docstring."""

    # Whether the translator's resolve_name is pure and its tree is never read where a name is typed (the type
    # inference's probe, types/known.site_typer): then names, literals and len(name) are typed without their trees.
    # The lowerer's own translator keeps its name resolution (it reports, and it renders synthetic values).
    pure_names = False

    def _ty(self, node: ast.expr) -> J:
        """`self._tr(node)`'s type and tuple-ness (its tree is a placeholder where the node is typed here)."""
        kind = type(node)
        if self.pure_names and not self._scopes:  # type: ignore[attr-defined]
            if kind is ast.Name:
                self._view_ok = False
                return self._ty_name(node)  # type: ignore[arg-type]
            if kind is ast.Constant:
                self._view_ok = False
                return self._tr_Constant(node)  # type: ignore[attr-defined]  # (as _tr does: no place on the stack)
            if kind is ast.Call and _len_of_name(node, self.predicate_names) and \
                    not self._folds(node):  # type: ignore[attr-defined]
                self._view_ok = False
                return self._ty_len(node)  # type: ignore[arg-type]
        if kind is ast.BinOp:
            if isinstance(node.op, _TYPED_OPS) and not self._folds(node):  # type: ignore[attr-defined]
                self._view_ok = False
                return self._ty_binop(node)  # type: ignore[arg-type]
        elif kind is ast.List or kind is ast.Tuple:
            if not self._folds(node):
                self._view_ok = False
                return self._ty_list(node)  # type: ignore[arg-type]
        elif kind is ast.Dict:
            if not self._folds(node):
                self._view_ok = False
                return self._ty_dict(node)  # type: ignore[arg-type]
        return self._tr(node)  # type: ignore[attr-defined]

    def _ty_name(self, node: ast.Name) -> J:
        """_tr_Name's J outside a comprehension, but for its tree (expressions/translator.py)."""
        name_type = self.name_type  # type: ignore[attr-defined]
        t = name_type(node) if name_type is not None else None
        return name_value(NULL, t, node.__dict__)

    def _ty_len(self, node: ast.Call) -> J:
        """_builtin_len's type of `len(name)`: an int, or refused when the name's type has no len()."""
        t = self._ty_name(node.args[0]).type  # type: ignore[arg-type]
        if t is not None and t != "str" and t != "list" and t != "dict":
            raise _Refused()
        return J(NULL, "int")

    def _folds(self, node: ast.expr) -> bool:
        """_fold would evaluate the node (then its own translation types it, from the value)."""
        memo = self._fold_memo  # type: ignore[attr-defined]
        if len(memo) >= 100_000:
            memo.clear()
        return _foldable(node, memo)

    def _ty_binop(self, node: ast.BinOp) -> J:
        """_tr_BinOp's checks and type."""
        left, right = self._ty(node.left), self._ty(node.right)
        op = node.op
        if isinstance(op, ast.Add):
            self._check_tuple_concat(node, left, right)  # type: ignore[attr-defined]
        if node.__dict__.get(INPLACE, False) and isinstance(op, ast.Add) and left.type in (None, "list"):
            if "bool" in (left.type, right.type):
                self._check_binop_types(node, left, right)  # type: ignore[attr-defined]
            return J(NULL, "list" if left.type == "list" else None)  # iadd_code
        self._check_binop_types(node, left, right)  # type: ignore[attr-defined]
        t = binop_type(op, left.type, right.type)
        if isinstance(op, (ast.Add, ast.Mult)) and not {left.type, right.type} & _NO_SEQUENCE:
            seqs = [e for e in (left, right) if e.type != "int"] if isinstance(op, ast.Mult) else [left, right]
            return either(NULL, t, *seqs)
        return J(NULL, t)

    def _ty_list(self, node: ast.List | ast.Tuple) -> J:
        """_tr_List's type and shape (building the array refuses nothing)."""
        shapes = set()
        for elt in node.elts:
            if isinstance(elt, ast.Starred):
                shapes.add(self._ty(elt.value).items_tup)
            else:
                shapes.add(self._ty(elt).tup)
        return J(NULL, "list", isinstance(node, ast.Tuple),
                 shapes.pop() if len(shapes) == 1 else (False if not shapes else None))

    def _ty_dict(self, node: ast.Dict) -> J:
        """_tr_Dict's refusals (a key known not to be a str) and type."""
        for k, v in zip(node.keys, node.values):
            if k is not None:
                kt = self._ty(k).type
                if kt != "str" and kt is not None:
                    raise _Refused()  # _tr_Dict refuses it (static_type keeps no report: its answer is None)
            self._ty(v)
        return J(NULL, "dict")


def _len_of_name(node: ast.Call, predicate_names: set[str]) -> bool:
    """`len(x)` of a name, as _tr_Call hands it to _builtin_len (no keyword, no *args, len no predicate)."""
    f = node.func
    return type(f) is ast.Name and f.id == "len" and not node.keywords and len(node.args) == 1 and \
        type(node.args[0]) is ast.Name and "len" not in predicate_names  # type: ignore[attr-defined]
