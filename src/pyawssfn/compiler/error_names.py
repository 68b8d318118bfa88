"""The error name a compiled Fail state reports, and what the plain-Python run reports to match it.

An error that nothing catches ends the execution as it is, with no Fail state (States.* names included). A Fail
state whose Error is computed (a re-raise after ``finally``, a bare ``raise`` in a handler,
``raise sfn.Fail(e.error, ...)``) can be handed a name Step Functions reserves: a step that
timed out (``States.Timeout``), a Lambda result over the quota (``States.DataLimitExceeded``), an expression that
failed (``States.QueryEvaluationError``). AWS documents that such names "can't begin with the States. prefix"
(Handling errors in Step Functions workflows, "Error names"), and LocalStack refuses them at run time; what AWS does
with a computed one is not documented. A compiled machine must not depend on it (issue #9), so:

* an expression error is raised again as an expression error (``$error`` of its cause): the execution fails as it
  would where no Catch is (a Pass or Choice state), with the engine's own name for it;
* any other reserved name is reported without the prefix: a caught timeout raised again ends the execution with
  ``Timeout``, its cause unchanged. The plain-Python run reports the name as it is (``States.Timeout``), and the
  comparison takes a reserved name and the same name without the prefix for one report (``error_as_reported``).

Catchers and handlers still see the original name (``e.error == "States.Timeout"``): only what ends the execution
is renamed, and what leaves a Parallel branch or Map iteration (``BRANCH_RENAMED``)."""
from __future__ import annotations

from pyawssfn.compiler.expressions.build import T
from pyawssfn.jsonata.tree import Expr, Str, lit

RESERVED = "States."
# the names a thrown JSONata error has: ours (and AWS's documentation), and LocalStack's
EXPRESSION_ERRORS = ("States.QueryEvaluationError", "States.Runtime")


def fail_error(error: Expr, cause: Expr) -> Expr:
    """JSONata for a Fail state's Error that reports the error named by ``error`` (its cause ``cause``, raised again
    when it is an expression error)."""
    return T("($n := $0; $n in $1 ? $error($2) : $substring($n, 0, $3) = $4 ? $substring($n, $3) : $n)",
             error, lit(list(EXPRESSION_ERRORS)), cause, lit(len(RESERVED)), Str(RESERVED))


# The reserved names a state of a Parallel branch or Map iteration can fail with that a Catch can see: a Task's
# timeouts, an error of the branch's own expressions, a result over the size quota. Both engines must agree on the
# branch's error, and LocalStack refuses a States.* name out of a branch (tests/engines known.py,
# branch-states-error-refused; AWS documents the Parallel failing with it): the branch catches them and fails with
# the name without its prefix, as a Fail state reports it (``left_branch``): a timeout as ``Timeout``, a failing
# expression as ``QueryEvaluationError`` (on both engines, whatever each names a thrown JSONata error), the quota as
# ``DataLimitExceeded``, a Distributed Map's tolerance as ``ExceedToleratedFailureThreshold`` (the last three where
# a handler or finally around the Parallel or Map could see them:
# lower/branch_errors.py; elsewhere the execution ends with the error as it is, which ``error_as_reported`` takes
# for the same report).
DATA_LIMIT = "States.DataLimitExceeded"
THRESHOLD = "States.ExceedToleratedFailureThreshold"  # a Distributed Map's, beyond its tolerated failures
BRANCH_RENAMED = ("States.Timeout", "States.HeartbeatTimeout", "States.QueryEvaluationError", DATA_LIMIT, THRESHOLD)
BRANCH_EXPRESSION_ERROR = "QueryEvaluationError"


def left_branch(error: str) -> str:
    """The name an error leaving a branch or Map iteration has in the workflow (the plain-Python run's side)."""
    return error[len(RESERVED):] if error in BRANCH_RENAMED else error


def left_branch_names() -> tuple[str, str]:
    """The names of a failed expression and of the size quota out of a branch, whose causes are worded differently
    by design (as their States.* names' are: comparison.py)."""
    return BRANCH_EXPRESSION_ERROR, left_branch(DATA_LIMIT)


def branch_fail_error(error: Expr) -> Expr:
    """JSONata for the Error of the Fail state that ends a Parallel branch with the error named by ``error`` (an
    expression error caught in the branch, or an error the branch raises again): an expression error (either
    engine's name for it) as ``QueryEvaluationError``, any other reserved name without its prefix."""
    return T("($n := $0; $n in $1 ? $2 : $substring($n, 0, $3) = $4 ? $substring($n, $3) : $n)",
             error, lit(list(EXPRESSION_ERRORS)), Str(BRANCH_EXPRESSION_ERROR), lit(len(RESERVED)), Str(RESERVED))


def error_as_reported(error: str | None) -> str | None:
    """The name a failed execution reports for ``error`` when a compiled Fail state ends it (the plain-Python run's
    side of ``fail_error``; an expression error keeps its name, as the machine raises it again)."""
    if error == BRANCH_EXPRESSION_ERROR:
        # an expression error out of a Parallel branch: renamed where a handler or finally around the Parallel
        # could see it, as it is where nothing does (lower/branch_errors.py); the plain-Python run renames it always
        return EXPRESSION_ERRORS[0]
    if error is None or not error.startswith(RESERVED) or error in EXPRESSION_ERRORS:
        return error
    return error[len(RESERVED):]
