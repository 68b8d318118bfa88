"""Property tests: for random inputs, a workflow mixing every control construct gives the same result compiled and
run on the local executor as it does as plain Python."""
from __future__ import annotations

import sys

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import Both

SRC = """
import pyawssfn as sfn

class Odd(ValueError):
    pass

def check(x):
    if x % 2:
        raise Odd("odd " + str(x))
    return x // 2

def scale(x, by=3):
    return x * by

@sfn.workflow
def wf(xs, limit, d):
    total = 0
    halves = []
    for i, x in enumerate(xs):
        if i >= limit:
            break
        try:
            halves.append(check(x))
        except Odd as e:
            halves.append(str(e))
            continue
        finally:
            total += 1
        if x > 10:
            total += scale(x)
        elif x < 0:
            total -= 1
    n = 0
    while n < limit and n < 3:
        n += 1
    keys = []
    for k, v in d.items():
        if v:
            keys.append(k)
    scaled = [scale(x, by=2) for x in xs if x > 0]
    return {"total": total, "halves": halves, "n": n, "keys": keys, "scaled": scaled}
"""


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(xs=st.lists(st.integers(-20, 20), max_size=5), limit=st.integers(0, 6),
       d=st.dictionaries(st.sampled_from(["a", "b", "c"]), st.booleans(), max_size=3))
def test_mixed_workflow_agrees_on_random_inputs(tmp_path_factory, xs, limit, d):
    b = _compiled(tmp_path_factory)
    b.check({"xs": xs, "limit": limit, "d": d})


_cache: dict[str, Both] = {}


def _compiled(tmp_path_factory) -> Both:
    if "b" not in _cache:
        _cache["b"] = Both(tmp_path_factory.mktemp("props"), SRC)
    return _cache["b"]


def teardown_module(module):
    b = _cache.pop("b", None)
    if b is not None:
        sys.modules.pop(b.path.stem, None)
