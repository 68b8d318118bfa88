"""Static types from the annotations users write: a step's return type (and a workflow's parameters).

Read from the module's AST (the compiler never imports the user's module). Only the forms that
`pyawssfn._step_types` checks at run time are trusted, and they are read exactly as it reads them: a step whose
result does not match its annotation fails at the step boundary in both runs, so what the compiler assumes of a
step's result always holds.

    int  str  bool  None                     the kinds (bool is not an int here: JSON keeps true apart from 1)
    list[T]  List[T]  dict[K, V]  Dict[K, V]  with the item / value type
    a TypedDict class of the module           its keys, required or not (total=, Required[], NotRequired[])
    a @dataclass class of the module          a dict with every field (a step returns dataclasses.asdict(...))

    Optional[T]  T | None  Union[T, None]    Maybe(T): narrowed to T by `is None`, truthiness and isinstance tests

`float` is not trusted as a kind: a step returning 2.0 is seen as 2 by both runs (JSON numbers are doubles), so
its result prints as an int. Other unions, `Any`, `object` and anything else give no type.
"""
from __future__ import annotations

import ast

from pyawssfn.compiler.astwalk import walk
from pyawssfn.compiler.types.model import Maybe, Type

_TYPING_MODULES = frozenset(["typing", "typing_extensions"])
_SCALARS = {"int": "int", "str": "str", "bool": "bool"}
_LISTS = frozenset(["list", "List"])
_DICTS = frozenset(["dict", "Dict"])


class AnnotationReader:
    """Types of annotation expressions in one module."""

    def __init__(self, tree: ast.Module) -> None:
        self.typing_names: dict[str, str] = {}   # local name -> typing name (from typing import X as Y)
        self.typing_modules: set[str] = set()    # local names of the typing module
        self.classes: dict[str, ast.ClassDef] = {}
        self.rebound: set[str] = set()           # module-level names that shadow a builtin
        for node in tree.body:
            self._scan(node)
        self._seen: set[str] = set()

    def _scan(self, node: ast.stmt) -> None:
        if isinstance(node, ast.ImportFrom) and node.module in _TYPING_MODULES:
            for a in node.names:
                self.typing_names[a.asname or a.name] = a.name
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name in _TYPING_MODULES:
                    self.typing_modules.add(a.asname or a.name)
        elif isinstance(node, ast.ClassDef):
            self.classes[node.name] = node
            self.rebound.add(node.name)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self.rebound.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            self.rebound.update(n.id for t in targets for n in walk(t) if isinstance(n, ast.Name))

    # ------------------------------------------------------------------------------------------------ names
    def _typing_name(self, node: ast.expr) -> str | None:
        """`X` for `typing.X` or a name imported from typing."""
        if isinstance(node, ast.Name) and node.id in self.typing_names:
            return self.typing_names[node.id]
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in self.typing_modules:
            return node.attr
        return None

    def _builtin(self, node: ast.expr) -> str | None:
        if isinstance(node, ast.Name) and node.id not in self.rebound and node.id not in self.typing_names:
            return node.id
        return None

    # ------------------------------------------------------------------------------------------------ types
    def type_of(self, node: ast.expr | None) -> Type | Maybe | None:
        if node is None:
            return None
        if isinstance(node, ast.Constant):
            if node.value is None:
                return Type("none")
            if isinstance(node.value, str):  # a string annotation (a forward reference)
                try:
                    return self.type_of(ast.parse(node.value, mode="eval").body)
                except SyntaxError:
                    return None
            return None
        b = self._builtin(node)
        if b in _SCALARS:
            return Type(_SCALARS[b])
        if b in _LISTS or self._typing_name(node) == "List":
            return Type("list")
        if b in _DICTS or self._typing_name(node) == "Dict":
            return Type("dict")
        if isinstance(node, ast.Name) and node.id in self.classes:
            return self._record(self.classes[node.id])
        if isinstance(node, ast.Subscript):
            return self._generic(node)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            return self._optional([node.left, node.right])
        return None

    def _generic(self, node: ast.Subscript) -> Type | None:
        base = node.value
        args = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        b, t = self._builtin(base), self._typing_name(base)
        if (b in _LISTS or t == "List") and len(args) == 1:
            return Type("list", self.type_of(args[0]))
        if (b in _DICTS or t == "Dict") and len(args) == 2:
            return Type("dict", self.type_of(args[1]))
        if t == "Optional" and len(args) == 1:
            return self._optional([args[0], ast.Constant(None)])
        if t == "Union":
            return self._optional(args)
        return None

    def _optional(self, members: list[ast.expr]) -> Maybe | None:
        """`Optional[T]`, `Union[T, None]`, `T | None`: Maybe(T) when T has a type."""
        rest = [m for m in members if not (isinstance(m, ast.Constant) and m.value is None)]
        if len(rest) != 1 or len(rest) == len(members):
            return None
        inner = self.type_of(rest[0])
        return Maybe(inner) if isinstance(inner, Type) and inner != "none" else None

    def _record(self, cls: ast.ClassDef) -> Type | None:
        """A TypedDict or a dataclass of the module, as a dict type with its keys."""
        if cls.name in self._seen:  # a recursive type: say nothing more of the inner one
            return Type("dict")
        self._seen.add(cls.name)
        try:
            if self._is_typed_dict(cls):
                total = next((k.value.value for k in cls.keywords
                              if k.arg == "total" and isinstance(k.value, ast.Constant)), True)
                fields: dict = {}
                for b in cls.bases:  # the keys of the TypedDicts it extends come first, as at run time
                    inherited = self._record(self.classes[b.id]) if isinstance(b, ast.Name) and b.id in self.classes \
                        else None
                    if inherited is not None and inherited.fields is not None:
                        fields.update(inherited.fields)
                fields.update(self._typed_dict_fields(cls, bool(total)))
                return Type("dict", None, fields)
            if any(self._is_dataclass_decorator(d) for d in cls.decorator_list):
                return Type("dict", None, {k: (v, True) for k, v in self._class_fields(cls)})
            return None
        finally:
            self._seen.discard(cls.name)

    def _is_typed_dict(self, cls: ast.ClassDef) -> bool:
        """A TypedDict class: its bases are TypedDict or TypedDict classes of the module (and nothing else)."""
        if not cls.bases:
            return False
        for b in cls.bases:
            if self._typing_name(b) == "TypedDict":
                continue
            if not (isinstance(b, ast.Name) and b.id in self.classes and b.id not in self._seen
                    and self._is_typed_dict(self.classes[b.id])):
                return False
        return True

    def _typed_dict_fields(self, cls: ast.ClassDef, total: bool) -> dict:
        fields = {}
        for key, ann in self._class_annotations(cls):
            required = total
            while isinstance(ann, ast.Subscript) and self._typing_name(ann.value) in ("Required", "NotRequired"):
                required = self._typing_name(ann.value) == "Required"
                ann = ann.slice
            fields[key] = (self.type_of(ann), required)
        return fields

    def _class_fields(self, cls: ast.ClassDef) -> list[tuple[str, Type | None]]:
        return [(k, self.type_of(a)) for k, a in self._class_annotations(cls)
                if not self._pseudo_field(a)]

    def _pseudo_field(self, a: ast.expr) -> bool:
        """ClassVar and InitVar annotations are not fields (dataclasses.fields() leaves them out)."""
        base = a.value if isinstance(a, ast.Subscript) else a
        if self._typing_name(base) == "ClassVar":
            return True
        return (isinstance(base, ast.Name) and base.id == "InitVar") or (
            isinstance(base, ast.Attribute) and base.attr == "InitVar")

    @staticmethod
    def _class_annotations(cls: ast.ClassDef) -> list[tuple[str, ast.expr]]:
        return [(s.target.id, s.annotation) for s in cls.body
                if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)]

    def _is_dataclass_decorator(self, d: ast.expr) -> bool:
        target = d.func if isinstance(d, ast.Call) else d
        if isinstance(target, ast.Name):
            return target.id == "dataclass"
        return isinstance(target, ast.Attribute) and target.attr == "dataclass"


def step_result_types(tree: ast.Module, steps: dict[str, ast.FunctionDef]) -> dict[str, Type]:
    """{step name: the type its return annotation promises}, for the steps whose annotation gives one."""
    reader = AnnotationReader(tree)
    out = {}
    for name, fn in steps.items():
        t = reader.type_of(fn.returns)
        if t is not None:
            out[name] = t
    return out


_TOLERANCE = frozenset(["tolerated_failures", "tolerated_failure_percentage"])
_PLAIN_MAP = frozenset(["max_concurrency", "distributed"]) | _TOLERANCE


# A Map state's output when a ResultWriter wrote its results: {"MapRunArn": ..., "ResultWriterDetails": {"Bucket":
# ..., "Key": ...}} (the Map Run and where its manifest is: _item_io.writer_output, as on AWS).
_WRITTEN = Type("dict", None, {"MapRunArn": (Type("str"), True),
                               "ResultWriterDetails": (Type("dict", None, {"Bucket": (Type("str"), True),
                                                                           "Key": (Type("str"), True)}), True)})


def api_result_type(info, call: ast.Call, steps: dict[str, Type]) -> Type | None:
    """The type of an author-API call's value: `sfn.map(step, items)` is a list of the step's results (a Map
    state's result is an array; with a tolerated failure, an item may be an error object instead);
    `sfn.with_retry_spec(step, args, ...)` is the step's result. With
    `results_to=` the result is where the results were written (_WRITTEN); with any other option, unknown."""
    api = info.api(call.func)
    if api == "with_retry_spec" and call.args and isinstance(call.args[0], ast.Name):
        return steps.get(call.args[0].id)  # the step's own result, checked at its boundary as any call of it
    if api != "map" or not call.args:
        return None
    if any(k.arg == "results_to" for k in call.keywords):
        return _WRITTEN
    if any(k.arg not in _PLAIN_MAP for k in call.keywords):
        return None
    f = call.args[0]
    if any(k.arg in _TOLERANCE for k in call.keywords) or not isinstance(f, ast.Name):
        return Type("list")
    item = steps.get(f.id)
    return Type("list", item if isinstance(item, Type) else None)
