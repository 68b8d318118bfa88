"""Every construct outside the language gets one clear diagnostic (file:line:col), and the CLI exits 2."""
from __future__ import annotations

import re
import textwrap

import pytest

from pyawssfn.cli import main
from pyawssfn.compiler import CompileError, compile_source

HEAD = """import json
import os
import pyawssfn as sfn

def step(x):
    return x

def many(*xs):
    return xs

"""

# (case id, workflow body or whole module, expected line, fragment of the message)
CASES = [
    ("undefined-name", "@sfn.workflow\ndef wf(x):\n    return y + 1\n", 13, "undefined name 'y'"),
    ("print", "@sfn.workflow\ndef wf(x):\n    print(x)\n    return x\n", 13, "print() cannot run"),
    ("open", "@sfn.workflow\ndef wf(x):\n    f = open(x)\n    return 1\n", 13, "open() cannot run"),
    ("module-method", "@sfn.workflow\ndef wf(x):\n    return json.dumps(x)\n", 13, "imported module"),
    ("module-method-nested", "@sfn.workflow\ndef wf(x):\n    return os.path.join(x, 'a')\n", 13,
     "imported module"),
    ("yield", "@sfn.workflow\ndef wf(x):\n    yield step(x)\n", 13, "generator"),
    ("global", "@sfn.workflow\ndef wf(x):\n    global g\n    return x\n", 13, "global"),
    ("nonlocal-in-branch", "@sfn.workflow\ndef wf(x):\n    y = 1\n    def b():\n        nonlocal y\n"
     "        y = step(x)\n        return y\n    r = sfn.parallel(b)\n    return y\n", 15, "nonlocal"),
    ("with", "@sfn.workflow\ndef wf(x):\n    with open(x) as f:\n        pass\n    return 1\n", 13, "with block"),
    ("async-workflow", "@sfn.workflow\nasync def wf(x):\n    return x\n", 12, "async"),
    ("await", "@sfn.workflow\ndef wf(x):\n    return await step(x)\n", 13, "await"),
    ("lambda-escapes", "@sfn.workflow\ndef wf(x):\n    f = lambda: step(x)\n    return 1\n", 13, "lambda"),
    ("nested-def-called-in-branch", "@sfn.workflow\ndef wf(x):\n    def b(n):\n        return step(n)\n"
     "    return sfn.parallel(lambda: b(x), lambda: step(x))\n", 15,
     "nested function b() of the workflow cannot be called from a parallel branch"),
    ("lambda-returned", "@sfn.workflow\ndef wf(x):\n    return lambda: x\n", 13, "lambda"),
    ("outer-mutation-in-branch", "@sfn.workflow\ndef wf(x):\n    acc = []\n    def b():\n"
     "        acc.append(step(x))\n        return 1\n    r = sfn.parallel(b)\n    return acc\n", 15,
     "mutation of outer variable 'acc'"),
    ("outer-item-assignment-in-branch", "@sfn.workflow\ndef wf(x):\n    d = {}\n    def b():\n"
     "        d['k'] = step(x)\n        return 1\n    r = sfn.parallel(b)\n    return d\n", 15,
     "mutation of outer variable 'd'"),
    ("step-in-comprehension-logic", "@sfn.workflow\ndef wf(xs):\n    return [step(x) + 1 for x in xs]\n", 13,
     "step call inside"),
    ("step-in-conditional-expression", "@sfn.workflow\ndef wf(x):\n    return step(x) if x else 0\n", 13,
     "step call inside"),
    ("step-in-boolop", "@sfn.workflow\ndef wf(x):\n    return x and step(x)\n", 13, "step call inside"),
    ("step-in-default", "@sfn.workflow\ndef wf(x=step(1)):\n    return x\n", 12, "default must be a JSON literal"),
    ("unbindable-star-args", "@sfn.workflow\ndef wf(xs):\n    return many(*xs)\n", 13, "cannot be bound"),
    ("unbindable-star-kwargs", "@sfn.workflow\ndef wf(d):\n    return step(**d)\n", 13, "cannot be bound"),
    ("too-many-arguments", "@sfn.workflow\ndef wf(x):\n    return step(x, 2)\n", 13, "positional argument"),
    ("unknown-keyword", "@sfn.workflow\ndef wf(x):\n    return step(y=x)\n", 13, "unexpected keyword argument 'y'"),
    ("missing-argument", "@sfn.workflow\ndef wf(x):\n    return step()\n", 13, "missing required argument 'x'"),
    ("del", "@sfn.workflow\ndef wf(d):\n    del d['k']\n    return d\n", 13, "del"),
    ("class-in-workflow", "@sfn.workflow\ndef wf(x):\n    class K:\n        pass\n    return x\n", 13,
     "class definition"),
    ("recursion", "@sfn.workflow\ndef wf(x):\n    return wf(x)\n", 13, "recursive workflow call"),
    ("mutual-recursion", "@sfn.workflow\ndef wf(x):\n    return other(x)\n\n@sfn.workflow\ndef other(x):\n"
     "    return wf(x)\n", 13, "recursive workflow call"),
    ("import-in-workflow", "@sfn.workflow\ndef wf(x):\n    import re\n    return x\n", 13, "import"),
    ("match", "@sfn.workflow\ndef wf(x):\n    match x:\n        case 1:\n            return 1\n    return 2\n", 13,
     "match"),
    ("attribute-assignment", "@sfn.workflow\ndef wf(x):\n    x.field = 1\n    return x\n", 13,
     "attribute assignment"),
    ("raise-non-exception", "@sfn.workflow\ndef wf(x):\n    raise step(x)\n", 13, "can be raised"),
    ("nested-def-called", "@sfn.workflow\ndef wf(x):\n    def b():\n        return 1\n    return b()\n", 15,
     "sfn.parallel"),
    ("alias-then-append", "@sfn.workflow\ndef wf(xs):\n    ys = xs\n    xs.append(1)\n    return ys\n", 14,
     "in-place change of 'xs'"),
    ("stored-then-mutated", "@sfn.workflow\ndef wf(xs):\n    d = {'a': xs}\n    xs.append(1)\n    return d\n", 14,
     "in-place change of 'xs'"),
    ("loop-variable-mutated", "@sfn.workflow\ndef wf(rows):\n    for row in rows:\n        row['done'] = True\n"
     "    return rows\n", 14, "in-place change of 'row'"),
    ("element-of-shared-mutated", "@sfn.workflow\ndef wf(x):\n    d = {'a': x}\n    d['a']['k'] = 1\n    return x\n",
     14, "in-place change of an element of 'd'"),
    ("inline-map-tolerated", "@sfn.workflow\ndef wf(xs):\n    return sfn.map(step, xs, tolerated_failures=1)\n", 13,
     "distributed Map"),
    ("except-keyerror-around-expression", "@sfn.workflow\ndef wf(d):\n    try:\n        v = d['k']\n"
     "    except KeyError:\n        v = 0\n    return v\n", 14, "except KeyError cannot catch"),
    ("branch-assigns-outer-read-later", "@sfn.workflow\ndef wf(x):\n    total = 0\n    def b():\n"
     "        total = step(x)\n        return 1\n    r = sfn.parallel(b)\n    return total\n", 17,
     "assigns 'total'"),
    ("sleep-fraction", "@sfn.workflow\ndef wf(x):\n    sfn.sleep(1.5)\n    return x\n", 13, "whole number of seconds"),
    ("change-while-iterating", "@sfn.workflow\ndef wf(d):\n    for k in d:\n        d['m'] = 1\n    return d\n",
     14, "while a for loop iterates over it"),
    ("walrus", "@sfn.workflow\ndef wf(x):\n    if (y := step(x)):\n        return y\n    return 0\n", 13, ":="),
    # Only sfn.Fail has .error/.cause: on a step's own exception class Python raises AttributeError, so the
    # machine's $e.Error would be a silent difference.
    ("caught-error-field", "class Bad(Exception):\n    pass\n\n@sfn.workflow\ndef wf(x):\n    try:\n"
     "        step(x)\n    except Bad as e:\n        return e.error\n    return 1\n", 19, "e.error exists only on sfn.Fail"),
    ("caught-cause-field", "@sfn.workflow\ndef wf(x):\n    try:\n        step(x)\n    except Exception as err:\n"
     "        return err.cause\n    return 1\n", 16, "err.cause exists only on sfn.Fail"),
]


def _diagnostics(src: str, workflow: str | None = None):
    with pytest.raises(CompileError) as info:
        compile_source(src, "bad.py", workflow=workflow)
    return info.value.diagnostics


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_one_clear_diagnostic(case):
    name, body, line, fragment = case
    diags = _diagnostics(HEAD + body, workflow="wf")
    assert len(diags) == 1, [str(d) for d in diags]
    d = diags[0]
    assert d.line == line, str(d)
    assert fragment in d.what, str(d)
    assert re.match(r"^bad\.py:\d+:\d+: error: .+ \(.+\)$", str(d)), str(d)


def test_syntax_error():
    d, = _diagnostics("def wf(:\n    pass\n")
    assert str(d).startswith("bad.py:1:") and "syntax error" in d.what


def test_no_workflow():
    d, = _diagnostics("def step(x):\n    return x\n")
    assert "no workflow" in d.what


def test_two_workflows_need_a_choice_and_unknown_name_is_reported():
    src = HEAD + "@sfn.workflow\ndef a(x):\n    return x\n\n@sfn.workflow\ndef b(x):\n    return x\n"
    d, = _diagnostics(src)
    assert "several workflows" in d.what and "--workflow" in d.instead
    d, = _diagnostics(src, workflow="c")
    assert "no workflow named 'c'" in d.what
    assert compile_source(src, "ok.py", workflow="b").workflow == "b"


def test_all_errors_of_a_file_are_reported_together():
    src = HEAD + "@sfn.workflow\ndef wf(x):\n    print(x)\n    y = json.loads(x)\n    del x\n    return z\n"
    diags = _diagnostics(src)
    assert [d.line for d in diags] == [13, 14, 15, 16]


def test_sdk_operation_that_does_not_exist():
    pytest.importorskip("pyawssfn.compiler.aws_models")
    src = HEAD + "@sfn.workflow\ndef wf(b):\n    return sfn.aws.s3.get_objekt(Bucket=b)\n"
    d, = _diagnostics(src)
    assert d.line == 13


def test_cli_exits_2_with_diagnostics_and_no_traceback(tmp_path, capsys):
    bad = tmp_path / "bad.py"
    bad.write_text(HEAD + "@sfn.workflow\ndef wf(x):\n    print(x)\n    return q\n")
    assert main(["compile", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:13:5: error: print() cannot run in a workflow" in err
    assert f"{bad}:14:12: error: undefined name 'q'" in err
    assert "Traceback" not in err


def test_cli_usage_errors(tmp_path, capsys):
    assert main(["compile", str(tmp_path / "missing.py")]) == 2
    assert "no such file" in capsys.readouterr().err
    good = tmp_path / "good.py"
    good.write_text(HEAD + "@sfn.workflow\ndef wf(x):\n    return step(x)\n")
    out = tmp_path / "out.json"
    out.write_text("keep")
    assert main(["compile", str(good), "-o", str(out)]) == 2
    assert "--force" in capsys.readouterr().err and out.read_text() == "keep"
    assert main(["compile", str(good), "-o", str(out), "--force",
                 "--function-arn", "arn:aws:lambda:us-east-1:111111111111:function:f"]) == 0
    assert "arn:aws:lambda:us-east-1:111111111111:function:f" in out.read_text()
    assert main(["compile", str(good), "--no-transient-retry"]) == 0
    assert "Lambda.ServiceException" not in capsys.readouterr().out


def test_fresh_values_can_be_changed_in_place():
    src = HEAD + """@sfn.workflow
def wf(xs, d):
    out = []
    for x in xs:
        out.append(step(x))
    result = {"out": out}
    ys = list(xs)
    ys.append(1)
    d["k"] = {}
    d["k"]["j"] = 1
    n = 0
    for i in range(3):
        n += i
    return [result, ys, d, n]
"""
    assert compile_source(src, "ok.py").workflow == "wf"


def test_except_around_expression_only_body_is_refused():
    from pyawssfn.compiler import CompileError, compile_source

    src = """
import pyawssfn as sfn

def step(x):
    return x

@sfn.workflow
def w(d):
    try:
        if d:
            raise ValueError("x")
        u = step(d)["k"]
    except Exception:
        u = 1
    try:
        v = d["k"]
    except Exception:
        v = None
    return [u, v]
"""
    with pytest.raises(CompileError) as err:
        compile_source(src, "t.py")
    (d,) = err.value.diagnostics
    assert d.line == 16 and "cannot catch an error of this workflow expression" in str(d)


def test_step_call_in_a_sort_key_is_refused():
    src = """
import pyawssfn as sfn

def score(x):
    return x

@sfn.workflow
def w(xs):
    return sorted(xs, key=lambda r: score(r))
"""
    with pytest.raises(CompileError) as err:
        compile_source(src, "t.py")
    (d,) = err.value.diagnostics
    assert "a step call cannot run inside a sort key" in str(d)


def test_misspelled_step_is_an_undefined_name_with_a_suggestion():
    src = """
import pyawssfn as sfn

def double(x):
    return x * 2

@sfn.workflow
def wf(n):
    return doubel(n)
"""
    with pytest.raises(CompileError) as err:
        compile_source(src, "t.py")
    (d,) = err.value.diagnostics
    assert "undefined name 'doubel' (did you mean double?)" in str(d)


def test_changing_a_shared_element_in_place_is_refused_with_a_working_hint():
    src = """
import pyawssfn as sfn

@sfn.workflow
def w(tags):
    d = {"a": {"n": [1]}}
    x = d["a"]["n"]
    d["a"]["n"].append(2)
    y = d["a"]
    d["a"]["m"] = 1
    return [d, x, y]
"""
    with pytest.raises(CompileError) as err:
        compile_source(src, "t.py")
    lines = sorted(d.line for d in err.value.diagnostics)
    assert lines == [8, 10]
    assert "d['a'] = {**d['a'], key: value}" in str(err.value.diagnostics[-1])
