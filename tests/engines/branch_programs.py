"""Workflows whose Parallel branch evaluates a value that can fail, in every place a branch can evaluate one (a
step's arguments, a Choice's test, a value after a step, a lambda's result, a raise's message or computed name, a
Wait's seconds, a Map's items, a child workflow's input, a handler or finally inside the branch), with and without
a handler or finally around the Parallel, and steps whose result is over the size quota in a branch or a Map item.
The workflow generator never writes one (its branches' expressions cannot fail), and the examples have none, so
these are the compiled machines that show how such an error leaves a branch (lower/branch_errors.py): tests/engines
runs them on both engines, tests/engines/test_branch_shapes.py against plain Python. (A handler here reads the
error's name, not its message: an expression error's message is each engine's words, and Python's its own.)"""
from __future__ import annotations

import contextlib
import pathlib
import tempfile

PRELUDE = '''import pyawssfn as sfn


class Bad(Exception):
    pass


def inc(n: int) -> int:
    return n + 1


def boom(n: int) -> int:
    if n > 0:
        raise Bad("no")
    return n


def big(n: int) -> str:
    return "x" * (300000 * n)  # over Step Functions' 256 KB for n >= 1


def check(n: int) -> int:
    if n > 1:
        raise Bad("too big")
    return n


@sfn.workflow
def child(m: int) -> int:
    return inc(m)


'''

_CATCH = '''
    try:
        return sfn.parallel(b)[0]
    except Exception as e:
        return "caught " + type(e).__name__
'''

_CATCH_FAIL = '''
    try:
        return sfn.parallel(b)[0]
    except sfn.Fail as e:
        return "caught " + e.error
    except Exception as e:
        return "caught " + type(e).__name__
'''

# name -> the workflow ``w`` (its branch ``b``); "uncovered" in the name: nothing around the Parallel
PROGRAMS = {
    "step-arguments": '''
@sfn.workflow
def w(d: dict, n: int):
    def b0():
        return inc(n)

    def b():
        return inc(d["k"])

    try:
        x, y = sfn.parallel(b0, b)
        return x + y
    except Exception as e:
        return "caught " + type(e).__name__
''',
    "step-arguments-uncovered": '''
@sfn.workflow
def w(d: dict, n: int):
    def b():
        return inc(d["k"])

    return sfn.parallel(b)[0]
''',
    "choice-test": '''
@sfn.workflow
def w(d: dict, n: int):
    def b():
        if d["k"] > 0:
            return inc(1)
        return inc(2)
''' + _CATCH,
    "choice-test-uncovered": '''
@sfn.workflow
def w(d: dict, n: int):
    def b():
        if d["k"] > 0:
            return inc(1)
        return inc(2)

    return sfn.parallel(b)[0]
''',
    "elif-tests": '''
@sfn.workflow
def w(d: dict, n: int):
    def b():
        if n > 1:
            x = 1
        elif n > 0:
            x = 2
        else:
            x = 3
        return inc(x)
''' + _CATCH,
    "value-after-step": '''
@sfn.workflow
def w(d: dict, n: int):
    def b():
        r = inc(n)
        return r + d["k"]
''' + _CATCH,
    "lambda-result": '''
@sfn.workflow
def w(d: dict, n: int):
    try:
        x, y = sfn.parallel(lambda: inc(n), lambda: d["k"] + 1)
        return x + y
    except Exception as e:
        return "caught " + type(e).__name__
''',
    "raise-message": '''
@sfn.workflow
def w(d: dict, n: int):
    def b():
        r = inc(n)
        if r > 1:
            raise ValueError("bad " + d["k"])
        return r
''' + _CATCH,
    "computed-fail-name": '''
@sfn.workflow
def w(d: dict, n: int):
    def b():
        r = inc(n)
        raise sfn.Fail("Custom." + d["k"], "from " + str(r))
''' + _CATCH_FAIL,
    "sleep-seconds": '''
@sfn.workflow
def w(d: dict, n: int):
    def b():
        sfn.sleep(d["k"])
        return inc(n)
''' + _CATCH,
    "handler-in-branch-raises-again": '''
@sfn.workflow
def w(d: dict, n: int):
    def b():
        try:
            return inc(d["k"])
        except Exception:
            inc(0)
            raise
''' + _CATCH,
    "finally-in-branch": '''
@sfn.workflow
def w(d: dict, n: int):
    def b():
        try:
            r = inc(d["k"])
        finally:
            inc(5)
        return r
''' + _CATCH,
    "finally-around": '''
@sfn.workflow
def w(d: dict, n: int):
    def b():
        return inc(d["k"])

    try:
        x = sfn.parallel(b)[0]
    finally:
        inc(7)
    return x
''',
    "map-items": '''
@sfn.workflow
def w(d: dict, n: int):
    def b():
        return sfn.map(inc, d["xs"])
''' + _CATCH,
    "child-input": '''
@sfn.workflow
def w(d: dict, n: int):
    def b():
        return child(d["k"])
''' + _CATCH,
    "fail-handler": '''
@sfn.workflow
def w(d: dict, n: int):
    def b():
        return inc(d["k"])

    try:
        return sfn.parallel(b)[0]
    except sfn.Fail as e:
        return "caught " + e.error
''',
    "result-over-the-quota": '''
@sfn.workflow
def w(d: dict, n: int):
    def b():
        return big(n)
''' + _CATCH,
    "result-over-the-quota-uncovered": '''
@sfn.workflow
def w(d: dict, n: int):
    def b():
        return big(n)

    return len(sfn.parallel(b)[0])
''',
    "map-item-over-the-quota": '''
@sfn.workflow
def w(d: dict, n: int):
    try:
        return len(sfn.map(big, [0, n]))
    except Exception as e:
        return "caught " + type(e).__name__
''',
    "distributed-map-beyond-its-tolerance": '''
@sfn.workflow
def w(d: dict, n: int):
    def b():
        return sfn.map(check, [0, n + 1], distributed=True, tolerated_failures=0)
''' + _CATCH,
    "step-error-keeps-its-name": '''
@sfn.workflow
def w(d: dict, n: int):
    def b():
        return boom(n)

    try:
        return sfn.parallel(b)[0]
    except Bad as e:
        return "caught " + type(e).__name__
''',
}

# a missing key, values that work, values of the wrong type
INPUTS = [{"d": {}, "n": 1}, {"d": {"k": 3, "xs": [1, 2]}, "n": 1}, {"d": {"k": "s", "xs": 5}, "n": 0}]


@contextlib.contextmanager
def written():
    """The programs as module files: name -> path."""
    with tempfile.TemporaryDirectory(prefix="pyawssfn-branches-") as tmp:
        paths = {}
        for name, body in PROGRAMS.items():
            path = pathlib.Path(tmp) / f"branch_{name.replace('-', '_')}.py"
            path.write_text(PRELUDE + body.lstrip("\n"))
            paths[name] = path
        yield paths
