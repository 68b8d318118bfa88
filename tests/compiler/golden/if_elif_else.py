import pyawssfn as sfn


def double(x):
    return x * 2


@sfn.workflow
def wf(x):
    label = "none"
    if x < 0:
        label = "neg"
    elif x == 0:
        label = "zero"
    elif x > 10:
        label = double(x)
    else:
        y = double(x)
        label = "small " + str(y)
    return label
