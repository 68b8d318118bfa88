import pyawssfn as sfn


@sfn.workflow
def wf(x):
    if x > 1:
        raise sfn.Fail("TooBig", "x is " + str(x))
    if x < 0:
        raise ValueError("negative")
    return x
