"""The local ASL executor: runs a state machine definition in-process on a virtual clock, as AWS would.

The names below are loaded on first use: the JSONata engine and the validator import ``pyawssfn.local.errors``, and
that must not load the executor and its report (rich) into ``pyawssfn compile``."""
from __future__ import annotations

import importlib
import importlib.util
from typing import TYPE_CHECKING

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


def __getattr__(name: str):
    home = _HOMES.get(name)
    if home is None:
        # A submodule read as an attribute (`pyawssfn.local.executor` after `import pyawssfn.local`), as when this
        # package imported its modules eagerly.
        if name.startswith("_") or importlib.util.find_spec(f"{__name__}.{name}") is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        return importlib.import_module(f"{__name__}.{name}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
