"""The builtin exception classes Python may raise evaluating one node of a workflow's own code (F95).

The machine evaluates the workflow's own expressions in JSONata: where Python raises (``len(5)``, ``"a" < 1``,
``xs.index(v)``, ``max([])``, ``f"{x:d}"`` of a float), the JSONata fails too (a ``$error(...)`` the translator
writes, or JSONata's own error on a wrongly typed value), and the state fails with States.QueryEvaluationError
whatever Python's class is. A Catch naming ``ValueError`` never matches that name, so a handler naming a class
Python raises there never runs on the machine while it runs in Python: try_statements.check_expression_errors
refuses such a node (``raised``) where the handler's classes include one of its classes.

``_BY_NODE`` gives the classes of the node's own operation (not its operands': each is a node of its
own), narrowed by the static types the compiler knows (``s.upper()`` of a ``s: str`` raises nothing), with the
test to write first instead. A node whose operation cannot fail gives no class. The subscripts, divisions and
int()/float() the check refused before this module are left to it (``_risky``), as they were."""
from __future__ import annotations

import ast
import string
from typing import TYPE_CHECKING

from pyawssfn.compiler.astwalk import value_children, walk
from pyawssfn.compiler.expressions import ExpressionTranslator
from pyawssfn.jsonata.tree import Var

if TYPE_CHECKING:
    from pyawssfn.compiler.lower.builder import FunctionLowerer

NUM = frozenset(["int", "float", "bool"])
ITERABLE = frozenset(["str", "list", "tuple", "dict"])
HASHABLE = frozenset(["str", "int", "float", "bool", "none", "tuple"])
_PYTYPES = {"str": str, "list": list, "tuple": tuple, "dict": dict, "int": int, "float": float, "bool": bool,
            "none": type(None)}
_SAMPLES = {"int": 1, "bool": True, "float": 1.5, "str": "a", "none": None}
T, V, A, K, I, Z, O = ("TypeError", "ValueError", "AttributeError", "KeyError", "IndexError", "ZeroDivisionError",
                       "OverflowError")
NONE: tuple[frozenset[str], str] = (frozenset(), "")
TYPES = "test the type first (isinstance(x, str), isinstance(n, (int, float)))"
# every class a node of this module can give: a handler naming none of them (nor a base) has nothing to check
CLASSES = frozenset([T, V, A, K, I, Z, O, "UnboundLocalError", "NameError"])


def check_body(builder: FunctionLowerer, st: ast.Try, h: ast.ExceptHandler, errors: list[str]) -> None:
    """Refuse the first node of the try body whose own operation may raise, in Python, a class the handler names
    (``errors``: its classes and their subclasses): the machine fails it with States.QueryEvaluationError, which no
    Catch naming a class matches, so the handler that runs in Python never runs on the machine."""
    names = CLASSES.intersection(errors)
    if not names or any(_catch_all(x) for x in st.handlers[:st.handlers.index(h)]):
        return  # (after `except Exception`, a later clause sees nothing an expression raises, on either side)
    from pyawssfn.compiler.lower.try_statements import with_branches  # (try_statements imports this module)
    spelt = builder.src(h.type) if h.type is not None else "Exception"
    types: _Types | None = None  # (made when a node's classes depend on types)
    for n in with_branches(builder, _evaluated(st.body)):
        node_type = type(n)
        may = _MAY.get(node_type)
        if may is not None and not names.intersection(may(n) if node_type is ast.BinOp or node_type is ast.AugAssign
                                                      else may):
            continue  # (no class it can give is named: its types need not be asked; it is no call of a child)
        kind = _BY_NODE.get(node_type)
        if kind is not None and types is None:
            types = _Types(builder)
        got, hint = kind(types, n) if kind is not None else NONE  # type: ignore[arg-type]
        hit = got & names
        if hit:
            builder.report(n, f"except {spelt} cannot catch the {sorted(hit)[0]} Python raises here: the machine "
                              "fails this workflow expression with States.QueryEvaluationError, which no handler "
                              "naming a class matches", f"{hint}; or compute it inside a step")
            return
        if node_type is not ast.Call:
            continue  # (_in_child looks into a call of a child workflow only)
        child = _in_child(builder, n, names, set())
        if child is not None:
            name, m, cls, hint = child
            builder.report(n, f"except {spelt} cannot catch the {cls} Python may raise in child workflow {name} "
                              f"(line {m.lineno}, col {m.col_offset + 1}): the child fails with "  # type: ignore
                              "States.QueryEvaluationError, which no handler naming a class matches",
                           f"{hint} in {name} and raise {cls}(...) there; or compute it inside a step")
            return


def child_called(builder: FunctionLowerer, n: ast.AST, seen: set[str]) -> tuple[str, ast.FunctionDef] | None:
    """For a call of a child workflow not met yet in this search (``seen``, which it joins): its name and function."""
    if not (isinstance(n, ast.Call) and builder.classify(n) == "workflow"):
        return None
    name = n.func.id  # type: ignore[attr-defined]  # classify returns "workflow" for a Name only
    fn = builder.info.workflows.get(name)
    if fn is None or name in seen:
        return None
    seen.add(name)
    return name, fn


def _in_child(builder: FunctionLowerer, n: ast.AST, names: frozenset[str],
              seen: set[str]) -> tuple[str, ast.AST, str, str] | None:
    """For a call of a child workflow: (its name, the first node of its body, or of a grandchild's, whose own
    operation may raise one of ``names``, the class, what to test), typed by literals only (the child's names are
    not the parent's); None if there is none."""
    called = child_called(builder, n, seen)
    if called is None:
        return None
    name, fn = called
    types = _Types(builder, literal_only=True)
    for m in _evaluated(fn.body):
        kind = _BY_NODE.get(type(m))
        got, hint = kind(types, m) if kind is not None and type(m) is not ast.Name else NONE
        if got & names:
            return name, m, sorted(got & names)[0], hint
        deeper = _in_child(builder, m, names, seen)
        if deeper is not None:
            return deeper
    return None


def _evaluated(body: list[ast.stmt]) -> list[ast.AST]:
    """The nodes the workflow evaluates in ``body``: lambdas' bodies too (a key=, sfn.map's) and an inner try's
    handler bodies, not a nested def's, nor the body of an inner try whose catch-all handler sees the error first.
    Contexts and operators are left out (no class comes of them)."""
    out: list[ast.AST] = []
    todo: list[ast.AST] = list(reversed(body))
    while todo:
        n = todo.pop()
        out.append(n)
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        if isinstance(n, ast.Try):  # (an inner handler's body raises to the outer try: F96)
            kids: list[ast.AST] = [x for h in n.handlers for x in h.body] + list(n.orelse) + list(n.finalbody)
            if not any(_catch_all(x) for x in n.handlers):
                kids += n.body
            todo.extend(reversed(kids))
            continue
        todo.extend(reversed([c for c in value_children(n) if not isinstance(c, ast.ExceptHandler)]))
    return out


def _catch_all(h: ast.ExceptHandler) -> bool:
    return h.type is None or isinstance(h.type, ast.Name) and h.type.id in ("Exception", "BaseException")


class _Types:
    """The static type of an expression (the translator's, from the annotations, literals and steps' results)."""

    def __init__(self, builder: FunctionLowerer, literal_only: bool = False) -> None:
        self.b = builder
        self.literal_only = literal_only  # a child's expression: its names are not the builder's
        # a translator of its own, reading a name as a plain variable: the builder's resolves names (renders a
        # hoisted value, reports an undefined or unbound one), which a question about a type must not do
        self.probe = ExpressionTranslator(lambda n: Var(n.id), lambda *a: None, name_type=builder._name_type)

    def of(self, e: ast.AST | None) -> str | None:
        if not isinstance(e, ast.expr):
            return None
        if self.literal_only and any(isinstance(x, ast.Name) for x in walk(e)):
            return None
        if isinstance(e, ast.Name) and (e.id in self.b.caught or e.id in self.b.info.module_names):
            return None
        return self.probe.static_type(e)

    def all_in(self, es, kinds: frozenset[str]) -> bool:
        return all(self.of(e) in kinds for e in es)

    def plain(self, e: ast.expr) -> bool:
        """A name of the workflow's own module, the sfn module, a caught error: no value of a type."""
        root = e
        while isinstance(root, ast.Attribute):
            root = root.value
        info = self.b.info
        return isinstance(root, ast.Name) and (root.id in info.module_names or root.id in info.sfn_modules or
                                               root.id in self.b.caught or info.api(e) is not None)


def _set(*names: str) -> frozenset[str]:
    return frozenset(names)


def _binop(t: _Types, n: ast.BinOp | ast.AugAssign) -> tuple[frozenset[str], str]:
    left = n.left if isinstance(n, ast.BinOp) else n.target
    right = n.right if isinstance(n, ast.BinOp) else n.value
    out = set() if _operands_fit(t, n.op, t.of(left), t.of(right)) else {T}
    if isinstance(n.op, (ast.Div, ast.FloorDiv, ast.Mod)) and not _nonzero(right):
        out.add(Z)
    if isinstance(n.op, ast.Pow):
        out |= {Z, O}
    if isinstance(n.op, (ast.LShift, ast.RShift)):
        out |= {V, O}
    if isinstance(n.op, ast.Mod) and t.of(left) != "int" and t.of(left) != "float":
        out |= {T, V}  # "%d" % x: a format of its own
    if isinstance(n, ast.AugAssign) and isinstance(n.target, ast.Subscript):
        out |= {K, I, T}  # the target is read first: d["k"] += 1
    return frozenset(out), "test the operands first (isinstance(x, int), if n != 0, if k in d)"


def _operands_fit(t: _Types, op: ast.operator, a: str | None, b: str | None) -> bool:
    if a in NUM and b in NUM:
        return not isinstance(op, (ast.LShift, ast.RShift, ast.BitAnd, ast.BitOr, ast.BitXor)) or \
            a != "float" and b != "float"
    if isinstance(op, ast.Add):
        return a == b and a in ("str", "list", "tuple")
    if isinstance(op, ast.Mult):
        return (a in ("str", "list", "tuple") and b in ("int", "bool")) or (b in ("str", "list", "tuple") and
                                                                              a in ("int", "bool"))
    return False


def _nonzero(e: ast.expr) -> bool:
    v = e.operand.value if isinstance(e, ast.UnaryOp) and isinstance(e.op, ast.USub) and \
        isinstance(e.operand, ast.Constant) else getattr(e, "value", None) if isinstance(e, ast.Constant) else None
    return isinstance(v, (int, float)) and not isinstance(v, bool) and v != 0


def _unary(t: _Types, n: ast.UnaryOp) -> tuple[frozenset[str], str]:
    if isinstance(n.op, ast.Not):
        return NONE
    ok = NUM - {"float"} if isinstance(n.op, ast.Invert) else NUM
    return (frozenset() if t.of(n.operand) in ok else _set(T)), "test isinstance(x, (int, float)) first"


def _compare(t: _Types, n: ast.Compare) -> tuple[frozenset[str], str]:
    left = n.left
    for op, right in zip(n.ops, n.comparators):
        a, b = t.of(left), t.of(right)
        if isinstance(op, (ast.Lt, ast.LtE, ast.Gt, ast.GtE)) and not (a in NUM and b in NUM or a == b == "str"):
            return _set(T), TYPES + " before ordering values (<, >)"
        if isinstance(op, (ast.In, ast.NotIn)) and not (b in ("list", "tuple") or a == b == "str" or
                                                        b == "dict" and a in HASHABLE):
            return _set(T), "test the types first (isinstance(xs, list), isinstance(k, str)) before `in`"
        left = right
    return NONE


def _call(t: _Types, n: ast.Call) -> tuple[frozenset[str], str]:
    f = n.func
    b = t.b
    if b.classify(n) is not None or b.info.api(f) is not None:
        return NONE  # a step, a child workflow, an sfn call: errors of their own, caught by name
    starred = _set(T) if any(isinstance(a, ast.Starred) for a in n.args) or \
        any(k.arg is None for k in n.keywords) else frozenset()
    if isinstance(f, ast.Name):
        if f.id in b.vars or f.id in b.nested_defs or b.info.is_exception_class(f.id) or f.id in b.info.imported:
            return starred, TYPES
        kind = _BUILTINS.get(f.id)
        if kind is None:
            return starred | _set(T, V), TYPES
        got, hint = kind(t, n)
        return got | starred, hint
    if isinstance(f, ast.Attribute) and not t.plain(f.value):
        got, hint = _method(t, n, f)
        return got | starred, hint
    return starred, TYPES


def _one_arg(t: _Types, n: ast.Call, kinds: frozenset[str], extra: frozenset[str] = frozenset()):
    if not n.args:
        return NONE
    return (frozenset() if t.all_in(n.args[:1], kinds) and len(n.args) == 1 else _set(T)) | extra, TYPES


def _len(t, n):
    return _one_arg(t, n, ITERABLE)


def _abs(t, n):
    return _one_arg(t, n, NUM)


def _round(t, n):
    ok = t.all_in(n.args[:1], NUM) and t.all_in(n.args[1:], frozenset(["int", "bool", "none"]))
    return (frozenset() if ok else _set(T)), TYPES


def _extreme(t, n):
    """min()/max(): of an empty iterable (ValueError, unless default=), items that do not order (TypeError)."""
    hint = "test first (if xs:) or pass default=, and keep the items of one type"
    keyed = any(k.arg == "key" for k in n.keywords)
    if len(n.args) > 1:
        same = t.all_in(n.args, NUM) or t.all_in(n.args, frozenset(["str"]))
        return (frozenset() if same and not keyed else _set(T)), hint
    arg = n.args[0] if n.args else None
    empty = not any(k.arg == "default" for k in n.keywords) and not (
        isinstance(arg, (ast.List, ast.Tuple)) and arg.elts and not any(isinstance(e, ast.Starred) for e in arg.elts))
    items = isinstance(arg, (ast.List, ast.Tuple)) and (t.all_in(arg.elts, NUM) or
                                                        t.all_in(arg.elts, frozenset(["str"])))
    return _set(*([V] if empty else []), *([] if items and not keyed else [T])), hint


def _iterables(t, n):
    """list(), tuple(), set(), sorted(), sum(), any(), all(), enumerate(), zip(), reversed(): an argument that is
    no iterable (TypeError); sorted() and sum() also fail on their items, set() on an unhashable one."""
    name = n.func.id
    if name in ("sorted", "sum", "set") and n.args and not (name == "set" and t.of(n.args[0]) == "str"):
        return _set(T), TYPES + " of the items"
    if name == "zip" and any(k.arg == "strict" for k in n.keywords):
        return _set(T, V), "test the lengths first (if len(a) == len(b))"
    cut = 1 if name == "enumerate" else len(n.args)
    return (frozenset() if t.all_in(n.args[:cut], ITERABLE) else _set(T)), TYPES


def _dict(t, n):
    if not n.args:
        return NONE
    return (frozenset() if t.of(n.args[0]) == "dict" else _set(T, V)), "build the dict with a display {k: v, ...}"


def _range(t, n):
    got = set() if t.all_in(n.args, frozenset(["int", "bool"])) else {T}
    if len(n.args) == 3 and not _nonzero(n.args[2]):
        got.add(V)
    return frozenset(got), "test the bounds first (if step != 0, isinstance(n, int))"


def _format(t, n):
    spec = n.args[1] if len(n.args) > 1 else ast.Constant(value="")
    return _spec_errors(t, n.args[0] if n.args else None, spec)


def _int_float(t, n):
    return _set(T, V), "test first (s.isdigit() in a step), or convert inside a step"


def _never(t, n):
    return NONE


_BUILTINS = {"len": _len, "abs": _abs, "round": _round, "min": _extreme, "max": _extreme, "dict": _dict,
             "range": _range, "format": _format, "int": _int_float, "float": _int_float,
             "str": _never, "bool": _never, "repr": _never, "isinstance": _never, "type": _never, "print": _never,
             **{k: _iterables for k in ("list", "tuple", "set", "sorted", "sum", "any", "all", "enumerate", "zip",
                                        "reversed")}}


# a method's own failures beyond a receiver or argument of the wrong type (AttributeError, TypeError)
_METHOD_RAISES = {"index": _set(V), "rindex": _set(V), "remove": _set(V), "pop": _set(I, K), "popitem": _set(K)}
# methods whose arguments may be of any type (no TypeError of an argument)
_ANY_ARGUMENT = frozenset(["append", "count", "index", "remove", "get", "pop", "setdefault", "insert"])
_NO_ARGUMENT = frozenset(["upper", "lower", "strip", "lstrip", "rstrip", "keys", "values", "items", "copy",
                          "clear", "reverse", "isdigit", "isalpha", "title", "capitalize", "casefold"])


def _method(t: _Types, n: ast.Call, f: ast.Attribute) -> tuple[frozenset[str], str]:
    """x.m(...): a receiver with no such method (AttributeError), arguments of the wrong type (TypeError), and the
    method's own failures (ValueError of index/remove, KeyError/IndexError of pop, a split on an empty separator)."""
    name, recv = f.attr, t.of(f.value)
    if name == "format" and isinstance(f.value, ast.Constant) and isinstance(f.value.value, str):
        return _str_format(t, n, f.value.value)
    out = set(_METHOD_RAISES.get(name, ()))
    if recv is None or not hasattr(_PYTYPES[recv], name):
        out |= {A, T}
    if name in ("get", "pop", "setdefault") and recv != "list" and not t.all_in(n.args[:1], HASHABLE):
        out.add(T)  # an unhashable key
    if name in ("pop", "get") and recv == "dict" and len(n.args) > 1:
        out.discard(K)
    if name == "pop" and recv == "list":
        out.discard(K)
    if name in ("split", "rsplit", "partition", "rpartition") and n.args and not (
            isinstance(n.args[0], ast.Constant) and n.args[0].value != "" and
            (n.args[0].value is None or isinstance(n.args[0].value, str))):
        out |= {V, T}  # an empty separator
    if name == "join":
        arg = n.args[0] if len(n.args) == 1 else None
        if not (isinstance(arg, (ast.List, ast.Tuple)) and t.all_in(arg.elts, frozenset(["str"]))):
            out.add(T)  # an item that is no str
    elif name == "extend":
        out |= set() if t.all_in(n.args, ITERABLE) else {T}
    elif name == "update":
        out |= set() if t.all_in(n.args, frozenset(["dict"])) and not n.keywords else {T, V}
    elif name == "sort":
        out.add(T)
    elif name not in _ANY_ARGUMENT and name not in _NO_ARGUMENT:
        strs = t.all_in(n.args, frozenset(["str"])) or name in ("center", "ljust", "rjust", "zfill") and \
            t.all_in(n.args[:1], frozenset(["int", "bool"])) and t.all_in(n.args[1:], frozenset(["str"]))
        out |= set() if strs and recv == "str" else {T}
    return frozenset(out), "test first (isinstance(x, str), if v in xs, if xs, if k in d)"


def _str_format(t: _Types, n: ast.Call, text: str) -> tuple[frozenset[str], str]:
    """"...".format(...): a field with no argument (IndexError, KeyError), a spec the value does not take."""
    hint = "give every field its argument, of a type its spec takes"
    try:
        fields = [f for f in string.Formatter().parse(text) if f[1] is not None]
    except ValueError:
        return _set(V), hint
    out: set[str] = set()
    auto = 0
    kwargs = {k.arg: k.value for k in n.keywords if k.arg is not None}
    for _, field, spec, conv in fields:
        head = field.split(".")[0].split("[")[0]
        if head != field:
            out |= {A, K, I, T}
        if head == "":
            arg, auto = (n.args[auto] if auto < len(n.args) else None), auto + 1
        elif head.isdigit():
            arg = n.args[int(head)] if int(head) < len(n.args) else None
        else:
            arg = kwargs.get(head)
        if arg is None:
            out |= {I, K}
            continue
        if spec and not conv:
            out |= _spec_errors(t, arg, ast.Constant(value=spec) if "{" not in spec else ast.JoinedStr(values=[]))[0]
    return frozenset(out), hint


def _spec_errors(t: _Types, value: ast.AST | None, spec: ast.AST) -> tuple[frozenset[str], str]:
    """A format spec applied to a value: Python raises ValueError (or TypeError) where the value's type does not
    take it (`f"{x:d}"` of a float, `f"{x:>5}"` of None); known both, the spec is tried on a value of that type."""
    hint = "test the type first (isinstance(x, int))"
    text = spec.value if isinstance(spec, ast.Constant) else None
    if isinstance(spec, ast.JoinedStr) and all(isinstance(v, ast.Constant) for v in spec.values):
        text = "".join(v.value for v in spec.values)  # type: ignore[attr-defined]
    kind = t.of(value)
    if text is None or kind not in _SAMPLES:
        return _set(V, T), hint
    if text == "":
        return NONE
    try:
        format(_SAMPLES[kind], text)
        if kind == "float":
            format(1.0, text)
    except (ValueError, TypeError):
        return _set(V, T), hint
    return NONE


def _formatted(t: _Types, n: ast.FormattedValue) -> tuple[frozenset[str], str]:
    if n.format_spec is None:
        return NONE
    # f"{x!r:>5}": the spec applies to the converted text
    return _spec_errors(t, n.value if n.conversion == -1 else ast.Constant(value=""), n.format_spec)


def _subscript(t: _Types, n: ast.Subscript) -> tuple[frozenset[str], str]:
    """An index out of range, a missing key, an unhashable one (a load of the body's own is refused by the older
    check first, try_statements._risky; one in a lambda's body is this one's)."""
    if isinstance(n.ctx, ast.Load):
        hint = "test first (if k in d, d.get(k), if 0 <= i < len(xs))"
        return (frozenset() if _item_there(t, n) else _set(K, I, T)), hint
    kind, key = t.of(n.value), t.of(n.slice)
    out = {T} if kind not in ("list", "dict") or kind == "dict" and key not in HASHABLE else set()
    if kind != "dict":
        out.add(I)
    if isinstance(n.ctx, ast.Del) and kind != "list":
        out.add(K)
    return frozenset(out), "test first (if 0 <= i < len(xs), if k in d)"


def _item_there(t: _Types, n: ast.Subscript) -> bool:
    """A literal index or key the value surely has: of a display (`[a, b][1]`, `{"k": v}["k"]`), or of the list of
    an sfn.parallel's results (one per branch)."""
    v, k = n.value, n.slice.value if isinstance(n.slice, ast.Constant) else None
    if isinstance(v, ast.Dict):
        return isinstance(k, str) and any(isinstance(x, ast.Constant) and x.value == k for x in v.keys)
    if not isinstance(k, int) or isinstance(k, bool):
        return False
    if isinstance(v, (ast.List, ast.Tuple)) and not any(isinstance(e, ast.Starred) for e in v.elts):
        size = len(v.elts)
    elif isinstance(v, ast.Call) and t.b.info.api(v.func) == "parallel" and not v.keywords:
        size = len(v.args)
    else:
        return False
    return -size <= k < size


def _attribute(t: _Types, n: ast.Attribute) -> tuple[frozenset[str], str]:
    if not isinstance(n.ctx, ast.Load) or t.plain(n.value):
        return NONE
    kind = t.of(n.value)
    ok = kind is not None and hasattr(_PYTYPES[kind], n.attr)
    return (frozenset() if ok else _set(A)), "test the type first (isinstance(x, ...))"


def _iteration(t: _Types, target: ast.expr, it: ast.expr) -> tuple[frozenset[str], str]:
    """for target in it (a loop, a comprehension): an iterable of no such type, items that do not unpack."""
    out = set() if t.of(it) in ITERABLE else {T}
    if isinstance(target, (ast.Tuple, ast.List)) and not _pairs(it, target):
        out |= {T, V}
    return frozenset(out), "test first (isinstance(xs, list)), or unpack each item by index after a len() test"


def _pairs(it: ast.expr, target: ast.Tuple | ast.List) -> bool:
    """d.items(), enumerate(...), zip(a, b): items of a known length."""
    if not isinstance(it, ast.Call) or any(isinstance(e, ast.Starred) for e in target.elts):
        return False
    f = it.func
    if isinstance(f, ast.Attribute) and f.attr == "items" and not it.args:
        return len(target.elts) == 2
    if isinstance(f, ast.Name) and f.id == "enumerate":
        return len(target.elts) == 2
    return isinstance(f, ast.Name) and f.id == "zip" and len(target.elts) == len(it.args)


def _for(t: _Types, n: ast.For) -> tuple[frozenset[str], str]:
    return _iteration(t, n.target, n.iter)


def _comprehension(t: _Types, n: ast.comprehension) -> tuple[frozenset[str], str]:
    return _iteration(t, n.target, n.iter)


def _assign(t: _Types, n: ast.Assign) -> tuple[frozenset[str], str]:
    """a, b = value: a value that is no iterable, or holds another number of items."""
    for target in n.targets:
        if isinstance(target, (ast.Tuple, ast.List)):
            v = n.value
            if not (isinstance(v, (ast.Tuple, ast.List)) and len(v.elts) == len(target.elts) and
                    not any(isinstance(e, ast.Starred) for e in v.elts + target.elts)):
                return _set(T, V), "test first (if len(r) == 2), then read the items by index"
    return NONE


def _displays(t: _Types, n: ast.AST) -> tuple[frozenset[str], str]:
    """{k: v} with a key that may be unhashable, {**x}, [*x], {x}: TypeError."""
    if isinstance(n, ast.Dict):
        bad = any(k is None and t.of(v) != "dict" or k is not None and t.of(k) not in HASHABLE
                  for k, v in zip(n.keys, n.values))
    elif isinstance(n, ast.Set):
        bad = not t.all_in(n.elts, HASHABLE)
    elif isinstance(n.ctx, ast.Load):  # type: ignore[attr-defined]  # a List or Tuple
        bad = any(isinstance(e, ast.Starred) and t.of(e.value) not in ITERABLE for e in n.elts)  # type: ignore
    else:
        bad = False  # a target: its unpacking is the assignment's (_assign, _iteration)
    return (_set(T) if bad else frozenset()), TYPES


def _name(t: _Types, n: ast.Name) -> tuple[frozenset[str], str]:
    if isinstance(n.ctx, ast.Load) and (getattr(n, "lineno", None), getattr(n, "col_offset", None)) in \
            t.b.maybe_unbound:
        return _set("UnboundLocalError", "NameError"), "assign it on every path before the try"
    return NONE


def _binop_may(n: ast.BinOp | ast.AugAssign) -> frozenset[str]:
    """Every class _binop can give this node (whatever its operands' types)."""
    op = type(n.op)
    if op is ast.Div or op is ast.FloorDiv:
        out = _TZ
    elif op is ast.Mod:
        out = _TZV
    elif op is ast.Pow:
        out = _TZO
    elif op is ast.LShift or op is ast.RShift:
        out = _TVO
    else:
        out = _T
    if type(n) is ast.AugAssign and type(n.target) is ast.Subscript:
        out = out | _KIT
    return out


_T, _TZ, _TZV, _TZO, _TVO, _KIT = (_set(T), _set(T, Z), _set(T, Z, V), _set(T, Z, O), _set(T, V, O), _set(K, I, T))
# the node kinds whose _BY_NODE function gives a subset of a set known before any type is asked: that set (for an
# operator, _binop_may's of the node)
_MAY = {ast.BinOp: _binop_may, ast.AugAssign: _binop_may, ast.UnaryOp: _T, ast.Compare: _T, ast.Subscript: _KIT,
        ast.Attribute: _set(A), ast.For: _set(T, V), ast.comprehension: _set(T, V), ast.Assign: _set(T, V),
        ast.Dict: _T, ast.Set: _T, ast.List: _T, ast.Tuple: _T, ast.Name: _set("UnboundLocalError", "NameError")}


_BY_NODE = {ast.BinOp: _binop, ast.AugAssign: _binop, ast.UnaryOp: _unary, ast.Compare: _compare, ast.Call: _call,
            ast.FormattedValue: _formatted, ast.Subscript: _subscript, ast.Attribute: _attribute, ast.For: _for,
            ast.comprehension: _comprehension, ast.Assign: _assign, ast.Dict: _displays, ast.Set: _displays,
            ast.List: _displays, ast.Tuple: _displays, ast.Name: _name}
