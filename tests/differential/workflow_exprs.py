"""The expressions of the random workflows of test_workflow_properties.py: typed (int, str, list of ints, dict of
ints), from the supported language, kept out of the documented differences (see that module's docstring).

`safe` expressions cannot raise (they go where an exception would change the control flow: a try body). The
breadth constructs of issue #12 are drawn here too: reversed(), zip() and enumerate() in comprehensions, min/max with
key=, set() seen through len/sorted/in, tuples compared with lists, the .N% and sign format specs, strip(chars),
slices with a step.
"""
from __future__ import annotations

from hypothesis import strategies as st

KEYS = ["k", "m", "n"]


class ExprGen:
    """Expression methods of the generator; `draw` is hypothesis's."""

    def pick(self, seq):
        return self.draw(st.sampled_from(list(seq)))

    def chance(self, p):
        return self.draw(st.integers(0, 99)) < p * 100

    def fresh(self, prefix):
        return f"{prefix}{next(self.n)}"

    # ----------------------------------------------------------------------------------------- expressions
    def expr(self, ty, env, depth, safe):
        if ty == "int":
            return self.int_expr(env, depth, safe)
        if ty == "str":
            return self.str_expr(env, depth, safe)
        if ty == "list":
            return self.list_expr(env, depth, safe)
        if ty == "dict":
            return self.dict_expr(env, depth, safe)
        if ty == "key":
            return repr(self.pick(KEYS))
        return self.cond(env, depth, safe)

    def int_expr(self, env, depth, safe):
        leaves = ["lit"] + (["var"] if env["int"] else [])
        forms = leaves if depth <= 0 else leaves * 2 + [
            "add", "sub", "mul", "floordiv", "mod", "len_s", "len_l", "len_d", "neg", "abs", "minmax", "sum",
            "ifexp", "get", "count", "andor", "round", "trunc", "find", "scount", "nsplit", "int_str"] + [
            "breadth"] * 3 + (
            [] if safe else ["index", "subscript", "divvar"])
        f = self.pick(forms)
        d = depth - 1
        if f == "lit":
            return str(self.draw(st.integers(-5, 12)))
        if f == "var":
            return self.pick(sorted(env["int"]))
        if f in ("add", "sub"):
            return f"({self.int_expr(env, d, safe)} {'+' if f == 'add' else '-'} {self.int_expr(env, d, safe)})"
        if f == "mul":
            # products stay small: Python's integers are exact, JSONata's stop at 2**53 (a documented gap)
            return f"({self.int_expr(env, d, safe)} * {self.draw(st.integers(-3, 3))} % 97)"
        if f in ("floordiv", "mod"):
            return f"({self.int_expr(env, d, safe)} {'//' if f == 'floordiv' else '%'} " \
                   f"{self.pick([1, 2, 3, 4, -3])})"
        if f == "divvar":
            return f"({self.int_expr(env, d, safe)} // {self.int_expr(env, d, safe)})"
        if f == "len_s":
            return f"len({self.str_expr(env, d, safe)})"
        if f == "len_l":
            return f"len({self.list_expr(env, d, safe)})"
        if f == "len_d":
            return f"len({self.dict_expr(env, d, safe)})"
        if f == "neg":
            return f"-{self.int_expr(env, d, safe)}"
        if f == "abs":
            return f"abs({self.int_expr(env, d, safe)})"
        if f == "minmax":
            return f"{self.pick(['min', 'max'])}({self.int_expr(env, d, safe)}, {self.int_expr(env, d, safe)})"
        if f == "sum":
            return f"sum({self.list_expr(env, d, safe)})"
        if f == "ifexp":
            return f"({self.int_expr(env, d, safe)} if {self.cond(env, d, safe)} else {self.int_expr(env, d, safe)})"
        if f == "andor":
            return f"({self.int_expr(env, d, safe)} {self.pick(['and', 'or'])} {self.int_expr(env, d, safe)})"
        if f == "get":
            return f"{self.dict_expr(env, d, safe)}.get({self.pick(KEYS)!r}, {self.int_expr(env, d, safe)})"
        if f == "count":
            return f"{self.list_expr(env, d, safe)}.count({self.int_expr(env, d, safe)})"
        if f == "round":
            # halves: Python rounds them to even, so does JSONata's $round; a float never escapes (F1)
            return f"round({self.int_expr(env, d, safe)} / {self.pick([2, 4])})"
        if f == "trunc":
            return f"int({self.int_expr(env, d, safe)} / {self.pick([3, -2])})"
        if f in ("find", "scount", "nsplit"):
            return self.int_of_str(f, env, d, safe)
        if f == "int_str":
            return f"int(str({self.int_expr(env, d, safe)}))"
        if f == "breadth":
            return self.breadth_int(env, d, safe)
        if f == "index":
            return f"{self.list_expr(env, d, safe)}[{self.int_expr(env, d, safe)}]"
        return f"{self.dict_expr(env, d, safe)}[{self.pick(KEYS)!r}]"

    def int_of_str(self, f, env, d, safe):
        if f == "find":
            return f"{self.str_expr(env, d, safe)}.find({self.pick(['a', 'b ', ''])!r})"
        if f == "scount":
            return f"{self.str_expr(env, d, safe)}.count({self.pick(['a', 'ab', ''])!r})"
        sep = self.pick(["", "'a'", "' '"])
        return f"len({self.str_expr(env, d, safe)}.split({sep}))"

    def str_expr(self, env, depth, safe):
        leaves = ["lit"] + (["var"] if env["str"] else [])
        forms = leaves if depth <= 0 else leaves * 2 + [
            "concat", "fstr", "upper", "lower", "strip", "str", "slice", "replace", "repeat", "ifexp",
            "join", "repr", "fspec", "ffloat", "splitjoin"] + ["breadth"] * 3 + (
            [] if safe else ["index"])
        f = self.pick(forms)
        d = depth - 1
        if f == "lit":
            return repr(self.pick(["", "a", "ab", "x y", "B"]))
        if f == "var":
            return self.pick(sorted(env["str"]))
        if f == "concat":
            return f"({self.str_expr(env, d, safe)} + {self.str_expr(env, d, safe)})"
        if f == "fstr":
            # leaves only inside: a nested f-string with the same quotes is a syntax error before Python 3.12
            return f"f\"<{{{self.int_expr(env, 0, safe)}}}|{{{self.str_expr(env, 0, safe)}}}>\""
        if f in ("upper", "lower", "strip"):
            return f"{self.str_expr(env, d, safe)}.{f}()"
        if f == "str":
            return f"str({self.int_expr(env, d, safe)})"
        if f == "slice":
            return f"{self.str_expr(env, d, safe)}[{self.draw(st.integers(-2, 2))}:{self.draw(st.integers(-1, 3))}]"
        if f == "replace":
            return f"{self.str_expr(env, d, safe)}.replace('a', 'b')"
        if f == "repeat":
            return f"({self.str_expr(env, d, safe)} * {self.draw(st.integers(0, 2))})"
        if f == "ifexp":
            return f"({self.str_expr(env, d, safe)} if {self.cond(env, d, safe)} else {self.str_expr(env, d, safe)})"
        if f == "repr":
            return f"str({self.pick([self.list_expr, self.dict_expr])(env, d, safe)})"
        if f == "join":
            return f"','.join([{self.str_expr(env, d, safe)}, {self.str_expr(env, d, safe)}])"
        if f == "fspec":
            # the specs docs/expressions.md lists; leaves only inside, as for "fstr"
            if self.chance(0.5):
                spec = self.pick([">4", "<3", "^5", "03d", ",", "d", "*^6", ",d", "=5", "0>3"])
                return f"f\"[{{{self.int_expr(env, 0, safe)}:{spec}}}]\""
            spec = self.pick([">4", "<3", "*^5", "s", ".>2"])
            return f"f\"[{{{self.str_expr(env, 0, safe)}:{spec}}}]\""
        if f == "ffloat":
            # eighths are exact binary fractions: .1f/.2f of them are the round-half-even cases
            return f"f\"{{{self.int_expr(env, 0, safe)} / 8:{self.pick(['.1f', '.2f', '.0f', '>7.2f', ',.1f'])}}}\""
        if f == "breadth":
            return self.breadth_str(env, d, safe)
        if f == "splitjoin":
            sep = self.pick(["", "'a'", "' '"])
            return f"{self.pick(['-', ''])!r}.join({self.str_expr(env, d, safe)}.split({sep}))"
        return f"{self.str_expr(env, d, safe)}[{self.int_expr(env, d, safe)}]"

    def list_expr(self, env, depth, safe):
        leaves = ["lit"] + (["var"] if env["list"] else [])
        forms = leaves if depth <= 0 else leaves * 2 + ["concat", "sorted", "comp", "slice", "values", "elems",
                                                        "breadth", "breadth"]
        f = self.pick(forms)
        d = depth - 1
        if f == "lit":
            return repr(self.draw(st.lists(st.integers(-3, 9), max_size=3)))
        if f == "var":
            # a copy: a bare name would share the list, and Python's sharing is not the machine's (F5)
            return f"list({self.pick(sorted(env['list']))})"
        if f == "concat":
            return f"({self.list_expr(env, d, safe)} + {self.list_expr(env, d, safe)})"
        if f == "sorted":
            rev = ", reverse=True" if self.chance(0.3) else ""
            return f"sorted({self.list_expr(env, d, safe)}{rev})"
        if f == "comp":
            x = self.fresh("c")
            inner = {**env, "int": env["int"] | {x}}
            cond = f" if {x} {self.pick(['>', '<', '!='])} {self.draw(st.integers(-2, 5))}" if self.chance(0.5) else ""
            return f"[{self.int_expr(inner, d, safe)} for {x} in {self.list_expr(env, d, safe)}{cond}]"
        if f == "slice":
            return f"{self.list_expr(env, d, safe)}[{self.draw(st.integers(-2, 2))}:]"
        if f == "values":
            return f"list({self.dict_expr(env, d, safe)}.values())"
        if f == "breadth":
            return self.breadth_list(env, d, safe)
        return f"[{self.int_expr(env, d, safe)}, {self.int_expr(env, d, safe)}]"

    def dict_expr(self, env, depth, safe):
        if env["dict"] and (depth <= 0 or self.chance(0.6)):
            return self.pick(sorted(env["dict"]))
        keys = self.draw(st.lists(st.sampled_from(KEYS), max_size=2, unique=True))
        return "{" + ", ".join(f"{k!r}: {self.int_expr(env, depth - 1, safe)}" for k in keys) + "}"

    def cond(self, env, depth, safe):
        forms = ["cmp", "truthy_int", "truthy_str", "truthy_list", "in_list", "in_dict", "in_str", "seq", "chain"]
        if depth > 0:
            forms += ["not", "and", "or", "startswith", "endswith"] + ["breadth"] * 3
        f = self.pick(forms)
        d = depth - 1
        if f == "cmp":
            return f"{self.int_expr(env, d, safe)} {self.pick(['<', '<=', '==', '!=', '>', '>='])} " \
                   f"{self.int_expr(env, d, safe)}"
        if f == "chain":
            ops = [self.pick(['<', '<=', '==', '!=', '>']) for _ in range(2)]
            return f"{self.int_expr(env, d, safe)} {ops[0]} {self.int_expr(env, d, safe)} {ops[1]} " \
                   f"{self.int_expr(env, d, safe)}"
        if f == "seq":
            return f"{self.str_expr(env, d, safe)} {self.pick(['==', '!=', '<'])} {self.str_expr(env, d, safe)}"
        if f == "truthy_int":
            return self.int_expr(env, d, safe)
        if f == "truthy_str":
            return self.str_expr(env, d, safe)
        if f == "truthy_list":
            return self.list_expr(env, d, safe)
        if f == "in_list":
            return f"{self.int_expr(env, d, safe)} in {self.list_expr(env, d, safe)}"
        if f == "in_dict":
            return f"{self.pick(KEYS)!r} {self.pick(['in', 'not in'])} {self.dict_expr(env, d, safe)}"
        if f == "in_str":
            return f"'a' in {self.str_expr(env, d, safe)}"
        if f == "not":
            return f"not ({self.cond(env, d, safe)})"
        if f == "breadth":
            return self.breadth_cond(env, d, safe)
        if f in ("startswith", "endswith"):
            return f"{self.str_expr(env, d, safe)}.{f}({self.pick(['a', 'B', ''])!r})"
        return f"({self.cond(env, d, safe)}) {f} ({self.cond(env, d, safe)})"


    # ----------------------------------------------------------------------------------------- issue #12 breadth
    def breadth_int(self, env, d, safe):
        L, I = (lambda: self.list_expr(env, d, safe)), (lambda: self.int_expr(env, d, safe))
        i, v = self.fresh("i"), self.fresh("v")
        f = self.pick(["lenset", "enumsum", "zipsum", "minkey", "lensetcomp", "revenum"] + (
            [] if safe else ["minkey_raises", "maxset"]))
        if f == "lenset":
            return f"len(set({L()}))"
        if f == "enumsum":
            start = self.pick(["", ", 1", ", start=-1", ", start=2"])
            return f"sum({i} * {v} for {i}, {v} in enumerate({L()}{start}))"
        if f == "zipsum":
            return f"sum({i} - {v} for {i}, {v} in zip({L()}, {L()}))"
        if f == "minkey":
            key = self.pick([f"lambda {v}: ({v} - {self.draw(st.integers(-2, 4))}) % 5", "abs", f"lambda {v}: -{v}"])
            return f"{self.pick(['min', 'max'])}({L()}, key={key}, default={I()})"
        if f == "lensetcomp":
            return f"len({{{v} % 3 for {v} in {L()}}})"
        if f == "revenum":
            return f"sum({i} * {v} for {i}, {v} in enumerate(reversed({L()})))"
        if f == "minkey_raises":
            return f"{self.pick(['min', 'max'])}({L()}, key=lambda {v}: {v} % 3)"
        return f"max(set({L()}))"

    def breadth_list(self, env, d, safe):
        L, I = (lambda: self.list_expr(env, d, safe)), (lambda: self.int_expr(env, d, safe))
        i, v = self.fresh("i"), self.fresh("v")
        f = self.pick(["reversed", "revcomp", "enumcomp", "zipcomp", "sortedset", "sortedsetcomp", "rangeenum",
                       "stepslice"])
        if f == "reversed":
            return f"list(reversed({L()}))"
        if f == "revcomp":
            return f"[{v} + {self.draw(st.integers(-2, 2))} for {v} in reversed({L()})]"
        if f == "enumcomp":
            return f"[{i} + {v} for {i}, {v} in enumerate({L()}, start={self.draw(st.integers(-2, 3))})]"
        if f == "zipcomp":
            return f"[{i} * {v} for {i}, {v} in zip({L()}, {L()})]"
        if f == "sortedset":
            return f"sorted(set({L()}))"
        if f == "sortedsetcomp":
            return f"sorted({{{v} % 4 for {v} in {L()}}}, reverse=True)"
        if f == "stepslice":
            return f"{L()}[{self.pick(['', '1', '-3'])}::{self.draw(st.integers(1, 3))}]"
        return f"[{i} * {v} for {i}, {v} in enumerate(range({I()} % 5))]"

    def breadth_str(self, env, d, safe):
        S = lambda: self.str_expr(env, d, safe)  # noqa: E731
        f = self.pick(["pct", "sign", "strip", "revjoin", "maxkey", "tuple", "stepslice"])
        if f == "pct":
            spec = self.pick([".0%", ".1%", "%", ">8.1%", ",.0%"])
            return f"f\"{{{self.int_expr(env, 0, safe)} / 8:{spec}}}\""
        if f == "sign":
            spec = self.pick(["+", " ", "+.2f", "-.1f"])
            return f"f\"{{{self.int_expr(env, 0, safe)} / 4:{spec}}}\""
        if f == "strip":
            return f"{S()}.{self.pick(['strip', 'lstrip', 'rstrip'])}({self.pick(['a', 'ab ', 'xB', ''])!r})"
        if f == "revjoin":
            return f"''.join(reversed({S()}))"
        if f == "maxkey":
            return f"{self.pick(['min', 'max'])}([{S()}, {S()}], key=len)"
        if f == "stepslice":
            return f"{S()}[{self.pick(['', '1'])}:{self.pick(['', '-1'])}:{self.draw(st.integers(1, 3))}]"
        return f"str(({self.int_expr(env, d, safe)}, {S()}))"

    def breadth_cond(self, env, d, safe):
        L, I = (lambda: self.list_expr(env, d, safe)), (lambda: self.int_expr(env, d, safe))
        v = self.fresh("v")
        f = self.pick(["inset", "indisplay", "list_eq_tuple", "tuple_eq", "tuple_in", "startswith", "zip_eq",
                       "tuple_in_set"])
        if f == "inset":
            return f"{I()} in set({L()})"
        if f == "tuple_in_set":  # a tuple of numbers is hashable: never an item of a set of numbers
            return f"({I()}, {I()}) {self.pick(['in', 'not in'])} set({L()})"
        if f == "indisplay":
            return f"{I()} {self.pick(['in', 'not in'])} {{1, 2, {I()}}}"
        if f == "list_eq_tuple":
            return f"{L()} {self.pick(['==', '!='])} ({I()}, {I()})"
        if f == "tuple_eq":
            return f"({I()}, {I()}) {self.pick(['==', '!='])} ({I()}, {I()})"
        if f == "tuple_in":
            return f"({I()}, {I()}) in [(1, 2), ({I()}, 3)]"
        if f == "startswith":
            return f"{self.str_expr(env, d, safe)}.{self.pick(['startswith', 'endswith'])}(('a', 'B'))"
        return f"list(zip({L()}, {L()})) == [({v}, {v}) for {v} in {L()}]"
