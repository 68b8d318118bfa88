"""One handler per state type: ``execute(sx) -> (next_name | None, output, output_text)``."""
from pyawssfn.local.states import choice, fail, map_, parallel, pass_, succeed, task, wait

HANDLERS = {
    "Pass": pass_.execute,
    "Task": task.execute,
    "Choice": choice.execute,
    "Wait": wait.execute,
    "Succeed": succeed.execute,
    "Fail": fail.execute,
    "Parallel": parallel.execute,
    "Map": map_.execute,
}
