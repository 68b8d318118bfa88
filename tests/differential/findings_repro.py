"""Minimal reproductions of FINDINGS.md: run `python tests/differential/findings_repro.py [F1 ...]` to print
the plain-Python and machine results of each (what FINDINGS.md quotes)."""
import sys, json, pathlib
from pyawssfn.testing import WorkflowTester
REPROS = {
"F1": ('''import pyawssfn as sfn

@sfn.workflow
def w(a):
    return [isinstance(a, int), str(a)]
''', {"a": 2.0}),
"F2": ('''import pyawssfn as sfn

def plain(x):
    return x

@sfn.workflow
def child(x):
    raise sfn.Fail("TooBig", "big")

@sfn.workflow
def parent(x):
    return child(x)
''', {"x": 1}),
"F3": ('''import pyawssfn as sfn

def step(x):
    raise sfn.Fail("Custom.Error", "from a step")

@sfn.workflow
def w(x):
    try:
        step(x)
    except sfn.Fail as e:
        return e.error
''', {"x": 1}),
"F4": ('''import pyawssfn as sfn

@sfn.workflow
def w(d):
    d["tags"].append("b")
    return d
''', {"d": {"tags": []}}),
"F5": ('''import pyawssfn as sfn

@sfn.workflow
def w(xs):
    ys = xs
    ys.append(1)
    return xs
''', {"xs": []}),
"F6": ('''import pyawssfn as sfn

@sfn.workflow
def w(d):
    try:
        v = d["k"]
    except KeyError:
        v = "missing"
    return v
''', {"d": {}}),
"F7": ('''import pyawssfn as sfn

def one(x):
    return x

@sfn.workflow
def w(n):
    a, b = sfn.parallel(lambda: one(n), lambda: one(n), lambda: one(n))
    return [a, b]
''', {"n": 1}),
"F8": ('''import pyawssfn as sfn

@sfn.workflow
def w(xs):
    for x in xs:
        pass
    return {"last": x}
''', {"xs": []}),
"F9": ('''import pyawssfn as sfn

@sfn.workflow
def w(n, s):
    out = []
    for i in range(0, n, s):
        out.append(i)
    return out
''', {"n": 3, "s": 0}),
"F10": ('''import pyawssfn as sfn

def step(x):
    raise sfn.Fail("Custom.Error", "c")

@sfn.workflow
def w(x):
    try:
        step(x)
    except Exception as e:
        return type(e).__name__
''', {"x": 1}),
"F11": ('''import pyawssfn as sfn

def step(x):
    raise ValueError("bad")

@sfn.workflow
def w(xs):
    return sfn.map(step, xs, tolerated_failures=1)
''', {"xs": [1]}),
"F12": ('''import pyawssfn as sfn

@sfn.workflow
def w(d):
    count = 0
    for k in d:
        count += 1
    return count
''', {"d": {"a": 1}}),
"F13": ("""import pyawssfn as sfn

def step(c):
    return c

@sfn.workflow
def w(items):
    return sfn.map(step, items)
""", {"items": "ab"}),
"F14": ('''import pyawssfn as sfn

@sfn.workflow
def w(d):
    n0 = d["k"]
    return 1
''', {"d": {}}),
"F15": ('''import pyawssfn as sfn

@sfn.workflow
def w(s):
    raise sfn.Fail("Custom.Failure", s[0])
''', {"s": ""}),
"F16": ('''import pyawssfn as sfn

def make():
    return {"a": {"b": 1}}

@sfn.workflow
def w(x):
    d = make()
    e = dict(d["a"])
    e["b"] = x
    return e
''', {"x": 2}),
}
which = sys.argv[1:] or list(REPROS)
for name in which:
    src, inp = REPROS[name]
    p = pathlib.Path(f"/tmp/pyawssfn_repro_{name}.py"); p.write_text(src)
    wf = "parent" if name == "F2" else "w"
    t = WorkflowTester(p, wf)
    py = t.run_python(inp)
    try:
        m = t.run_machine(inp)
        ms = (m.status, m.output, m.error, (m.cause or "")[:150])
    except Exception as e:
        ms = ("EXC", repr(e)[:200])
    print(name, json.dumps(inp), "| python:", (py.status, py.output, py.error, py.cause), "| machine:", ms)
