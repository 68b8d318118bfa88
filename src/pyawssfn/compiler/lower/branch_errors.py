"""How an error of a Parallel branch's own expressions, or a result over the size quota, leaves the branch: as
``QueryEvaluationError`` or ``DataLimitExceeded``, on both engines the tests run.

A failing expression (a guard's ``$error``, an undefined value) fails the state that evaluates it with
``States.QueryEvaluationError`` (``States.Runtime`` on LocalStack); a Task, Map or Parallel whose result is over
256 KB fails with ``States.DataLimitExceeded`` (on both). Out of a state of the workflow itself that is the error
the execution ends with, or that a Catch sees. Out of a branch it is not: LocalStack re-raises a branch's error as
a user error name, which refuses the ``States.`` prefix, so its Parallel fails with ``States.Runtime`` that its
Catch does not see, where ours catches the error itself (tests/engines known.py, ``branch-states-error-refused``).
A compiled machine must not depend on that (issue #9), so where a handler or ``finally`` around the Parallel could
see the error, the branch is lowered as if inside ``try: ... except <those errors>: raise <the name without
States.>``:

* the branch is a cover (errors.settle): a value that can fail is evaluated where a Catch sees it, a Task's or
  Map's own fields or the ``Assign`` of a Map over no items, never a Pass's or Choice's;
* each such state catches the expression errors (both engines' names), each state with a result the size quota,
  a Distributed Map with a tolerance its threshold and a Task with a timeout its timeouts, in one Catch, and fails
  the branch through one Fail state, ``QueryEvaluationError``, ``DataLimitExceeded``,
  ``ExceedToleratedFailureThreshold`` or ``Timeout``, with the cause as it came (error_names.branch_fail_error,
  computed only when the branch can fail with more than one of them); a state that can do none of these keeps no
  such Catch;
* an error the branch raises again (a bare ``raise``, after a ``finally``) leaves through one Fail state too, named
  the same way;
* a ``raise`` whose name or message can fail evaluates them first, under the branch's cover.

So the Parallel fails with that name on both engines, and a handler around it sees it; the plain-Python run names
the error that leaves a branch the same (error_names.left_branch). Where nothing around the Parallel could see it,
the branch is lowered as it is (no state more): the execution ends with the error, each engine naming it its own
way (known.py ``branch-states-error-uncaught``). An inline Map's item is one Task whose arguments cannot fail; a
covered Map's item catches its result's size quota the same way (``leave_item``)."""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from pyawssfn.compiler.expressions.build import T
from pyawssfn.compiler.error_names import DATA_LIMIT, EXPRESSION_ERRORS, THRESHOLD, branch_fail_error, left_branch
from pyawssfn.compiler.ir import (
    Catcher, Exit, Fail, Graph, Map, Node, Parallel, Task, Template, can_fail, field_templates,
)
from pyawssfn.compiler.lower import errors
from pyawssfn.compiler.lower.nonlocalcontrol import Destination, NonlocalControl
from pyawssfn.compiler.lower.support import paren
from pyawssfn.jsonata.tree import Dot, Expr, Name, path

if TYPE_CHECKING:
    from pyawssfn.compiler.lower.builder import FunctionLowerer

BRANCH_FAIL = "failed (leaving the branch)"
RERAISE_FAIL = "raised again (leaving the branch)"
ITEM_FAIL = "over the size quota (leaving the item)"


class BranchNonlocalControl(NonlocalControl):
    """The body of a Parallel branch (inside the base control of its builder)."""

    def __init__(self, var: str):
        self.var = var                                # holds an error the branch raises again
        self.raised: list[Exit] = []                  # the exits that raise it
        self.catchers: list[tuple[Node, Catcher]] = []
        self.fail: Fail | None = None

    def cover(self) -> Any:
        return (self, "branch")

    def gen_catch(self, builder: FunctionLowerer, node: Node, pre_env: dict[str, Expr]) -> None:
        if self.fail is None:
            self.fail = Fail(BRANCH_FAIL, builder.fn_line(), error=Template(branch_fail_error(
                path("states", "input", "Error"))), cause=Template(path("states", "input", "Cause")))
        c = Catcher([], next=self.fail, output=path("states", "errorOutput"))  # which errors: known once lowered (finish)
        node.catch.append(c)  # type: ignore[attr-defined]
        self.catchers.append((node, c))
        # and not the base control's errors.leave_branch: a step's timeout leaves through this Fail state too

    def dynamic_routes(self, rules: list[tuple[list[str], Destination, bool]]) -> Destination | None:
        return (self.var, self.raised)

    def gen_raise(self, builder: FunctionLowerer, cls: str, err: ast.expr, cause: ast.expr, name: str,
                  line: int) -> None:
        """A Fail state has no Catch: a name or message that can fail is evaluated first, where one is; a computed
        name leaves through the Fail state of the errors raised again, which names it as a branch must."""
        if not (isinstance(err, ast.Constant) and isinstance(err.value, str)):
            from pyawssfn.compiler.lower import controlflow
            controlflow.route(builder, self.raised, self.var, err, cause)
            return
        cause = caught_first(builder, cause, "raised")
        errors.settle(builder)
        self.outer.gen_raise(builder, cls, err, cause, name, line)

    def finish(self, builder: FunctionLowerer) -> None:
        """After the branch is lowered: add the Fail states that the errors raised again and the states that can
        fail leave through, and drop the Catch of every state none of whose fields can fail."""
        if self.raised:  # first: the error object may be evaluated in a state of its own, which catches too
            builder.frontier = self.raised
            source = paren(builder.render(builder.var_name(self.var), {}))
            n = Fail(RERAISE_FAIL, builder.fn_line(), error=Template(branch_fail_error(Dot(source, Name("Error")))),
                     cause=Template(Dot(source, Name("Cause"))))
            builder.connect(n)
            builder.frontier = []
        kept = False
        for node, c in self.catchers:
            names = (list(EXPRESSION_ERRORS) if _can_fail(node) else []) + _reserved_errors(node)
            c.errors = [n for n in names if not _caught_before(node, c, n)]
            if c.errors:
                kept = True
            else:
                node.catch[:] = [k for k in node.catch if k is not c]  # type: ignore[attr-defined]
        if kept and self.fail is not None:
            leaving = {left_branch(n if n not in EXPRESSION_ERRORS else EXPRESSION_ERRORS[0])
                       for _, c in self.catchers for n in c.errors}
            if len(leaving) == 1:  # one name: no need to compute it
                self.fail.error = leaving.pop()
            builder.graph.nodes.append(self.fail)


def caught_first(builder: FunctionLowerer, value: ast.expr, hint: str, check=None, always: bool = False) -> ast.expr:
    """``value`` for a state without a Catch (a Fail, a Wait): under a cover, when it can fail (or ``always``), it
    is evaluated first into a variable (by a state that catches, errors.settle) and the variable is what the state
    reads. ``check`` (code -> code) adds the state's own check of the value there too."""
    if builder.cover() is None or not (always or any(can_fail(builder.render(value, ex.env))
                                                     for ex in builder.frontier)):
        return value
    tmp = builder.fresh(hint)
    for ex in builder.frontier:
        code = builder.render(value, ex.env)
        ex.env[tmp] = check(code) if check else code
    return builder.var_name(tmp)


def caught_wait(builder: FunctionLowerer, value: ast.expr, seconds: bool) -> ast.expr:
    """A Wait's Seconds (or Timestamp) that can fail inside a try or a covered branch: evaluated first where caught,
    with the Wait's own check of the seconds (a whole number >= 0, as sfn.sleep checks it), so that an invalid
    value is caught there too. In a covered branch every Seconds but a literal is checked so (a Wait's failure would
    leave the branch as States.QueryEvaluationError, which LocalStack refuses); elsewhere a value that cannot fail
    is the Wait's to check (docs/known-issues.md)."""
    def whole(code: Expr) -> Expr:
        return T('($w := $0; $type($w) = "number" and $w >= 0 and $w = $floor($w) ? $w : '
                 '$error("sfn.sleep needs a whole number of seconds >= 0"))', code)
    in_branch = seconds and not isinstance(value, ast.Constant) and \
        any(isinstance(c, BranchNonlocalControl) for c in builder.control)
    return caught_first(builder, value, "wait_for", whole if seconds else None, always=in_branch)


def leave_item(graph: Graph, node: Node, line: int) -> None:
    """The Task of a covered Map's item catches its result's size quota and fails the item without the prefix."""
    fail = Fail(ITEM_FAIL, line, error=DATA_LIMIT[len("States."):], cause=Template(path("states", "input", "Cause")))
    graph.nodes.append(fail)
    node.catch.append(Catcher([DATA_LIMIT], next=fail, output=path("states", "errorOutput")))  # type: ignore[attr-defined]


def _caught_before(node: Node, mine: Catcher, name: str) -> bool:
    """Whether an earlier Catch of ``node`` takes the error ``name`` (a child workflow's raises them again)."""
    for c in node.catch:  # type: ignore[attr-defined]
        if c is mine:
            return False
        if "States.ALL" in c.errors or name in c.errors:
            return True
    return False


def _reserved_errors(node: Node) -> list[str]:
    """The reserved names ``node`` may fail with besides an expression's: a result over the size quota (a Map over
    no items has []: it cannot), a Distributed Map's tolerance, a Task's timeouts (as errors.leave_branch names
    them in a branch that nothing covers)."""
    if not isinstance(node, (Task, Parallel, Map)) or isinstance(node, Map) and node.items == []:
        return []
    tolerant = isinstance(node, Map) and node.distributed and (node.tolerated_failure_count is not None or
                                                               node.tolerated_failure_percentage is not None)
    timeouts = [n for n, on in (("States.Timeout", getattr(node, "timeout", None) is not None),
                                ("States.HeartbeatTimeout", getattr(node, "heartbeat", None) is not None)) if on]
    return [DATA_LIMIT] + ([THRESHOLD] if tolerant else []) + (timeouts if isinstance(node, Task) else [])


def _can_fail(node: Node) -> bool:
    codes: list[Expr] = []
    field_templates(node.templates(), codes)
    codes += list(node.assign.values()) + ([node.output] if node.output else [])
    return any(can_fail(c) for c in codes)
