"""Random workflow modules from the supported language, run as plain Python and as the compiled machine.

The generator is typed (int, str, list of ints, dict of ints; its expressions are in workflow_exprs.py) so that
most programs run far before failing, and it keeps out of the refusals and the documented differences (FINDINGS.md and docs/expressions.md: no floats (F1), no
aliasing of lists (F5), no expressions that can raise inside a try body or its else (F6, F23, F34), no dict growing under its iterator
(F17), no booleans in arithmetic), so that what it finds is new. CI runs a fixed, derandomised budget; for bug
hunting run with a larger one:

    PYAWSSFN_DIFF_EXAMPLES=2000 PYAWSSFN_DIFF_RANDOM=1 .venv/bin/python -m pytest tests/differential/test_workflow_properties.py

(PYAWSSFN_DIFF_CONFUSED=1 also gives now and then an input of the wrong type; while F35/F39 are open it stops at
them within a few hundred examples.)
"""
from __future__ import annotations

import itertools
import os
import sys
import tempfile
import pathlib

import pytest
from hypothesis import HealthCheck, given, note, settings, strategies as st

from pyawssfn.compiler import CompileError
from pyawssfn.testing import WorkflowTester
from tests.differential.workflow_exprs import KEYS, ExprGen

EXAMPLES = int(os.environ.get("PYAWSSFN_DIFF_EXAMPLES", "2000"))
# wrongly-typed inputs (a None where an int is expected): opt in, since half of those programs fail at once and
# explore less; they also find F35 (an expression before a try body's first step escapes it) while it is open
CONFUSED = os.environ.get("PYAWSSFN_DIFF_CONFUSED") == "1"
RANDOM = os.environ.get("PYAWSSFN_DIFF_RANDOM") == "1"

PRELUDE = '''import pyawssfn as sfn


class AppError(Exception):
    pass


class NotFound(AppError):
    pass


class Other(Exception):
    pass


def st_inc(n):
    return n + 1


@sfn.task(retry=sfn.Retry(errors=["Other"], interval=2, max_attempts=2))
def st_check(n):
    if n > 8:
        raise NotFound(f"too big {n}")
    if n < -8:
        raise Other(f"too small {n}")
    return n * 2


def st_lookup(d, k):
    return d[k]


def st_word(s, n=1):
    return (s + "!") * (n % 3)


def st_pick(xs, i):
    return xs[i]


def st_div(a, b):
    return a // b


def st_concat(xs, n=0):
    return xs + [n]


def st_ask(token, n):
    return {"asked": n}


def st_fail(n):
    if n > 3:
        raise sfn.Fail("Step.Failed", f"n={n}")
    return n - 1


@sfn.workflow
def child(n, s="c"):
    if n > 6:
        raise NotFound(f"child {n}")
    return s + str(st_inc(n))


'''

# step name -> (result type, [(parameter, type, required)])
STEPS = {
    "st_inc": ("int", [("n", "int", True)]),
    "st_check": ("int", [("n", "int", True)]),
    "st_lookup": ("int", [("d", "dict", True), ("k", "key", True)]),
    "st_word": ("str", [("s", "str", True), ("n", "int", False)]),
    "st_pick": ("int", [("xs", "list", True), ("i", "int", True)]),
    "st_div": ("int", [("a", "int", True), ("b", "int", True)]),
    "st_concat": ("list", [("xs", "list", True), ("n", "int", False)]),
    "st_fail": ("int", [("n", "int", True)]),
}
PARAMS = {"a": "int", "b": "int", "s": "str", "xs": "list", "d": "dict"}
HANDLERS = ["AppError", "NotFound", "Other", "(NotFound, Other)", "KeyError", "LookupError", "IndexError",
            "ZeroDivisionError", "Exception", "sfn.Fail"]


class Gen(ExprGen):
    """Writes one workflow body from hypothesis draws. ``env`` maps type -> names definitely assigned here."""

    def __init__(self, draw):
        self.draw = draw
        self.lines: list[str] = []
        self.n = itertools.count()
        self.statements = 0

    # ----------------------------------------------------------------------------------------- statements
    def emit(self, indent, text):
        self.lines.append("    " * indent + text)

    def block(self, env, indent, depth, ctx):
        """Statements into self.lines; returns (env after, whether the block always leaves by a jump)."""
        env = {k: set(v) for k, v in env.items()}
        n = self.draw(st.integers(1, 3 if depth > 0 else 2))
        for _ in range(n):
            jumped = self.statement(env, indent, depth, ctx)
            if jumped:
                return env, True
        return env, False

    def statement(self, env, indent, depth, ctx):
        self.statements += 1
        safe = ctx["in_try"]
        raise_safe = safe
        stored_safe = safe
        kinds = ["assign", "assign", "step", "step", "aug", "mutate", "map", "parallel", "branches", "child",
                 "sleep", "callback"]
        if depth > 0 and self.statements < 25:
            kinds += ["if", "if", "while", "for", "try"]
        kinds += ["raise", "return"]
        if ctx["loop"]:
            kinds += ["break", "continue"]
        k = self.pick(kinds)
        if k == "assign":
            ty = self.pick(["int", "int", "str", "list", "dict"])
            names = sorted(env[ty] - ctx["loop_vars"])
            target = self.pick(names) if names and self.chance(0.5) else self.fresh({"int": "n", "str": "t", "list": "l",
                                                                                    "dict": "m"}[ty])
            if ty == "dict":
                keys = self.draw(st.lists(st.sampled_from(KEYS), max_size=2, unique=True))
                value = "{" + ", ".join(f"{kk!r}: {self.int_expr(env, 1, stored_safe)}" for kk in keys) + "}"
            else:
                value = self.expr(ty, env, 2, stored_safe)
            self.emit(indent, f"{target} = {value}")
            env[ty].add(target)
            return False
        if k == "step":
            name = self.pick(sorted(STEPS))
            ret, params = STEPS[name]
            args, keywords = [], False
            for p, ty, required in params:
                if not required and self.chance(0.5):
                    keywords = True  # a skipped default: what follows must be passed by name
                    continue
                value = self.expr(ty, env, 1, safe)
                keywords = keywords or self.chance(0.3)
                args.append(f"{p}={value}" if keywords else value)
            target = self.fresh({"int": "n", "str": "t", "list": "l"}[ret])
            self.emit(indent, f"{target} = {name}({', '.join(args)})")
            env[ret].add(target)
            return False
        if k == "map":
            x = self.fresh("c")
            inner = {**env, "int": env["int"] | {x}}
            step = self.pick(["st_inc", "st_check"])
            cond = f" if {x} {self.pick(['>', '<'])} {self.draw(st.integers(-2, 5))}" if self.chance(0.3) else ""
            target = self.fresh("l")
            if self.chance(0.5):
                self.emit(indent, f"{target} = [{step}({self.int_expr(inner, 1, True)}) for {x} in "
                                  f"{self.list_expr(env, 1, True)}{cond}]")
            else:
                self.emit(indent, f"{target} = sfn.map({step}, {self.list_expr(env, 1, True)})")
            env["list"].add(target)
            return False
        if k == "parallel":
            names = [self.fresh("n") for _ in range(self.draw(st.integers(1, 3)))]
            branches = [f"lambda: {self.pick(['st_inc', 'st_check'])}({self.int_expr(env, 1, True)})" for _ in names]
            if len(names) == 1:
                self.emit(indent, f"{names[0]} = sfn.parallel({branches[0]})[0]")
            else:
                self.emit(indent, f"{', '.join(names)} = sfn.parallel({', '.join(branches)})")
            env["int"].update(names)
            return False
        if k == "branches":
            # nested defs as Parallel branches: several statements each, reading (never assigning) outer names
            defs = []
            for _ in range(self.draw(st.integers(1, 2))):
                name = self.fresh("branch")
                defs.append(name)
                local = self.fresh("r")
                self.emit(indent, f"def {name}():")
                self.emit(indent + 1, f"{local} = {self.pick(['st_inc', 'st_check'])}({self.int_expr(env, 1, True)})")
                if self.chance(0.5):
                    self.emit(indent + 1, f"if {self.cond({**env, 'int': env['int'] | {local}}, 1, True)}:")
                    self.emit(indent + 2, f"return {local} + 1")
                self.emit(indent + 1, f"return {local}")
            names = [self.fresh("n") for _ in defs]
            self.emit(indent, f"{', '.join(names)}{',' if len(names) == 1 else ''} = sfn.parallel({', '.join(defs)})")
            env["int"].update(names)
            return False
        if k == "child":
            target = self.fresh("t")
            args = self.int_expr(env, 1, safe)
            if self.chance(0.5):
                args += f", s={self.str_expr(env, 1, safe)}"
            self.emit(indent, f"{target} = child({args})")
            env["str"].add(target)
            return False
        if k == "callback":
            # what arrives on the token is drawn with the inputs (callback_plans): a number, an error, or nothing
            target = self.fresh("n")
            self.emit(indent, f"{target} = sfn.wait_for_callback(st_ask, {self.int_expr(env, 1, safe)}, timeout=60)")
            env["int"].add(target)
            return False
        if k == "sleep":
            self.emit(indent, f"sfn.sleep(abs({self.int_expr(env, 1, safe)}) % 100)")
            return False
        if k == "aug":
            ints = sorted(env["int"] - ctx["loop_vars"])
            strs = sorted(env["str"] - ctx["loop_vars"])
            if ints and (not strs or self.chance(0.7)):
                op = self.pick(["+=", "-=", "//=", "%="])
                rhs = self.int_expr(env, 1, stored_safe) if op in ("+=", "-=") else str(self.pick([2, 3, -3]))
                self.emit(indent, f"{self.pick(ints)} {op} {rhs}")
            elif strs:
                self.emit(indent, f"{self.pick(strs)} += {self.str_expr(env, 1, stored_safe)}")
            else:
                self.emit(indent, "pass")
            return False
        if k == "mutate":
            # never the container a loop iterates over: Python raises when a dict grows under its iterator (F17)
            lists, dicts = sorted(env["list"] - ctx["iterated"]), sorted(env["dict"] - ctx["iterated"])
            if lists and (not dicts or self.chance(0.5)):
                if self.chance(0.7):
                    self.emit(indent, f"{self.pick(lists)}.append({self.int_expr(env, 1, stored_safe)})")
                else:
                    self.emit(indent, f"{self.pick(lists)} += {self.list_expr(env, 1, stored_safe)}")
            elif dicts:
                self.emit(indent, f"{self.pick(dicts)}[{self.pick(KEYS)!r}] = {self.int_expr(env, 1, stored_safe)}")
            else:
                self.emit(indent, "pass")
            return False
        if k == "if":
            return self.if_stmt(env, indent, depth, ctx, safe)
        if k == "while":
            counter = self.fresh("w")
            self.emit(indent, f"{counter} = 0")
            self.emit(indent, f"while {counter} < {self.draw(st.integers(0, 3))}:")
            self.emit(indent + 1, f"{counter} += 1")
            inner = {**ctx, "loop": True, "loop_vars": ctx["loop_vars"] | {counter}}
            body_env = {**env, "int": env["int"] | {counter}}
            self.block(body_env, indent + 1, depth - 1, inner)
            if self.chance(0.3):
                self.emit(indent, "else:")
                self.block(env, indent + 1, depth - 1, ctx)
            env["int"].add(counter)
            return False
        if k == "for":
            return self.for_stmt(env, indent, depth, ctx, safe)
        if k == "try":
            return self.try_stmt(env, indent, depth, ctx)
        if k == "raise":
            if self.chance(0.5):
                cls = self.pick(["NotFound", "Other", "AppError", "ValueError"])
                self.emit(indent, f"raise {cls}({self.str_expr(env, 1, raise_safe)})")
            else:
                self.emit(indent, f"raise sfn.Fail('Custom.Failure', {self.str_expr(env, 1, raise_safe)})")
            return True
        if k == "return":
            ty = self.pick(["int", "str", "list", "dict", "all"])
            self.emit(indent, f"return {self.result(env) if ty == 'all' else self.expr(ty, env, 2, safe)}")
            return True
        if k in ("break", "continue"):
            self.emit(indent, k)
            return True
        raise AssertionError(k)

    def if_stmt(self, env, indent, depth, ctx, safe):
        self.emit(indent, f"if {self.cond(env, 2, safe)}:")
        outs = [self.block(env, indent + 1, depth - 1, ctx)]
        for _ in range(self.draw(st.integers(0, 1))):
            self.emit(indent, f"elif {self.cond(env, 2, safe)}:")
            outs.append(self.block(env, indent + 1, depth - 1, ctx))
        if self.chance(0.6):
            self.emit(indent, "else:")
            outs.append(self.block(env, indent + 1, depth - 1, ctx))
        else:
            outs.append((env, False))
        # only what every branch that falls through assigns is definitely assigned afterwards
        through = [e for e, jumped in outs if not jumped]
        if not through:
            return True
        for ty in env:
            env[ty] = set.intersection(*(e[ty] for e in through))
        return False

    def for_stmt(self, env, indent, depth, ctx, safe):
        form = self.pick(["list", "range", "range3", "dict", "items", "enumerate", "str", "reversed", "zip"])
        x = self.fresh("x")
        body_env = {k: set(v) for k, v in env.items()}
        loop_vars = {x}
        iterated: set[str] = set()
        if form == "list":
            self.emit(indent, f"for {x} in {self.list_expr(env, 2, safe)}:")
            body_env["int"].add(x)
        elif form == "range":
            self.emit(indent, f"for {x} in range({self.int_expr(env, 1, safe)} % 4):")
            body_env["int"].add(x)
        elif form == "range3":
            step = self.pick([1, 2, -1, -2])
            self.emit(indent, f"for {x} in range({self.draw(st.integers(-3, 4))}, {self.draw(st.integers(-3, 4))}, "
                              f"{step}):")
            body_env["int"].add(x)
        elif form == "str":
            self.emit(indent, f"for {x} in {self.str_expr(env, 1, safe)}:")
            body_env["str"].add(x)
        elif form == "reversed":
            self.emit(indent, f"for {x} in reversed({self.list_expr(env, 1, safe)}):")
            body_env["int"].add(x)
        elif form == "zip":
            v = self.fresh("y")
            loop_vars.add(v)
            self.emit(indent, f"for {x}, {v} in zip({self.list_expr(env, 1, safe)}, {self.str_expr(env, 1, safe)}):")
            body_env["int"].add(x)
            body_env["str"].add(v)
        elif form == "dict":
            iterable = self.dict_expr(env, 1, safe)
            iterated = {iterable}
            self.emit(indent, f"for {x} in {iterable}:")
            body_env["str"].add(x)
        elif form == "items":
            v = self.fresh("y")
            loop_vars.add(v)
            iterable = self.dict_expr(env, 1, safe)
            iterated = {iterable}
            self.emit(indent, f"for {x}, {v} in {iterable}.items():")
            body_env["str"].add(x)
            body_env["int"].add(v)
        else:
            i = self.fresh("i")
            loop_vars.add(i)
            start = self.pick(["", ", 1", ", start=-2"])
            self.emit(indent, f"for {i}, {x} in enumerate({self.list_expr(env, 1, safe)}{start}):")
            body_env["int"] |= {i, x}
        inner = {**ctx, "loop": True, "loop_vars": ctx["loop_vars"] | loop_vars,
                 "iterated": ctx["iterated"] | iterated}
        self.block(body_env, indent + 1, depth - 1, inner)
        if self.chance(0.3):
            self.emit(indent, "else:")
            self.block(env, indent + 1, depth - 1, ctx)
        # the loop variables may be unbound after an empty loop (F8): never read them afterwards
        return False

    def try_stmt(self, env, indent, depth, ctx):
        self.emit(indent, "try:")
        self.block(env, indent + 1, depth - 1, {**ctx, "in_try": True})
        handlers = self.draw(st.lists(st.sampled_from(HANDLERS), max_size=2, unique=True))
        finally_ = not handlers or self.chance(0.3)
        for h in handlers:
            use_e = self.chance(0.5)
            self.emit(indent, f"except {h}{' as e' if use_e else ''}:")
            henv = {k: set(v) for k, v in env.items()}
            if use_e:
                t = self.fresh("t")
                uses = ['str(e)', 'type(e).__name__'] + (['e.error', 'e.cause'] if h == "sfn.Fail" else [])
                self.emit(indent + 1, f"{t} = {self.pick(uses)}")
                henv["str"].add(t)
            if self.chance(0.2):
                self.emit(indent + 1, "raise")
            else:
                self.block(henv, indent + 1, depth - 1, ctx)
        if handlers and self.chance(0.3):
            self.emit(indent, "else:")
            # the machine lets the try's own handlers catch an error of the else clause (F34): none raised there
            self.block(env, indent + 1, depth - 1, {**ctx, "in_try": True})
        if finally_:
            self.emit(indent, "finally:")
            # only scalars here: a finally that mutates a returned list shows Python's sharing (F5)
            olds = sorted(env["int"] - ctx["loop_vars"])
            # a finally that changes a variable read afterwards (the F41 shape)
            if olds and self.chance(0.5):
                target = self.pick(olds)
                self.emit(indent + 1, f"{target} = {target} + {self.int_expr(env, 1, True)}")
            else:
                target = self.fresh("n")
                self.emit(indent + 1, f"{target} = {self.int_expr(env, 1, True)}")
            # a jump out of a finally replaces whatever the try was doing (a return, a break, an error)
            jumps = ["return"] + (["break", "continue"] if ctx["loop"] else [])
            if self.chance(0.25):
                jump = self.pick(jumps)
                self.emit(indent + 1, f"if {self.cond(env, 1, True)}:")
                self.emit(indent + 2, f"return {self.int_expr(env, 1, True)}" if jump == "return" else jump)
        return False

    def result(self, env):
        names = sorted(set().union(*env.values()))
        return "{" + ", ".join(f"{n!r}: {n}" for n in names) + "}"


@st.composite
def workflows(draw):
    g = Gen(draw)
    env = {"int": {"a", "b"}, "str": {"s"}, "list": {"xs"}, "dict": {"d"}}
    ctx = {"in_try": False, "loop": False, "loop_vars": frozenset(), "iterated": frozenset()}
    env_after, jumped = g.block(env, 1, 3, ctx)
    if not jumped:
        g.emit(1, f"return {g.result(env_after)}")
    body = "\n".join(g.lines)
    return PRELUDE + "@sfn.workflow\ndef w(a, b, s, xs, d):\n" + body + "\n"


# Booleans and lists stay out: arithmetic on booleans and ordering of lists are refused at run time on the machine
# (docs/expressions.md "Refused at run time"), a documented difference rather than a finding.
_SCALAR = st.none() | st.integers(-5, 5) | st.text("a'\"\\é", max_size=3)
JSON = _SCALAR | st.dictionaries(st.sampled_from(KEYS), _SCALAR, max_size=2)


def _or_confused(strategy):
    # now and then a value of the wrong type: Python raises, and the machine must fail too, not compute garbage
    if not CONFUSED:
        return strategy
    return st.one_of(strategy, strategy, strategy, strategy, strategy, strategy, strategy, strategy, strategy, JSON)


inputs = st.fixed_dictionaries({
    "a": _or_confused(st.integers(-10, 10)), "b": _or_confused(st.integers(-3, 10)),
    # a list in place of a string meets `s += "..."`, which extends the list in Python (F21)
    "s": st.text("ab xB'\"\\é", max_size=4),
    # the containers changed in place stay well-typed (F20, F23)
    "xs": st.lists(st.integers(-3, 9), max_size=4),
    "d": st.dictionaries(st.sampled_from(KEYS), st.integers(-5, 9), max_size=3)})

callback_plans = st.one_of(
    st.fixed_dictionaries({"result": st.integers(-3, 9), "after": st.sampled_from([0, 5, 59])}),
    st.fixed_dictionaries({"error": st.sampled_from(["Other", "Rejected", "States.Timeout"]),
                           "cause": st.sampled_from(["", "no"]), "after": st.sampled_from([0, 30])}),
    st.fixed_dictionaries({"timeout": st.just(True)}),
    st.fixed_dictionaries({"result": st.integers(0, 3), "after": st.just(61)}))

_counter = itertools.count()


def run_one(source: str, inp: dict, tmp: pathlib.Path, stats: dict, plan: dict | None = None):
    name = f"dwf_generated_{os.getpid()}_{next(_counter)}"
    path = tmp / f"{name}.py"
    path.write_text(source)
    stats["lines"].append(source.count("\n") - PRELUDE.count("\n") - 2)
    if os.environ.get("PYAWSSFN_DIFF_SHOW"):
        print(source[len(PRELUDE):], inp)
    try:
        t = WorkflowTester(path, "w")
        try:
            t.definition
        except CompileError as exc:
            stats["refused"] += 1
            stats["reasons"].append(str(exc).splitlines()[-1].split(" error: ", 1)[-1])
            return
        stats["compiled"] += 1
        if plan is not None:
            t.callback("st_ask", **plan)
        py, machine = t.run_both(inp)
        # retries included: every attempt is one invocation on both sides
        assert py.stats["lambda_invocations"] == machine.stats["lambda_invocations"], (py.stats, machine.stats)
        # sleeps and retry intervals take the same virtual time
        machine_seconds = (machine.stop_date - machine.start_date).total_seconds()
        assert machine_seconds == py.stats["elapsed_seconds"], (machine_seconds, py.stats)
        stats[py.status] = stats.get(py.status, 0) + 1
    finally:
        sys.modules.pop(name, None)
        path.unlink()


# The generator gives every workflow the same callback plan, used or not.
@pytest.mark.filterwarnings("ignore::pyawssfn.testing.UnusedPlanWarning")
def test_generated_workflows_agree():
    stats = {"compiled": 0, "refused": 0, "reasons": [], "lines": []}
    with tempfile.TemporaryDirectory() as tmp:
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=not RANDOM, database=None,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
        @given(source=workflows(), inp=inputs, plan=callback_plans)
        def agree(source, inp, plan):
            note(source)
            note(f"input: {inp!r}, callback: {plan!r}")
            run_one(source, inp, pathlib.Path(tmp), stats, plan)

        agree()
    total = stats["compiled"] + stats["refused"]
    print(f"\ngenerated {total}: compiled {stats['compiled']}, refused {stats['refused']}, "
          f"succeeded {stats.get('SUCCEEDED', 0)}, failed {stats.get('FAILED', 0)}; body lines: mean "
          f"{sum(stats['lines']) / max(1, len(stats['lines'])):.1f}, max {max(stats['lines'], default=0)}")
    for r in sorted(set(stats["reasons"])):
        print("  refused:", r)
    assert stats["refused"] * 2 <= total, f"the compiler refused most generated programs: {stats['reasons'][:5]}"
