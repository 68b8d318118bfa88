# workflow: parent
import pyawssfn as sfn


@sfn.workflow
def child(x, y=1):
    return x + y


@sfn.workflow
def parent(x):
    r = child(x, y=2)
    return r * 2
