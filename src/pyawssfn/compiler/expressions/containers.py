"""List and dict displays, subscripts, slices and comprehensions.
"""
from __future__ import annotations

import ast

from pyawssfn.compiler.types.model import as_kind, required_key, value_type
from pyawssfn.compiler.expressions.build import EMPTY, FALSE, TRUE, T, block, chars, err, fn, int_value, is_int, single
from pyawssfn.compiler.expressions.core import J, NotConstant, _JSONATA_WORDS, _PLAIN_KEY, item_of
from pyawssfn.jsonata.tree import Array, Block, Call, Cond, Dot, Expr, Filter, Name, Num, Object, Str, Var, and_


# The kinds of a value that is never an array on the machine (a tuple is one: its J.type is "list").
KNOWN_NOT_LIST = frozenset(["int", "float", "str", "bool", "none", "dict"])


def _as_item(e: J) -> Expr:
    """`e` as an item of an array constructor that keeps it one item (e's type known: not a list, or a list)."""
    if e.type == "list" and type(e.tree) is not Array:
        return Array((e.tree,))
    return e.tree


def object_valued(t: Expr) -> bool:
    """`t` gives an object whenever it gives a value: an object constructor, a `$merge`, a conditional or block
    whose every outcome is one (or fails)."""
    tt = type(t)
    if tt is Object:
        return True
    if tt is Call and type(t.func) is Var and t.func.name in ("merge", "error"):  # type: ignore[attr-defined]
        return True
    if tt is Cond:
        return t.orelse is not None and object_valued(t.then) and object_valued(t.orelse)  # type: ignore
    if tt is Block:
        return object_valued(t.exprs[-1])  # type: ignore[attr-defined]
    return False


def _key_error(k: Expr) -> Expr:
    """Python's KeyError for a missing int key: it names the key's value (a literal's at compile time)."""
    if type(k) is Num:
        return err(f"KeyError: {k.text}")  # type: ignore[attr-defined]
    return T('$error("KeyError: " & $string($0))', k)


class ContainerMixin:
    """ExpressionTranslator methods; see the module docstring."""

    def _tr_List(self, node: ast.List | ast.Tuple) -> J:
        items = []
        for elt in node.elts:
            if isinstance(elt, ast.Starred):
                items.append(("spread", self._tr(elt.value)))
            else:
                items.append(("one", self._tr(elt)))
        shapes = {e.items_tup if k == "spread" else e.tup for k, e in items}
        return J(self._build_list(node, items), "list", isinstance(node, ast.Tuple),
                 shapes.pop() if len(shapes) == 1 else (False if not shapes else None))

    _tr_Tuple = _tr_List

    def _build_list(self, node: ast.AST, items: list[tuple[str, J]]) -> Expr:
        # A plain array constructor is faithful when no item can be an array (JSONata flattens array-valued items
        # unless they are themselves written as array constructors).
        # A value known to be a list is written inside an array constructor of its own, `[[$xs]]`, which is the
        # one item `xs` (the inner constructor flattens it, the outer keeps the constructor's array as one item).
        def plain(kind: str, e: J) -> bool:
            return kind == "one" and (e.type in KNOWN_NOT_LIST or e.type == "list" or type(e.tree) is Array)

        if all(plain(k, e) for k, e in items):
            return Array(tuple(_as_item(e) for _, e in items))
        acc: Expr | None = None
        run: list[Expr] = []
        for kind, e in items:
            if plain(kind, e):
                run.append(_as_item(e))
                continue
            if run:
                acc = Array(tuple(run)) if acc is None else fn("append", acc, Array(tuple(run)))
                run = []
            if kind == "spread" and e.type == "list":
                part = e.tree
            elif kind == "spread":  # *x takes any iterable's items: a str's characters, a dict's keys
                part = self.let([e], lambda v: T(
                    '$type($0) = "array" ? $0 : $type($0) = "string" ? $1 : $type($0) = "object" ? [$keys($0)] : $2',
                    v, chars(v), err("TypeError: only lists, strings and dicts can be unpacked with * here")))
            else:
                part = self.one(e)
            acc = part if acc is None else fn("append", acc, part)
        if run:
            acc = fn("append", acc, Array(tuple(run)))
        return acc  # type: ignore[return-value]

    def one(self, e: J) -> Expr:
        """A one-element array holding the value of `e`: `[e]`, `[[e]]` for a list, a type test only for a value of
        unknown type (build.single)."""
        if e.type in KNOWN_NOT_LIST or e.type == "list" or type(e.tree) is Array:
            return Array((_as_item(e),))
        return self.let([e], single)

    def _tr_Dict(self, node: ast.Dict) -> J:
        plain: list[tuple[Expr, Expr]] = []
        merges: list[Expr] = []
        for k, v in zip(node.keys, node.values):
            if k is None:
                if plain:
                    merges.extend(_objects(plain))
                    plain = []
                merges.append(self.let([self._tr(v)], lambda d: T(
                    '$type($0) = "object" ? $0 : $1', d, err("TypeError: only dicts can be unpacked with **"))))
                continue
            kj = self._tr(k)
            if kj.type != "str":
                if kj.type is not None:
                    self._refuse(k, "dict keys in a workflow must be strings (JSON objects have string keys)",
                                 "convert the key with str()")
                kj = J(self.let([kj], lambda x: T('$type($0) = "string" ? $0 : $1', x,
                                                  err("TypeError: JSON object keys must be strings"))), "str")
            plain.append((kj.tree, self._tr(v).tree))
        if not merges and len(_objects(plain)) == 1:
            return J(Object(tuple(plain)), "dict")
        if plain:
            merges.extend(_objects(plain))
        return J(fn("merge", Array(tuple(merges))), "dict")

    def _tr_Subscript(self, node: ast.Subscript) -> J:
        container = self._tr(node.value)
        if isinstance(node.slice, ast.Slice):
            return self._slice(node, container, node.slice)
        key = self._tr(node.slice)
        return self._index(node, container, key)

    def _index(self, node: ast.AST, container: J, key: J) -> J:
        t, kt = container.type, key.type
        if t in ("int", "float", "bool", "none"):
            self._refuse(node, f"a {t} value cannot be subscripted", "subscript a list, dict or str")
        if kt == "str" and t in ("list", "str"):
            self._refuse(node, "list and string indexes must be integers", "use an int index")
        if kt in ("float", "list", "dict", "none", "bool") and t in ("list", "str"):
            self._refuse(node, "indexes must be integers", "use an int index")
        dict_get, list_get, str_get, int_check, lookup = self._getters(key)
        if t is None and object_valued(container.tree):  # a dict changed just before (d["a"] = 1; d["a"]["b"])
            return item_of(container, self.let([container, key], dict_get))
        if t == "dict":  # a key the type requires (a TypedDict's, checked at the step boundary) needs no test
            name = key.tree.value if kt == "str" and type(key.tree) is Str else None  # type: ignore[attr-defined]
            get = lookup if name is not None and required_key(t, name) else dict_get
            return item_of(container, self.let([container, key], get), value_type(t, name))
        if t == "list":
            return item_of(container, self.let([container, key], lambda l, k: int_check(k, list_get(l, k))),
                           value_type(t))
        if t == "str":
            return J(self.let([container, key], lambda s, k: int_check(k, str_get(s, k))), "str")
        # Unknown container: dispatch at run time.
        def dispatch(c: Expr, k: Expr) -> Expr:
            # (every branch is built, in this order, even when one is used: it keeps the helper names stable)
            obj, arr, st = dict_get(c, k), int_check(k, list_get(c, k)), int_check(k, str_get(c, k))
            if kt == "str":
                return T('$type($0) != "object" ? $1 : $2', c, err("TypeError: indices must be integers"), obj)
            if kt == "int":
                return T('$type($0) = "array" ? $1 : $type($0) = "string" ? $2 : $type($0) = "object" ? $3 : $4',
                         c, arr, st, _key_error(k), err("TypeError: object is not subscriptable"))
            return T('$type($0) = "object" ? ($type($1) = "string" ? $2 : $error("KeyError: " & $string($1))) : '
                     '$type($0) = "array" ? $3 : $type($0) = "string" ? $4 : $5',
                     c, k, obj, arr, st, err("TypeError: object is not subscriptable"))
        return item_of(container, self.let([container, key], dispatch))

    def _getters(self, key: J) -> tuple:
        """The reads d[k], l[i], s[i] and the integer check of an index, as functions of the bound names."""
        kt = key.type
        lit_key = key.tree if kt == "str" and type(key.tree) is Str else None

        def lookup(d: Expr, k: Expr) -> Expr:
            name = k.value  # type: ignore[attr-defined]
            return Dot(d, Name(name)) if _PLAIN_KEY(name) and name not in _JSONATA_WORDS else fn("lookup", d, k)

        def dict_get(d: Expr, k: Expr) -> Expr:
            if lit_key is not None:
                return T("$exists($0) ? $0 : $1", lookup(d, k), err(f"KeyError: {lit_key.value!r}"))  # type: ignore
            return T('$exists($lookup($0, $1)) ? $lookup($0, $1) : $error("KeyError: " & $1)', d, k)

        lit_int = int_value(key.tree) if kt == "int" else None

        def list_get(l: Expr, k: Expr) -> Expr:
            if lit_int is not None:
                test = T("$count($0) > $1", l, Num(str(lit_int))) if lit_int >= 0 else T(
                    "$count($0) >= $1", l, Num(str(-lit_int)))
                return T("$0 ? $1 : $2", test, Filter(l, Num(str(lit_int))),
                         err("IndexError: list index out of range"))
            j, n = self._fresh_var(), self._fresh_var()
            return block([(n, fn("count", l)), (j, T("$0 < 0 ? $0 + $1 : $0", k, n))],
                         T("$0 >= 0 and $0 < $1 ? $2[$0] : $3", j, n, l, err("IndexError: list index out of range")))

        def str_get(s: Expr, k: Expr) -> Expr:
            if lit_int is not None:
                test = T("$length($0) > $1", s, Num(str(lit_int))) if lit_int >= 0 else T(
                    "$length($0) >= $1", s, Num(str(-lit_int)))
                return T("$0 ? $substring($1, $2, 1) : $3", test, s, Num(str(lit_int)),
                         err("IndexError: string index out of range"))
            j, n = self._fresh_var(), self._fresh_var()
            return block([(n, fn("length", s)), (j, T("$0 < 0 ? $0 + $1 : $0", k, n))],
                         T("$0 >= 0 and $0 < $1 ? $substring($2, $0, 1) : $3", j, n, s,
                           err("IndexError: string index out of range")))

        def int_check(k: Expr, body: Expr) -> Expr:
            if kt == "int":
                return body
            return T("$0 ? $1 : $2", is_int(k), body, err("TypeError: indices must be integers"))

        return dict_get, list_get, str_get, int_check, lookup

    def _slice(self, node: ast.Subscript, container: J, sl: ast.Slice) -> J:
        t = container.type
        if t not in (None, "list", "str"):
            self._refuse(node, f"a {t} value cannot be sliced", "slice a list or a str")
        step = None
        if sl.step is not None:
            try:
                step = self.literal_value(sl.step)
            except NotConstant:
                step = "?"
            if step == 0:
                self._refuse(sl.step, "slice step cannot be zero (ValueError in Python)", "use a step of 1 or more")
            if not (isinstance(step, int) and not isinstance(step, bool) and (step >= 1 or step == -1)) \
                    and step is not None:
                self._refuse(sl.step, "slice steps other than a positive literal and -1 are not supported",
                             "reverse, then slice: xs[::-1][::2] holds the items of xs[::-2]")
            if step == -1 and (sl.lower is not None or sl.upper is not None):
                self._refuse(sl, "a reversed slice with bounds is not supported",
                             "slice, then reverse: xs[j + 1:i + 1][::-1] holds the items of xs[i:j:-1]")
        bounds = []
        for b in (sl.lower, sl.upper):
            if b is None:
                bounds.append(None)
                continue
            bj = self._tr(b)
            if bj.type not in (None, "int"):
                self._refuse(b, "slice bounds must be integers or None", "use int bounds")
            bounds.append(bj)

        if step == -1:
            return self._reversed_copy(container)
        return self._bounded_slice(container, bounds, step or 1)

    def _reversed_copy(self, container: J) -> J:
        """xs[::-1] and s[::-1]."""
        acc, el = self._fresh_var(), self._fresh_var()

        def rev(c: Expr) -> Expr:
            if container.type == "str":
                return T("$join($reverse($0))", chars(c))
            if container.type == "list":
                return T("$reduce($0, function($1, $2) { $append($3, $1) }, [])", c, acc, el,
                         self.one(J(el, as_kind(value_type(container.type)))))
            return T('$type($0) = "string" ? $join($reverse($1)) : '
                     '$type($0) = "array" ? $reduce($0, function($2, $3) { $append($4, $2) }, []) : $5',
                     c, chars(c), acc, el, single(el), err("TypeError: object is not subscriptable"))
        return J(self.let([container], rev), container.type, container.tup, container.items_tup)

    def _bounded_slice(self, container: J, bounds: list, step: int = 1) -> J:
        """xs[lo:hi] and s[lo:hi] (every step-th item from lo), the bounds clamped and counted from the end as
        Python does."""
        t = container.type
        item_type = value_type(t)

        def item(x: Expr) -> Expr:  # an item of the list as one item of the slice
            kind = as_kind(item_type)
            return self.one(J(x, kind)) if kind in KNOWN_NOT_LIST or kind == "list" else single(x)

        def body(c: Expr, *bs: Expr) -> Expr:
            lo_j, hi_j = bounds
            it = iter(bs)
            n = self._fresh_var()
            size = T("$count($0)", c) if t == "list" else T("$length($0)", c) if t == "str" else \
                T('$type($0) = "string" ? $length($0) : $count($0)', c)
            binds: list[tuple[Expr, Expr]] = [(n, size)]
            names: list[Expr] = []
            for b, default in ((lo_j, Num("0")), (hi_j, n)):
                if b is None:
                    names.append(default)
                    continue
                v = next(it)
                w = self._fresh_var()
                clamp = T("$0 < 0 ? $max([$0 + $1, 0]) : $min([$0, $1])", v, n)
                if b.type != "int":  # a bound that is None at run time is the default, as in Python
                    clamp = T("$0 = null ? $1 : $not($2) ? $3 : $4", v, default, is_int(v),
                              err("TypeError: slice indices must be integers"), clamp)
                binds.append((w, clamp))
                names.append(w)
            lo, hi = names
            i, acc = self._fresh_var(), self._fresh_var()
            if step == 1:
                lst = T("$0 < $1 ? $reduce([$0..$1 - 1], function($2, $3) { $append($2, $4) }, []) : []",
                        lo, hi, acc, i, item(Filter(c, i)))
                sub = T('$0 < $1 ? $substring($2, $0, $1 - $0) : ""', lo, hi, c)
            else:  # the indexes lo, lo + step, ... below hi
                at = T("$0 + $1 * $2", lo, i, Num(str(step)))
                count = T("[0..$ceil(($1 - $0) / $2) - 1]", lo, hi, Num(str(step)))
                lst = T("$0 < $1 ? $reduce($2, function($3, $4) { $append($3, $5) }, []) : []",
                        lo, hi, count, acc, i, item(Filter(c, at)))
                sub = T('$0 < $1 ? $reduce($2, function($3, $4) { $3 & $substring($5, $6, 1) }, "") : ""',
                        lo, hi, count, acc, i, c, at)
            if t == "list":
                return block(binds, lst)
            if t == "str":
                return block(binds, sub)
            return block(binds, T('$type($0) = "string" ? $1 : $type($0) = "array" ? $2 : $3', c, sub, lst,
                                  err("TypeError: object is not subscriptable")))

        parts = [container] + [b for b in bounds if b is not None]
        return J(self.let(parts, body), t, container.tup, container.items_tup)

    def _tr_ListComp(self, node: ast.ListComp | ast.GeneratorExp) -> J:
        return self._comprehension(node)

    _tr_GeneratorExp = _tr_ListComp

    def _tr_DictComp(self, node: ast.DictComp) -> J:
        return self._comprehension(node)

    def _comprehension(self, node: ast.ListComp | ast.GeneratorExp | ast.DictComp, fold: str | None = None) -> J:
        """The list (dict) a comprehension builds; with ``fold`` ("any" / "all", for a generator expression given to
        any() / all()) the boolean, each item evaluated only until one decides, as Python's generator is consumed."""
        is_dict = isinstance(node, ast.DictComp)
        pushed = 0
        try:
            gens = []
            for g in node.generators:
                if g.is_async:
                    self._refuse(g, "async comprehensions are not supported", "use a plain comprehension")
                it = self._iterable(g.iter)
                p = self._fresh_var()
                scope, unpack = self._targets(g.target, p, it)
                self._scopes.append(scope)
                pushed += 1
                conds = [self._truthy(self._tr(c)) for c in g.ifs]
                gens.append((it, p, unpack, conds))
            if is_dict:
                k = self._tr(node.key)
                if k.type not in (None, "str"):
                    self._refuse(node.key, "dict keys in a workflow must be strings", "convert the key with str()")
                v = self._tr(node.value)
                kv = Object(((k.tree, v.tree),)) if k.type == "str" else self.let([k], lambda kk: T(
                    '$type($0) = "string" ? $1 : $2', kk, Object(((kk, v.tree),)),
                    err("TypeError: JSON object keys must be strings")))
            else:
                elt = self._tr(node.elt)
                items_tup = elt.tup
        finally:
            del self._scopes[len(self._scopes) - pushed:]
        acc = self._fresh_var()
        if fold:
            return J(self._fold_any_all(gens, acc, self._truthy(elt), fold), "bool")
        # Innermost generator first; each level appends its item (or its inner level's list) to the accumulator.
        item = fn("merge", Array((acc, kv))) if is_dict else fn("append", acc, self.one(elt))
        code: Expr | None = None
        for depth in range(len(gens) - 1, -1, -1):
            it, p, unpack, conds = gens[depth]
            if code is None:
                body = item
            else:
                body = fn("append", acc, code) if not is_dict else fn("merge", Array((acc, code)))
            if conds:
                body = Cond(and_(*conds), body, acc)
            code = T("$reduce($0, function($1, $2) { $3 }, $4)", it.tree, acc, p, block(unpack, body),
                     Object(()) if is_dict else EMPTY)
        # $reduce over an empty array gives the initial value; over a missing one, undefined.
        if is_dict:
            return J(code, "dict", False, v.tup)
        return J(code, "list", False, items_tup)

    @staticmethod
    def _fold_any_all(gens: list, acc: Var, truth: Expr, fold: str) -> Expr:
        """any()/all() of a generator: one accumulator through every level (an inner level starts from the outer
        one's), and once it decides, nothing more of an item (its unpacking, conditions, inner iterables) is
        evaluated."""
        code: Expr | None = None
        for depth in range(len(gens) - 1, -1, -1):
            it, p, unpack, conds = gens[depth]
            body = truth if code is None else code
            if conds:
                body = Cond(and_(*conds), body, acc)
            body = block(unpack, body)
            body = Cond(acc, acc, body) if fold == "any" else Cond(acc, body, acc)
            init = acc if depth else (FALSE if fold == "any" else TRUE)
            code = T("$reduce($0, function($1, $2) { $3 }, $4)", it.tree, acc, p, body, init)
        return code  # type: ignore[return-value]

    def _targets(self, target: ast.expr, p: Var, it: J) -> tuple[dict[str, J], list[tuple[Expr, Expr]]]:
        if isinstance(target, ast.Name):
            return {target.id: item_of(it, p)}, []
        if isinstance(target, (ast.Tuple, ast.List)) and all(isinstance(e, ast.Name) for e in target.elts):
            scope, binds = {}, []
            n = len(target.elts)
            inner = None if it.items_tup is None else False  # what an unpacked item's parts may be
            for i, e in enumerate(target.elts):
                v = self._fresh_var()
                scope[e.id] = J(v, None, inner, inner)
                binds.append((v, T('$type($0) = "array" and $count($0) = $1 ? $0[$2] : $3', p, Num(str(n)),
                                   Num(str(i)), err(f"ValueError: expected {n} values to unpack"))))
            return scope, binds
        self._refuse(target, "this comprehension target is not supported", "use a name or a tuple of names")


def _objects(pairs: list[tuple[Expr, Expr]]) -> list[Expr]:
    """The objects whose $merge is a display's run of key: value pairs. JSONata's object constructor fails on a key
    given twice (D1009), where Python keeps the last value at the first key's place, as $merge does: so one object
    of all the pairs only when their keys are distinct literals, else an object per pair."""
    keys = [k.value if type(k) is Str else None for k, _ in pairs]  # type: ignore[attr-defined]
    if None not in keys and len(set(keys)) == len(keys):
        return [Object(tuple(pairs))]
    return [Object((pair,)) for pair in pairs]
