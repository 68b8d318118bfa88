"""The last pass over a state's fields (compiler/state_simplify.py): what a field evaluated before another has
checked, the later one does not check again; the Output after the Assign, the Assign after the Arguments."""
from __future__ import annotations

from typing import Any

from pyawssfn.compiler import state_simplify
from pyawssfn.compiler.codegen import field_json
from pyawssfn.compiler.ir import Template
from pyawssfn.compiler.state_simplify import within_blocks
from pyawssfn.jsonata.parse import parse
from pyawssfn.jsonata.printer import to_text


def _templates(value: Any) -> Any:
    """ASL JSON with its ``{% %}`` strings as Templates (the fields as codegen hands them to the pass)."""
    if isinstance(value, str) and value.startswith("{%") and value.endswith("%}"):
        return Template(parse(value[2:-2].strip()))
    if isinstance(value, dict):
        return {k: _templates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_templates(v) for v in value]
    return value


def finish_state(d: dict) -> dict:
    return field_json(state_simplify.finish_state(_templates(d)))

GUARD = ('($r := $states.result; $type($r) != "object" ? $error("TypeError: indices must be integers") : '
         '$exists($r.n) ? $r.n : $error("KeyError: \'n\'"))')


def task(**fields) -> dict:
    return {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Arguments": {"x": 1}, **fields}


def test_an_output_does_not_check_again_what_the_assign_checked():
    out = finish_state(task(Assign={"check": "{% " + GUARD + " %}"}, Output="{% " + GUARD + " %}", End=True))
    assert out["Assign"]["check"] == "{% " + GUARD + " %}"  # the Assign still fails as Python does
    assert "$error" not in out["Output"] and "$r.n" in out["Output"]


def test_a_part_of_the_output_is_read_without_its_guards():
    out = finish_state(task(Assign={"check": "{% " + GUARD + " %}"},
                            Output='{% {"a": ' + GUARD + ', "b": $z} %}', End=True))
    assert "$error" not in out["Output"] and '"b": $z' in out["Output"]


def test_a_copy_under_another_binding_of_a_name_it_reads_keeps_its_guards():
    check = '$exists($r.n) ? $r.n : $error("KeyError: \'n\'")'   # $r: the workflow variable
    out = finish_state(task(Assign={"check": "{% " + check + " %}"},
                            Output="{% ($r := $states.result; " + check + ") %}", End=True))
    assert "$error" in out["Output"]   # the block's own $r, not the one the Assign checked


def test_a_catcher_of_the_evaluation_error_keeps_the_guards():
    catcher = {"ErrorEquals": ["States.ALL"], "Output": "{% " + GUARD + " %}", "Next": "handler"}
    out = finish_state(task(Assign={"check": "{% " + GUARD + " %}"}, Catch=[catcher], Next="x"))
    assert "$error" in out["Catch"][0]["Output"]


def test_an_expression_that_changes_from_call_to_call_is_not_taken_as_checked():
    unstable = '$random() < 0.5 ? $error("unlucky") : 1'
    out = finish_state(task(Assign={"check": "{% " + unstable + " %}"}, Output="{% " + unstable + " %}", End=True))
    assert "$error" in out["Output"]


def test_in_a_block_a_later_expression_does_not_check_again_what_an_earlier_one_checked():
    g = '$exists($x.a) ? $x.a : $error("no a")'
    assert to_text(within_blocks(parse(f"({g}; $y or ({g}) = 1)"))) == f"({g}; $y or ($x.a) = 1)"


def test_in_a_block_a_binding_of_a_name_the_guard_reads_ends_what_it_checked():
    g = '$exists($x.a) ? $x.a : $error("no a")'
    assert to_text(within_blocks(parse(f"({g}; $x := {{}}; {g})"))).count("$error") == 2


def test_a_first_choice_checks_the_inputs_once_in_python_order_before_its_test():
    from pyawssfn.compiler import compile_source
    src = ("import pyawssfn as sfn\n\ndef step(a):\n    return a\n\n@sfn.workflow\ndef wf(name, amount):\n"
           "    if amount < 100:\n        return step(name)\n    return step(amount)\n")
    choice = compile_source(src, "flow.py").definition["States"]["if amount < 100"]
    cond = choice["Choices"][0]["Condition"]
    assert "needs name, amount" in cond  # in the parameters' order
    assert cond.index("$exists($states.input.name)") < cond.index("$exists($states.input.amount)") \
        < cond.index("< 100")
    assert "$error" not in str([rule.get("Assign") for rule in choice["Choices"]])  # (handed over: none)


def test_a_binding_read_once_of_a_plain_path_is_inlined():
    from pyawssfn.compiler.state_simplify import inline_single_use
    assert to_text(inline_single_use(parse("($r := $states.result; $r.Details)"))) == "$states.result.Details"
    for kept in ("($r := $states.result; [$r.a, $r.b])",       # read twice
                 "($r := $f(1); $r.a)",                          # not a path: it may fail, or differ
                 "($r := $states.result; function($x) { $r })",  # inside a function
                 "($r := $states.result; $r := 1; $r)",          # bound again
                 "($r := $x.a; $x := 2; $r)",                    # its variable bound again
                 "($r := $states.result; $y.$r)",                # a step of a path
                 "($r := $; $r.a)"):                             # the context, not a variable
        assert to_text(inline_single_use(parse(kept))) == to_text(parse(kept)), kept
