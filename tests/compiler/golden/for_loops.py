import pyawssfn as sfn


def double(x):
    return x * 2


@sfn.workflow
def wf(xs, d):
    out = []
    for x in xs:
        out.append(double(x))
    for i in range(0, 10, 3):
        out.append(i)
    for k, v in d.items():
        out.append([k, v])
    for i, x in enumerate(xs):
        if x > 2:
            break
    else:
        out.append("all small")
    return {"out": out, "last": x}
