"""Dead assignments by liveness on the state graph (compiler/liveness.py): an Assign entry that every path writes
again before reading is dropped; one that a path reads, or whose expression can fail, stays."""
from __future__ import annotations

from pyawssfn.compiler.codegen import generate
from pyawssfn.compiler.ir import Choice, Graph, Pass, Rule, Succeed
from pyawssfn.jsonata.parse import parse as P


def _states(graph: Graph) -> dict:
    definition, _ = generate(graph, "test")
    return definition["States"]


def _diamond(read_on_left: bool) -> Graph:
    """start assigns a; both branches of a Choice assign a again (the left one reads it first when asked)."""
    end = Succeed("end", 9, output=P("$a"))
    left = Pass("left", 3, assign={"a": P("$a + 1" if read_on_left else "1")}, next=end)
    right = Pass("right", 4, assign={"a": P("2")}, next=end)
    choice = Choice("if", 2, rules=[Rule(P("$b = true"), left)], default=right)  # not a whole read: b stays a variable (handover.py)
    start = Pass("start", 1, assign={"a": P("0"), "b": P("$states.input.b")}, next=choice)
    return Graph([start, choice, left, right, end], start)


def test_an_assignment_every_path_overwrites_before_reading_is_dropped():
    assert _states(_diamond(read_on_left=False))["start"]["Assign"] == {"b": "{% $states.input.b %}"}


def test_an_assignment_one_path_reads_stays():
    assert _states(_diamond(read_on_left=True))["start"]["Assign"] == {"a": 0, "b": "{% $states.input.b %}"}


def test_an_assignment_that_can_fail_stays_though_nothing_reads_it():
    end = Succeed("end", 2, output=P("1"))
    start = Pass("start", 1, assign={"a": P('$error("ValueError: no")')}, next=end)
    assert "a" in _states(Graph([start, end], start))["start"]["Assign"]


def test_a_loop_back_edge_keeps_what_the_next_iteration_reads():
    done = Succeed("done", 9, output=P("$n"))
    head = Choice("while", 2, default=done)
    body = Pass("body", 3, assign={"n": P("$n + 1")}, next=head)
    head.rules = [Rule(P("$n < 3"), body)]
    start = Pass("start", 1, assign={"n": P("0")}, next=head)
    states = _states(Graph([start, head, body, done], start))
    assert states["start"]["Assign"] == {"n": 0} and states["body"]["Assign"] == {"n": "{% $n + 1 %}"}


def _returning_task(errors: list[str]):
    from pyawssfn.compiler.ir import Catcher, Fail, Task
    handler = Fail("handler", 5, error="E", cause="c")
    value = P('$type($states.result.Payload) = "number" ? $states.result.Payload + 1 : $error("TypeError: no")')
    task = Task("call", 1, resource="arn:aws:states:::lambda:invoke", arguments={"FunctionName": "f"},
                catch=[Catcher(errors, next=handler)], assign={"check": value}, output=value, end=True)
    return _states(Graph([task, handler], task))["call"]


def test_a_check_the_output_repeats_is_dropped_when_no_catcher_would_catch_its_error():
    assert "Assign" not in _returning_task(["MyError"])   # the Output's error is uncaught on every engine


def test_a_check_stays_where_a_catcher_would_catch_the_expression_error():
    assert "check" in _returning_task(["States.ALL"])["Assign"]


def _catching(value: str):
    from pyawssfn.compiler.ir import Catcher, Fail, Task
    handler = Fail("handler", 5, error="E", cause="c")
    task = Task("call", 1, resource="arn:aws:states:::lambda:invoke", arguments={"FunctionName": "f"},
                catch=[Catcher(["MyError"], next=handler, assign={"e": P(value)})], end=True)
    return _states(Graph([task, handler], task))["call"]["Catch"][0]


def test_an_unread_caught_exception_goes_though_parsing_its_cause_could_fail():
    parsed = '($c := $states.errorOutput.Cause; $substring($c, 0, 1) = "{" ? $parse($c).errorMessage : $c)'
    assert "Assign" not in _catching(parsed)


def test_an_unread_catcher_entry_that_evaluates_a_workflow_value_stays():
    assert "e" in _catching('$x + $states.errorOutput.Cause')["Assign"]


def test_an_unread_python_expression_of_the_exception_stays():
    # `n = 1 / len(str(e))`: Python raises ZeroDivisionError on an empty message, the machine must too
    value = '($l := $length($states.errorOutput.Cause); $l = 0 ? $error("ZeroDivisionError: division by zero") : 1 / $l)'
    assert "e" in _catching(value)["Assign"]
