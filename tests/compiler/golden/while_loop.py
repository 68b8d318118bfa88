import pyawssfn as sfn


def double(x):
    return x * 2


@sfn.workflow
def wf(limit):
    i = 0
    acc = []
    while i < limit:
        i += 1
        if i == 2:
            continue
        if i == 7:
            break
        acc.append(double(i))
    else:
        acc.append("done")
    return {"i": i, "acc": acc}
