"""The local ASL executor: runs a state machine definition in-process on a virtual clock, as AWS would.

The names below are loaded on first use: the JSONata engine and the validator import ``pyawssfn.local.errors``, and
that must not load the executor and its report (rich) into ``pyawssfn compile``."""
from __future__ import annotations

from typing import TYPE_CHECKING

from pyawssfn._lazy import lazy_getattr

_HOMES = {
    "CallbackResult": "callbacks", "StatesError": "errors", "DefinitionError": "executor", "Execution": "executor",
    "Executor": "executor", "InvalidExecutionInput": "executor", "run_definition": "executor",
    "MockFormatError": "mocks", "load_mocks": "mocks", "execution_summary": "report", "render_timeline": "report",
}

__all__ = ["CallbackResult", "DefinitionError", "Execution", "Executor", "InvalidExecutionInput", "MockFormatError",
           "StatesError",
           "execution_summary", "load_mocks", "render_timeline", "run_definition"]

if TYPE_CHECKING:
    from pyawssfn.local.callbacks import CallbackResult
    from pyawssfn.local.errors import StatesError
    from pyawssfn.local.executor import DefinitionError, Execution, Executor, InvalidExecutionInput, run_definition
    from pyawssfn.local.mocks import MockFormatError, load_mocks
    from pyawssfn.local.report import execution_summary, render_timeline


__getattr__ = lazy_getattr(__name__, _HOMES, globals())


def __dir__():
    return sorted(set(globals()) | set(__all__))
