import pyawssfn as sfn


def status(job):
    return "done"


@sfn.workflow
def wf(job):
    polls = 0
    while status(job) != "done":
        polls += 1
        sfn.sleep(10)
    return polls
