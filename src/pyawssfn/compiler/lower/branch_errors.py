"""How an error of a Parallel branch's own expressions leaves the branch: as ``QueryEvaluationError``, on both
engines the tests run.

A failing expression (a guard's ``$error``, an undefined value) fails the state that evaluates it with
``States.QueryEvaluationError`` (``States.Runtime`` on LocalStack). Out of a Task, Map or Parallel of the workflow
itself that is the error the execution ends with, or that a Catch sees. Out of a branch it is not: LocalStack
re-raises a branch's error as a user error name, which refuses the ``States.`` prefix, so its Parallel fails with
``States.Runtime`` that its Catch does not see, where ours catches the error itself (tests/engines known.py,
``branch-states-error-refused``). A compiled machine must not depend on that (issue #9), so the branch is lowered
as if inside ``try: ... except <expression error>: raise QueryEvaluationError(cause)``:

* the branch is a cover (errors.settle): a value that can fail is evaluated where a Catch sees it, a Task's or
  Map's own fields or the ``Assign`` of a Map over no items, never a Pass's or Choice's;
* each such state catches the expression errors (both engines' names) and fails the branch through one Fail state,
  ``QueryEvaluationError`` with the cause as it came; a state none of whose fields can fail keeps no such Catch;
* an error the branch raises again (a bare ``raise``, after a ``finally``) leaves through one Fail state too, an
  expression error named so, any other reserved name without its prefix (error_names.branch_fail_error);
* a ``raise`` whose name or message can fail evaluates them first, under the branch's cover.

So the Parallel fails with ``QueryEvaluationError`` on both engines, and a handler around it sees that; the
plain-Python run names an expression error that leaves a branch the same (error_names.left_branch)."""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from pyawssfn.compiler.error_names import BRANCH_EXPRESSION_ERROR, EXPRESSION_ERRORS, branch_fail_error
from pyawssfn.compiler.ir import Catcher, Exit, Fail, Node, can_fail, field_strings
from pyawssfn.compiler.lower import errors
from pyawssfn.compiler.lower.nonlocalcontrol import Destination, NonlocalControl
from pyawssfn.compiler.lower.support import paren

if TYPE_CHECKING:
    from pyawssfn.compiler.lower.builder import FunctionLowerer

EXPRESSION_FAIL = "expression failed (leaving the branch)"
RERAISE_FAIL = "raised again (leaving the branch)"


class BranchNonlocalControl(NonlocalControl):
    """The body of a Parallel branch (inside the base control of its builder)."""

    def __init__(self, var: str):
        self.var = var                                # holds an error the branch raises again
        self.raised: list[Exit] = []                  # the exits that raise it
        self.catchers: list[tuple[Node, Catcher]] = []
        self.fail: Fail | None = None

    def cover(self) -> Any:
        return (self, "branch")

    def gen_catch(self, builder: FunctionLowerer, node: Node, pre_env: dict[str, str]) -> None:
        if self.fail is None:
            self.fail = Fail(EXPRESSION_FAIL, builder.fn_line(), error=BRANCH_EXPRESSION_ERROR,
                             cause="{% $states.input.Cause %}")
        c = Catcher(list(EXPRESSION_ERRORS), next=self.fail, output="$states.errorOutput")
        node.catch.append(c)
        self.catchers.append((node, c))
        self.outer.gen_catch(builder, node, pre_env)  # a step's timeout (errors.leave_branch)

    def dynamic_routes(self, rules: list[tuple[list[str], Destination, bool]]) -> Destination | None:
        return (self.var, self.raised)

    def gen_raise(self, builder: FunctionLowerer, cls: str, err: ast.expr, cause: ast.expr, name: str,
                  line: int) -> None:
        """A Fail state has no Catch: a name or message that can fail is evaluated first, where one is."""
        values = []
        for value in (err, cause):
            if any(can_fail(builder.render(value, ex.env)) for ex in builder.frontier):
                tmp = builder.fresh("raised")
                for ex in builder.frontier:
                    ex.env[tmp] = builder.render(value, ex.env)
                value = builder.var_name(tmp)
            values.append(value)
        errors.settle(builder)
        self.outer.gen_raise(builder, cls, values[0], values[1], name, line)

    def finish(self, builder: FunctionLowerer) -> None:
        """After the branch is lowered: add the Fail states that the errors raised again and the states that can
        fail leave through, and drop the Catch of every state none of whose fields can fail."""
        if self.raised:  # first: the error object may be evaluated in a state of its own, which catches too
            builder.frontier = self.raised
            source = paren(builder.render(builder.var_name(self.var), {}))
            n = Fail(RERAISE_FAIL, builder.fn_line(), error="{% " + branch_fail_error(source + ".Error") + " %}",
                     cause="{% " + source + ".Cause %}")
            builder.connect(n)
            builder.frontier = []
        kept = False
        for node, c in self.catchers:
            if _can_fail(node) and not _caught_before(node, c):
                kept = True
            else:
                node.catch[:] = [k for k in node.catch if k is not c]  # type: ignore[attr-defined]
        if kept:
            builder.graph.nodes.append(self.fail)


def _caught_before(node: Node, mine: Catcher) -> bool:
    """Whether an earlier Catch of ``node`` takes every expression error (a child workflow's raises them again)."""
    for c in node.catch:  # type: ignore[attr-defined]
        if c is mine:
            return False
        if "States.ALL" in c.errors or set(EXPRESSION_ERRORS) <= set(c.errors):
            return True
    return False


def _can_fail(node: Node) -> bool:
    texts: list[str] = []
    field_strings(node.templates(), texts)
    codes = [t.strip()[2:-2] for t in texts if t.strip().startswith("{%") and t.strip().endswith("%}")]
    codes += list(node.assign.values()) + ([node.output] if node.output else [])
    return any(can_fail(c) for c in codes)
