import pyawssfn as sfn


def work(x):
    return x


def cleanup(x):
    return None


@sfn.workflow
def wf(x):
    try:
        if x > 1:
            return work(x)
        y = work(x + 1)
    finally:
        cleanup(x)
    return y
