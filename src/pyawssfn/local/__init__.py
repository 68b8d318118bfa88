"""The local ASL executor: runs a state machine definition in-process on a virtual clock, as AWS would."""
from pyawssfn.local.callbacks import CallbackResult
from pyawssfn.local.errors import StatesError
from pyawssfn.local.executor import DefinitionError, Execution, Executor, InvalidExecutionInput, run_definition
from pyawssfn.local.mocks import MockFormatError, load_mocks
from pyawssfn.local.report import execution_summary, render_timeline

__all__ = ["CallbackResult", "DefinitionError", "Execution", "Executor", "InvalidExecutionInput", "MockFormatError",
           "StatesError",
           "execution_summary", "load_mocks", "render_timeline", "run_definition"]
