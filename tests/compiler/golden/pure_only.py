from pyawssfn import workflow


@workflow
def wf(a):
    return a + 1
