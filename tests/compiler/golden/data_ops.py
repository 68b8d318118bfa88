import pyawssfn as sfn


def double(x):
    return x * 2


@sfn.workflow
def wf(d):
    d["new"] = double(2)
    d["n"]["k"] = 1
    xs = [1]
    xs += [2]
    xs.append([3])
    a, (b, c) = [1, [2, 3]]
    a, b = b, a
    d["xs"] = xs
    d["swap"] = [a, b, c]
    return d
