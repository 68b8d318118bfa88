"""List and dict displays, subscripts, slices and comprehensions.
"""
from __future__ import annotations

import ast
import json

from pyawssfn.compiler.types.model import required_key, value_type
from pyawssfn.compiler.expressions.core import (
    J, NotConstant, _JSONATA_WORDS, _PLAIN_KEY, _block, _err, _is_int, _paren, chars, int_literal, item_of, single
)


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

    def _build_list(self, node: ast.AST, items: list[tuple[str, J]]) -> str:
        # A plain array constructor is faithful when no item can be an array (JSONata flattens array-valued items
        # unless they are themselves written as array constructors).
        def plain(kind: str, e: J) -> bool:
            return kind == "one" and (e.type not in (None, "list") or e.code.startswith("["))

        if all(plain(k, e) for k, e in items):
            return "[" + ", ".join(e.code for _, e in items) + "]"
        acc = "[]"
        run: list[str] = []
        for kind, e in items:
            if plain(kind, e):
                run.append(e.code)
                continue
            if run:
                acc = f"$append({acc}, [{', '.join(run)}])" if acc != "[]" else f"[{', '.join(run)}]"
                run = []
            if kind == "spread":
                part = self._let([e], lambda v: f'($type({v}) = "array" ? {v} : '
                                                f'{_err("TypeError: only lists can be unpacked with *")})')
            else:
                part = self._let([e], single)
            acc = part if acc == "[]" else f"$append({acc}, {part})"
        if run:
            acc = f"$append({acc}, [{', '.join(run)}])"
        return acc

    def _tr_Dict(self, node: ast.Dict) -> J:
        plain: list[str] = []
        merges: list[str] = []
        for k, v in zip(node.keys, node.values):
            if k is None:
                if plain:
                    merges.append("{" + ", ".join(plain) + "}")
                    plain = []
                merges.append(self._let([self._tr(v)], lambda d: f'($type({d}) = "object" ? {d} : '
                                        f'{_err("TypeError: only dicts can be unpacked with **")})'))
                continue
            kj = self._tr(k)
            if kj.type != "str":
                if kj.type is not None:
                    self._refuse(k, "dict keys in a workflow must be strings (JSON objects have string keys)",
                                 "convert the key with str()")
                kj = J(self._let([kj], lambda x: f'($type({x}) = "string" ? {x} : '
                                 f'{_err("TypeError: JSON object keys must be strings")})'), "str")
            plain.append(f"{kj.code}: {self._tr(v).code}")
        if not merges:
            return J("{" + ", ".join(plain) + "}", "dict")
        if plain:
            merges.append("{" + ", ".join(plain) + "}")
        return J("$merge([" + ", ".join(merges) + "])", "dict")

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
        if t == "dict":  # a key the type requires (a TypedDict's, checked at the step boundary) needs no test
            name = json.loads(key.code) if kt == "str" and key.atom else None
            get = lookup if name is not None and required_key(t, name) else dict_get
            return item_of(container, self._let([container, key], get), value_type(t, name))
        if t == "list":
            return item_of(container, self._let([container, key], lambda l, k: int_check(k, list_get(l, k))),
                           value_type(t))
        if t == "str":
            return J(self._let([container, key], lambda s, k: int_check(k, str_get(s, k))), "str")
        # Unknown container: dispatch at run time.
        def dispatch(c: str, k: str) -> str:
            obj = (f'$type({c}) = "object" ? ($type({k}) = "string" ? {dict_get(c, k)} : '
                   f'$error("KeyError: " & $string({k}))) : ')
            arr = f'$type({c}) = "array" ? ({int_check(k, list_get(c, k))}) : '
            st = f'$type({c}) = "string" ? ({int_check(k, str_get(c, k))}) : '
            bad = _err("TypeError: object is not subscriptable")
            if kt == "str":
                return f'$type({c}) != "object" ? {_err("TypeError: indices must be integers")} : {dict_get(c, k)}'
            if kt == "int":
                return arr + st + f'$type({c}) = "object" ? {_err(f"KeyError: {k}")} : ' + bad
            return obj + arr + st + bad
        return item_of(container, self._let([container, key], dispatch))

    def _getters(self, key: J) -> tuple:
        """The reads d[k], l[i], s[i] and the integer check of an index, as functions of the bound names."""
        kt = key.type
        lit_key = key.code if kt == "str" and key.atom else None

        def lookup(d: str, k: str) -> str:
            name = json.loads(k)
            return f"{d}.{name}" if _PLAIN_KEY(name) and name not in _JSONATA_WORDS else f"$lookup({d}, {k})"

        def dict_get(d: str, k: str) -> str:
            if lit_key:
                get = lookup(d, k)
                return f"$exists({get}) ? {get} : {_err(f'KeyError: {json.loads(lit_key)!r}')}"
            return f'$exists($lookup({d}, {k})) ? $lookup({d}, {k}) : $error("KeyError: " & {k})'

        lit_int = int_literal(key.code) if kt == "int" else None

        def list_get(l: str, k: str) -> str:
            if lit_int is not None:
                test = f"$count({l}) > {lit_int}" if lit_int >= 0 else f"$count({l}) >= {-lit_int}"
                return f"{test} ? {l}[{lit_int}] : {_err('IndexError: list index out of range')}"
            j, n = self._fresh(), self._fresh()
            return _block([(n, f"$count({l})"), (j, f"{k} < 0 ? {k} + {n} : {k}")],
                          f"{j} >= 0 and {j} < {n} ? {l}[{j}] : {_err('IndexError: list index out of range')}")

        def str_get(s: str, k: str) -> str:
            if lit_int is not None:
                test = f"$length({s}) > {lit_int}" if lit_int >= 0 else f"$length({s}) >= {-lit_int}"
                return f"{test} ? $substring({s}, {lit_int}, 1) : {_err('IndexError: string index out of range')}"
            j, n = self._fresh(), self._fresh()
            return _block([(n, f"$length({s})"), (j, f"{k} < 0 ? {k} + {n} : {k}")],
                          f"{j} >= 0 and {j} < {n} ? $substring({s}, {j}, 1) : "
                          f"{_err('IndexError: string index out of range')}")

        def int_check(k: str, body: str) -> str:
            if kt == "int":
                return body
            return f'{_is_int(k)} ? ({body}) : {_err("TypeError: indices must be integers")}'

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
        acc, el = self._fresh(), self._fresh()

        def rev(c: str) -> str:
            return (f'$type({c}) = "string" ? $join($reverse({chars(c)})) : '
                    f'$type({c}) = "array" ? $reduce({c}, function({acc}, {el}) {{ $append({single(el)}, {acc}) }}, []) : '
                    f'{_err("TypeError: object is not subscriptable")}')
        return J(self._let([container], rev), container.type, container.tup, container.items_tup)

    def _bounded_slice(self, container: J, bounds: list, step: int = 1) -> J:
        """xs[lo:hi] and s[lo:hi] (every step-th item from lo), the bounds clamped and counted from the end as
        Python does."""
        t = container.type

        def body(c: str, *bs: str) -> str:
            lo_j, hi_j = bounds
            it = iter(bs)
            n = self._fresh()
            binds = [(n, f'$type({c}) = "string" ? $length({c}) : $count({c})')]
            names = []
            for b, default in ((lo_j, "0"), (hi_j, n)):
                if b is None:
                    names.append(default)
                    continue
                v = next(it)
                w = self._fresh()
                check = "" if b.type == "int" else (
                    f'$not({_is_int(v)}) ? {_err("TypeError: slice indices must be integers")} : ')
                binds.append((w, f"{check}{v} < 0 ? $max([{v} + {n}, 0]) : $min([{v}, {n}])"))
                names.append(w)
            lo, hi = names
            i, acc = self._fresh(), self._fresh()
            if step == 1:
                lst = (f"{lo} < {hi} ? $reduce([{lo}..{hi} - 1], function({acc}, {i}) "
                       f"{{ $append({acc}, {single(c + '[' + i + ']')}) }}, []) : []")
                sub = f"{lo} < {hi} ? $substring({c}, {lo}, {hi} - {lo}) : \"\""
            else:  # the indexes lo, lo + step, ... below hi
                at = f"{lo} + {i} * {step}"
                count = f"[0..$ceil(({hi} - {lo}) / {step}) - 1]"
                lst = (f"{lo} < {hi} ? $reduce({count}, function({acc}, {i}) "
                       f"{{ $append({acc}, {single(c + '[' + at + ']')}) }}, []) : []")
                sub = (f"{lo} < {hi} ? $reduce({count}, function({acc}, {i}) "
                       f"{{ {acc} & $substring({c}, {at}, 1) }}, \"\") : \"\"")
            if t == "list":
                return _block(binds, lst)
            if t == "str":
                return _block(binds, sub)
            return _block(binds, f'$type({c}) = "string" ? ({sub}) : $type({c}) = "array" ? ({lst}) : '
                                 f'{_err("TypeError: object is not subscriptable")}')

        parts = [container] + [b for b in bounds if b is not None]
        return J(self._let(parts, body), t, container.tup, container.items_tup)

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
                p = self._fresh()
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
                kv = f"{{{k.code}: {v.code}}}" if k.type == "str" else self._let([k], lambda kk: (
                    f'$type({kk}) = "string" ? {{{kk}: {v.code}}} : {_err("TypeError: JSON object keys must be strings")}'))
            else:
                elt = self._tr(node.elt)
                items_tup = elt.tup
        finally:
            del self._scopes[len(self._scopes) - pushed:]
        acc = self._fresh()
        if fold:
            return J(self._fold_any_all(gens, acc, self._truthy(elt), fold), "bool")
        # Innermost generator first; each level appends its item (or its inner level's list) to the accumulator.
        if is_dict:
            item = f"$merge([{acc}, {kv}])"
        else:
            item = f"$append({acc}, {self._let([elt], single)})"
        code = None
        for depth in range(len(gens) - 1, -1, -1):
            it, p, unpack, conds = gens[depth]
            if code is None:
                body = item
            else:
                body = f"$append({acc}, {code})" if not is_dict else f"$merge([{acc}, {code}])"
            if conds:
                body = f"{' and '.join(_paren(c) for c in conds)} ? {body} : {acc}"
            init = "{}" if is_dict else "[]"
            code = f"$reduce({it.code}, function({acc}, {p}) {{ {_block(unpack, body)} }}, {init})"
        # $reduce over an empty array gives the initial value; over a missing one, undefined.
        if is_dict:
            return J(code, "dict", False, v.tup)
        return J(code, "list", False, items_tup)

    @staticmethod
    def _fold_any_all(gens: list, acc: str, truth: str, fold: str) -> str:
        """any()/all() of a generator: one accumulator through every level (an inner level starts from the outer
        one's), and once it decides, nothing more of an item (its unpacking, conditions, inner iterables) is
        evaluated."""
        code = None
        for depth in range(len(gens) - 1, -1, -1):
            it, p, unpack, conds = gens[depth]
            body = truth if code is None else code
            if conds:
                body = f"{' and '.join(_paren(c) for c in conds)} ? {_paren(body)} : {acc}"
            body = _block(unpack, body)
            body = f"{acc} ? {acc} : {_paren(body)}" if fold == "any" else f"{acc} ? {_paren(body)} : {acc}"
            init = acc if depth else ("false" if fold == "any" else "true")
            code = f"$reduce({it.code}, function({acc}, {p}) {{ {body} }}, {init})"
        return code

    def _targets(self, target: ast.expr, p: str, it: J) -> tuple[dict[str, J], list[tuple[str, str]]]:
        if isinstance(target, ast.Name):
            return {target.id: item_of(it, p)}, []
        if isinstance(target, (ast.Tuple, ast.List)) and all(isinstance(e, ast.Name) for e in target.elts):
            scope, binds = {}, []
            n = len(target.elts)
            inner = None if it.items_tup is None else False  # what an unpacked item's parts may be
            for i, e in enumerate(target.elts):
                v = self._fresh()
                scope[e.id] = J(v, None, inner, inner)
                binds.append((v, f'$type({p}) = "array" and $count({p}) = {n} ? {p}[{i}] : '
                                 f'{_err(f"ValueError: expected {n} values to unpack")}'))
            return scope, binds
        self._refuse(target, "this comprehension target is not supported", "use a name or a tuple of names")
