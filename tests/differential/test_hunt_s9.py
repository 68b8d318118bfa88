"""Silent differences found by session 9's hunt, one class each: every program runs the same both ways AND as the
direct CPython call (tests/differential/conftest.py's ``agree``), or is refused at the construct's line and column.
"""
from __future__ import annotations

import textwrap

import pytest

from pyawssfn.compiler import compile_source

from .conftest import agree
from .hunt_support import HEAD as _HEAD, body as _body, refused as _refused, tester as _tester  # noqa: F401



# F68. An expression statement that is not a step call or a statement-level list/dict method was dropped unseen:
# `d["k"]` written to check a key, `int(s)` to validate a text, `xs[3]`, `1 // n`, `xs.index(v)` raised in Python
# and the machine went on; a misspelt `xs.nosuch()` or an undefined name compiled. The value is translated now, and
# kept under a throwaway variable where it can fail (as a dead store is, F14).
EXPRESSION_STATEMENTS = [
    ("key-check", 'd["b"]\n'),
    ("index", "xs[3]\n"),
    ("int-check", "int(s)\n"),
    ("division", "1 // (len(xs) - 1)\n"),
    ("conditional", 'd["a"] if xs else d["b"]\n'),
    ("tuple", '(d["b"],)\n'),
    ("comprehension", '[d[k] for k in ["a", "b"]]\n'),
    ("list-index", "xs.index(5)\n"),
    ("str-index", 's.index("q")\n'),
    ("in-a-loop", "for x in xs:\n    d[str(x)]\n"),
]


@pytest.mark.parametrize("name, body", EXPRESSION_STATEMENTS, ids=[c[0] for c in EXPRESSION_STATEMENTS])
@pytest.mark.parametrize("inputs", [{"xs": [1], "d": {"a": 1}, "s": "x"},
                                    {"xs": [], "d": {"a": 1, "b": 2, "1": 0}, "s": "q2"},
                                    {"xs": [5, 1, 2, 3], "d": {"b": 0, "5": 1, "1": 1, "2": 2, "3": 3}, "s": "7"}])
def test_an_expression_statement_that_fails_fails_both_ways(tmp_path, name, body, inputs):
    agree(_body(tmp_path, "hunt_expr_stmt", "xs: list, d: dict, s: str", body + "return [xs, d, s]\n"), inputs)


@pytest.mark.parametrize("body, inputs", [
    ("if n:\n    x = 1\nx\n", [{"n": 0}, {"n": 1}]),
    ("r = step([n])\nr[5]\n", [{"n": 0}]),
    ("step([n])[n]\n", [{"n": 0}, {"n": 1}]),
    ("for x in [{}, {'k': n}]:\n    try:\n        step(x)\n        x['k']\n    except Exception:\n        continue\n",
     [{"n": 0}]),
])
def test_an_expression_statement_reading_a_step_or_an_unbound_name(tmp_path, body, inputs):
    t = _body(tmp_path, "hunt_expr_stmt_more", "n: int", body + "return 'ok'\n")
    for value in inputs:
        agree(t, value)


def test_an_expression_statement_in_a_try_is_caught(tmp_path):
    body = 'try:\n    step(1)\n    d["b"]\n    r = "found"\nexcept Exception:\n    r = "missing"\nreturn r\n'
    for d in ({"a": 1}, {"b": 1}):
        agree(_body(tmp_path, "hunt_expr_stmt_try", "d: dict", body), {"d": d})


@pytest.mark.parametrize("body, where, what", [
    ("xs.nosuch()\n", "10:5", "method .nosuch(...) is not translated"),
    ("undefined_name\n", "10:5", "undefined name 'undefined_name'"),
])
def test_an_expression_statement_is_checked_as_an_expression(body, where, what):
    _refused(body + "return 1\n", where, what, signature="xs: list")


# A list or dict method that changes a variable inside a larger expression statement (`xs.append(4) if c else None`,
# `[out.append(x) for x in xs]`, `a.append(1) or b.append(2)`, `xs.pop() if xs else 0`) changed it in Python and
# was dropped on the machine with the rest of the statement. Refused now at the method call.
NESTED_MUTATIONS = [
    ("conditional-append", "xs.append(4) if xs else None\n", "10:5", "xs.append()"),
    ("comprehension", "[xs.append(x) for x in [7, 8]]\n", "10:6", "xs.append()"),
    ("or", "xs.append(4) or xs.append(5)\n", "10:5", "xs.append()"),
    ("tuple", "xs.append(2), xs.append(3)\n", "10:5", "xs.append()"),
    ("not", "not d.update({'b': 2})\n", "10:9", "d.update()"),
    ("any", "any(xs.append(v) for v in [5])\n", "10:9", "xs.append()"),
    ("pop", "xs.pop() if xs else 0\n", "10:5", "xs.pop()"),
    ("clear", "d.clear() if d else None\n", "10:5", "d.clear()"),
    ("reverse", "xs.reverse() if xs else None\n", "10:5", "xs.reverse()"),
    ("nested", "xs[0].append(1) if xs else None\n", "10:5", "xs[0].append()"),
    ("f-string", "f'{xs.pop()}'\n", "10:8", "xs.pop()"),
]


@pytest.mark.parametrize("name, body, where, what", NESTED_MUTATIONS, ids=[c[0] for c in NESTED_MUTATIONS])
def test_a_mutation_inside_an_expression_statement_is_refused(name, body, where, what):
    _refused(body + "return xs\n", where, f"{what} inside a larger expression statement", signature="xs: list, d: dict")


def test_statement_mutations_and_pure_statements_still_agree(tmp_path):
    body = ('"""a docstring"""\n...\nxs.append(1)\nd.update({"z": 1})\nxs[0]\nlen(d)\nstep(xs)\n'
            '[step(x) for x in xs]\nreturn [xs, d]\n')
    agree(_body(tmp_path, "hunt_expr_stmt_ok", "xs: list, d: dict", body), {"xs": [0], "d": {"a": 1}})


# F69. Where a value computed in a try needed a state of its own to be caught (a Map over no items under the try's
# Catch, compiler/lower/errors._move), every value pending on the state before it moved there too, also those that
# state was to evaluate under its own cover: a value computed before the try (`y = d["k"]`, or a for loop's item and
# index) was caught by the try's handler though Python raises it before the try, and the handler's path never
# assigned them: a `for` loop whose body's try catches such an error never advanced (the machine ran to the quota of
# 25000 history events, Python returned). And a value computed after a step in a try, read by a `return` after the
# try, was evaluated in a Pass outside it (`y = [1, 2][x]` escaped `except Exception`). They stay where they were.
TRY_MOVES = [
    ("loop-item", "xs: list",
     "r = []\nfor x in xs:\n    y = x['k']\n    try:\n        z = 10 // x['n']\n        r.append(step(y + z))\n"
     "    except Exception:\n        r.append(['caught', y])\nreturn r\n",
     [{"xs": [{"k": 1, "n": 1}, {"k": 2, "n": 0}, {"k": 3, "n": 2}]}, {"xs": [{"n": 1}]}, {"xs": []}]),
    ("loop-total", "n: int",
     "total = 0\nfor i in range(n):\n    try:\n        total += 10 // (i - 1)\n        step(total)\n"
     "    except Exception:\n        total -= 100\nreturn total\n", [{"n": 3}, {"n": 0}]),
    ("before-the-try", "n: int, d: dict",
     "if n:\n    y = d['k']\nelse:\n    y = 0\ntry:\n    z = 10 // n\n    w = step(y + z)\nexcept Exception:\n"
     "    w = 'caught'\nreturn w\n", [{"n": 1, "d": {}}, {"n": 0, "d": {}}, {"n": 1, "d": {"k": 1}}]),
    ("read-after-the-try", "n: int",
     "try:\n    x = step(n)\n    y = [1, 2][x]\nexcept Exception:\n    return 'caught'\nreturn y\n",
     [{"n": 0}, {"n": 2}, {"n": -5}]),
    ("handler-reads-it", "n: int, d: dict",
     "y = d.get('k', 0) * 2\ntry:\n    z = 10 // n\n    w = step(y + z)\nexcept Exception:\n    w = ['caught', y]\n"
     "return w\n", [{"n": 1, "d": {}}, {"n": 0, "d": {"k": 3}}]),
    ("while-loop", "xs: list",
     "r = []\ni = 0\nwhile i < len(xs):\n    x = xs[i]\n    i += 1\n    try:\n        r.append(step(10 // x))\n"
     "    except Exception:\n        r.append('caught')\n        continue\n    r.append(i)\nreturn r\n", [{"xs": [1, 0, 2]}]),
]


@pytest.mark.parametrize("name, signature, body, inputs", TRY_MOVES, ids=[c[0] for c in TRY_MOVES])
def test_values_pending_before_a_caught_evaluation_stay_where_they_were(tmp_path, name, signature, body, inputs):
    t = _body(tmp_path, "hunt_try_moves", signature, body)
    for value in inputs:
        agree(t, value)


# F70: in the same case, a value assigned in the try body before the failing one (`a = n + 1` before `z = 10 // n`,
# or a step's result `r = step(x)` before `r = r[1]["v"]`) was evaluated by the same state as the failing one, whose
# Assign is all or nothing, so the handler found it unassigned (UnboundLocalError on the machine) or as it was before
# the try, where Python assigned it. Where a path out of the try may read it, the values before the failing one are
# assigned first now (compiler/lower/assigned_before.py): again by the Catch, or by the state before the failing one.
@pytest.mark.parametrize("body", [
    "try:\n    a = n + 1\n    z = 10 // n\n    w = step(z)\nexcept Exception:\n    return ['caught', a]\nreturn w\n",
    "try:\n    a = step(n)\n    b = a * 3\n    z = 10 // a\n    c = step(z)\nexcept Exception:\n    return ['caught', a, b]\n"
    "return [a, b, c]\n",
    "r = None\ntry:\n    r = step([n])\n    r = r[1]['v']\nexcept Exception:\n    pass\nreturn r\n",
    "try:\n    raw = step([n])\n    r = raw[1]['v']\nexcept Exception:\n    return ['caught', raw]\nreturn r\n",
], ids=["value", "step-then-values", "step-result-replaced", "step-result-read-by-the-handler"])
def test_a_value_assigned_before_the_failing_one_reaches_the_handler(tmp_path, body):
    agree(_body(tmp_path, "hunt_try_before", "n: int", body), {"n": 0})


ASSIGNED_BEFORE = [
    ("literal-list", "try:\n    a = [n, 2]\n    z = 10 // n\n    w = step(z)\nexcept Exception:\n    return ['caught', a]\n"
     "return [a, w]\n"),
    ("loop", "r = []\nfor i in range(3):\n    try:\n        v = step(i - n)\n        r.append(v)\n        w = 10 // v\n"
     "        r.append(w)\n    except Exception:\n        r.append('caught')\nreturn r\n"),
    ("loop-reads-it-first", "a = -1\nout = []\nfor i in range(3):\n    try:\n        out.append(a)\n"
     "        a = step(i)\n        z = 10 // (a - n)\n    except Exception:\n        pass\nreturn out\n"),
    ("nested", "try:\n    try:\n        a = step(n)\n        b = 10 // a\n    except Exception:\n        a = [a]\n"
     "        c = 10 // (n - 1)\n    b = 1\nexcept Exception:\n    return ['outer', a]\nreturn [a, b]\n"),
    ("finally", "c = None\ntry:\n    try:\n        a = step(n)\n        b = 10 // a\n    finally:\n        c = ['fin', a]\n"
     "except Exception:\n    return ['caught', c]\nreturn [a, b, c]\n"),
    ("in-a-row", "b = c = d = None\ntry:\n    a = step(n)\n    b = 10 // a\n    c = 10 // (a - 1)\n    d = [5, 6][a]\n"
     "except Exception:\n    return ['caught', a, b, c, d]\nreturn [a, b, c, d]\n"),
    ("re-raised", "try:\n    a = step(n)\n    b = 10 // a\nexcept Exception:\n    raise ValueError('bad ' + str(a))\n"
     "return b\n"),
    ("augmented", "t = n\ntry:\n    t += 1\n    10 // (t - 1)\n    t += 10\n    10 // (t - 13)\n    w = step(t)\n"
     "except Exception:\n    return ['caught', t]\nreturn [t, w]\n"),
    ("mutation", "xs = []\ntry:\n    xs.append(step(n))\n    xs.append(10 // xs[0])\nexcept Exception:\n"
     "    return ['caught', xs]\nreturn xs\n"),
    ("if-test", "try:\n    a = step(n)\n    if [1, 2][a]:\n        a = 7\nexcept Exception:\n    return ['caught', a]\nreturn a\n"),
    ("return", "try:\n    a = step(n)\n    return 10 // a\nexcept Exception:\n    return ['caught', a]\n"),
    ("for-iterable", "try:\n    a = step(n)\n    for x in [[1], [2]][a]:\n        a = x\nexcept Exception:\n"
     "    return ['caught', a]\nreturn a\n"),
    ("assert", "try:\n    a = step(n)\n    assert 10 // a\nexcept Exception:\n    return ['caught', a]\nreturn a\n"),
    ("raise-message", "try:\n    a = step(n)\n    raise ValueError(str(10 // a))\nexcept Exception:\n"
     "    return ['caught', a]\n"),
    ("dict-item", "d = {}\ntry:\n    d['a'] = step(n)\n    d['b'] = 10 // d['a']\nexcept Exception:\n    return ['caught', d]\n"
     "return d\n"),
    ("tuple-target", "try:\n    a, b = step([n, 1])\n    c = 10 // a\nexcept Exception:\n    return ['caught', a, b]\nreturn c\n"),
    ("if-branches", "try:\n    if n > 1:\n        a = step(n)\n    else:\n        a = [n]\n    z = 10 // (a if n > 1 else n)\n"
     "except Exception:\n    return ['caught', a]\nreturn z\n"),
    ("read-after-the-handler", "x = 0\ntry:\n    x = step(n)\n    y = 10 // x\nexcept Exception:\n    y = -1\nreturn [x, y]\n"),
    ("overwritten-after", "a = 0\ntry:\n    a = [n]\n    z = 10 // n\n    a = [z]\n    w = step(z)\nexcept Exception:\n"
     "    return ['caught', a]\nreturn [a, w]\n"),
]


@pytest.mark.parametrize("name, body", ASSIGNED_BEFORE, ids=[c[0] for c in ASSIGNED_BEFORE])
def test_values_assigned_before_a_failing_one_in_more_shapes(tmp_path, name, body):
    t = _body(tmp_path, "hunt_try_before_more", "n: int", body)
    for n in (0, 1, 2, 5):
        agree(t, {"n": n})


def test_a_value_nobody_reads_after_the_failure_costs_no_state():
    """`a` is read in the body only: the handler cannot see it, so `a` and `z` stay in one state (the Task's)."""
    body = "try:\n    a = step(n)\n    z = 10 // a\n    w = step(a + z)\nexcept Exception:\n    return 'caught'\nreturn w\n"
    lean = compile_source(_HEAD + "@sfn.workflow\ndef wf(n: int) -> object:\n" + textwrap.indent(body, "    "),
                          "hunt.py", workflow="wf")
    read = compile_source(_HEAD + "@sfn.workflow\ndef wf(n: int) -> object:\n"
                          + textwrap.indent(body.replace("'caught'", "['caught', a]"), "    "), "hunt.py", workflow="wf")
    assert len(_states(read)) == len(_states(lean)) + 1, (_states(lean), _states(read))


def _states(out) -> dict:
    d = out if isinstance(out, dict) else getattr(out, "definition", out)
    return d["States"]


# F71. A tuple target whose item is a subscript keyed by an earlier name of the same target (`i, xs[i] = 1, 9`):
# Python assigns the targets left to right, so the key reads the new `i` (xs[1] = 9); the machine read the key as it
# was before the statement (xs[0] = 9), or failed on a name the statement binds first (`a, d[a] = "k", 2`). The
# key is evaluated after the targets before it now (compiler/lower/statements.bind_target).
TARGET_ORDER = [
    ("index", "i = 0\ni, xs[i] = 1, 9\n"),
    ("index-after", "i = 0\nxs[i], i = 9, 1\n"),
    ("key-bound-first", "a, d[a] = 'k', 2\n"),
    ("container-first", "d, d['k'] = {'z': 0}, 1\n"),
    ("step-result", "i = 0\ni, xs[i] = step([2, 7])\n"),
    ("variable", "i = 0\npair = [1, 8]\ni, xs[i] = pair\n"),
    ("two-keys", "i = 0\ni, xs[i], xs[i + 1] = 1, 5, 6\n"),
    ("for-target", "i = 0\nfor i, xs[i] in [(1, 'p'), (2, 'q')]:\n    pass\n"),
]


@pytest.mark.parametrize("name, body", TARGET_ORDER, ids=[c[0] for c in TARGET_ORDER])
def test_tuple_targets_are_assigned_left_to_right(tmp_path, name, body):
    agree(_body(tmp_path, "hunt_target_order", "xs: list, d: dict", body + "return [xs, d]\n"),
          {"xs": [1, 2, 3], "d": {}})


# F72. A dict display whose keys turn out equal at run time (`{x: 1, y: 2}` with x == y, `{"a": n, "a": n + 1}`,
# `{x: 1, "b": 0}` with x == "b"): Python keeps the last value at the first key's place, JSONata's object
# constructor fails (D1009 "Multiple key definitions evaluate to same key"). Such a display is the $merge of an
# object per pair now; one whose keys are distinct literals is one object as before.
@pytest.mark.parametrize("body", [
    "return {x: 1, y: 2}\n",
    "return list({x: 1, 'b': 0, y: 2})\n",
    "return list({x: 1, 'b': 0, y: 2}.items())\n",
    "return {x: 1, **{y: 2}, x: 3}\n",
    "return {'a': x, 'a': y}\n",
    "return [{x: [1], y: {'k': x}}]\n",
])
@pytest.mark.parametrize("x, y", [("a", "a"), ("a", "b"), ("b", "a")])
def test_a_dict_display_with_a_key_given_twice_keeps_the_last_value(tmp_path, body, x, y):
    agree(_body(tmp_path, "hunt_dict_keys", "x: str, y: str", body), {"x": x, "y": y})


def test_a_dict_display_with_distinct_literal_keys_is_one_object():
    source = _HEAD + "@sfn.workflow\ndef wf(n: int) -> object:\n    return {'a': n, 'b': n + 1}\n"
    result = compile_source(source, "hunt.py", workflow="wf")
    text = str(getattr(result, "definition", result))
    assert "$merge" not in text and '"a": ' in text, text


# F73. A value computed in a try body after its last step (`res.append(r["v"])`, `log.append(10 // w)`) was left
# pending on that step's Task, and the else or finally clause (or the code after the try) folded it into its own
# value (`res.append("else")` became one expression holding both appends), evaluated by a state outside the try's
# handlers: an error of the body escaped `except` (the execution failed where Python caught it) and skipped an inner
# finally. The body's last state assigns such values now (compiler/lower/errors.pin).
BODY_THEN_CLAUSE = [
    ("else", "res = []\nfor x in xs:\n    try:\n        r = step(x)\n        res.append(r['v'])\n    except Exception:\n"
     "        res.append(-1)\n    else:\n        res.append('else')\nreturn res\n"),
    ("finally-break", "log = []\nfor x in xs:\n    try:\n        w = step(x.get('v', 0))\n        log.append(10 // w)\n"
     "    except Exception:\n        log.append('caught')\n        break\n    finally:\n        log.append('f')\n"
     "return log\n"),
    ("inner-finally", "log = []\nfor x in xs:\n    try:\n        try:\n            log.append(10 // step(x.get('v', 0)))\n"
     "        finally:\n            log.append('inner')\n    except Exception:\n        log.append('outer')\n"
     "        continue\n    log.append('after')\nreturn log\n"),
    ("after-the-try", "out = []\nfor x in xs:\n    try:\n        r = step(x)\n        out.append(r['v'] * 2)\n"
     "    except Exception:\n        out.append(None)\n    out.append('next')\nreturn out\n"),
]


@pytest.mark.parametrize("name, body", BODY_THEN_CLAUSE, ids=[c[0] for c in BODY_THEN_CLAUSE])
@pytest.mark.parametrize("xs", [[{"v": 1}, {}, {"v": 2}], [{"v": 5}], []])
def test_a_value_of_the_try_body_is_caught_by_its_handlers(tmp_path, name, body, xs):
    agree(_body(tmp_path, "hunt_body_clause", "xs: list", body), {"xs": xs})


# F74. A string of the workflow holding a placeholder of the definition (`"${FunctionArn}"`,
# `"${StateMachineArn_child}"`) was replaced by the deployment's DefinitionSubstitutions (deploy/template.py,
# cdk/workflow.py; WorkflowTester does the same on the definition's text, which these runs go through), inside
# JSONata strings too: the machine returned the function's ARN where Python returns the text. A JSONata string
# literal writes `${` as `$\u007b` now (jsonata/printer.placeholder_safe), a plain JSON text holding `${` is a JSONata
# literal (codegen), and a state named after such a statement reads `$?{`.
PLACEHOLDER_BODIES = {
    "returned": "return ['${FunctionArn}', n]\n",
    "step-argument": "return step('${FunctionArn}')\n",
    "child-placeholder": "return {'${StateMachineArn_wf}': '${StateMachineArn_wf}' + str(n)}\n",
    "condition": "if str(n) + '${FunctionArn}' == '1${FunctionArn}':\n    return 'yes ${FunctionArn}'\nreturn n\n",
    "caught-message": "try:\n    step(n)\n    raise KeyError('${FunctionArn}')\nexcept KeyError as e:\n    return str(e)\n",
    "raised": "raise ValueError('${FunctionArn}')\n",
    "fail-name": "raise sfn.Fail('${FunctionArn}', '${StateMachineArn_wf}')\n",
}


@pytest.mark.parametrize("body", PLACEHOLDER_BODIES.values(), ids=PLACEHOLDER_BODIES.keys())
def test_a_placeholder_in_a_workflow_string_stays_text(tmp_path, body):
    t = _body(tmp_path, "hunt_placeholder", "n: int", body)
    py, machine = agree(t, {"n": 1})
    assert (py.error, py.cause) == (machine.error, machine.cause)
    assert "arn:" not in repr(machine.output) + repr(machine.cause) + repr(machine.error)


def test_the_deployment_substitutes_only_the_compilers_own_placeholders(tmp_path):
    """The template's DefinitionSubstitutions, applied as CloudFormation does (every `${key}` of a key given),
    change the definition's FunctionName and StateMachineArn fields and nothing else."""
    import json

    from pyawssfn.deploy.source import Machine
    from pyawssfn.deploy.template import TemplateOptions, build_template

    source = _HEAD + ("@sfn.workflow\ndef kid(n: int) -> object:\n    return ['${FunctionArn}', n]\n\n\n"
                      "@sfn.workflow\ndef wf(n: int) -> object:\n    a = step('${StateMachineArn_kid}')\n"
                      "    if a == '${FunctionArn}':\n        raise ValueError('${FunctionArn}')\n"
                      "    return [kid(n), a, '${StateMachineArn_kid}']\n")
    machines = [Machine(w, compile_source(source, "hunt.py", workflow=w).definition, ["kid"] if w == "wf" else [])
                for w in ("kid", "wf")]
    resources = build_template(machines, TemplateOptions(format="sam"))["Resources"]
    own = {"FunctionName": "${FunctionArn}", "StateMachineArn": "${StateMachineArn_kid}"}
    fields = {}
    for rid, props in ((i, r["Properties"]) for i, r in resources.items() if "Definition" in r.get("Properties", {})):
        text = json.dumps(props["Definition"])
        for key in props.get("DefinitionSubstitutions", {}):
            text = text.replace("${" + key + "}", f"<{key}>")
        seen: list[str] = []

        def same(before, after, field=None):
            if isinstance(before, dict):
                assert before.keys() == after.keys()
                for k in before:
                    same(before[k], after[k], k)
            elif isinstance(before, list):
                for b, a in zip(before, after, strict=True):
                    same(b, a)
            elif before != after:
                assert own.get(field) == before, (field, before, after)
                seen.append(field)
        same(props["Definition"], json.loads(text))
        fields[rid] = sorted(set(seen))
    # the parent's Lambda and child fields are substituted; the child, which calls no step, has nothing to substitute
    assert fields == {"StateMachine": ["FunctionName", "StateMachineArn"], "StateMachineKid": []}, fields


# F74 in a service integration's literal parameters (nested too), a Wait's timestamp and a Map's items: no text of
# the workflow keeps a `${` the deployment would substitute; only the compiler's own FunctionName and StateMachineArn
# fields hold placeholders.
def test_no_literal_field_of_the_workflow_keeps_a_placeholder():
    source = _HEAD + (
        "@sfn.workflow\ndef kid(n: int) -> object:\n    return n\n\n\n"
        "@sfn.workflow\ndef wf(day: str) -> object:\n"
        "    run = sfn.run_job('glue:startJobRun', JobName='${FunctionArn}', Arguments={'--day': '${StateMachineArn_x}'})\n"
        "    d = sfn.wait_for_task_token('sqs:sendMessage', token_at='MessageBody.TaskToken', QueueUrl='${FunctionArn}',\n"
        "                                MessageBody={'p': '${FunctionArn}', '${FunctionArn}': 1})\n"
        "    sfn.sleep_until('${FunctionArn}')\n"
        "    r = sfn.map(step, ['${FunctionArn}', day])\n"
        "    return [run, d, r, kid(1), step('${StateMachineArn_kid}')]\n")
    definition = compile_source(source, "hunt.py", workflow="wf").definition
    own = []

    def visit(v, field=None):
        if isinstance(v, dict):
            for k, x in v.items():
                assert "${" not in k, k
                visit(x, k)
        elif isinstance(v, list):
            for x in v:
                visit(x, field)
        elif isinstance(v, str) and "${" in v:
            assert field in ("FunctionName", "StateMachineArn") and v in ("${FunctionArn}",
                                                                         "${StateMachineArn_kid}"), (field, v)
            own.append(field)
    visit(definition)
    assert sorted(set(own)) == ["FunctionName", "StateMachineArn"]
