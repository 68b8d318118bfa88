"""raise, try/except/else/finally, exception hierarchies and handlers that raise."""
import pyawssfn as sfn


class AppError(Exception):
    pass


class NotFound(AppError):
    pass


class Invalid(AppError):
    pass


class Other(Exception):
    pass


def check(x):
    if x == "notfound":
        raise NotFound(f"no {x}")
    if x == "invalid":
        raise Invalid("bad value")
    if x == "other":
        raise Other("other problem")
    if x == "key":
        return {}["missing"]
    if x == "index":
        return [][3]
    if x == "value":
        return int("nope")
    if x == "fail":
        raise sfn.Fail("Custom.Error", "from a step")
    return x.upper()


def record(tag):
    return f"cleanup:{tag}"


@sfn.workflow
def raises(kind):
    if kind == "fail":
        raise sfn.Fail("Workflow.Failed", "it failed")
    if kind == "fail_expr":
        raise sfn.Fail("Dyn." + kind, f"cause {kind}")
    if kind == "module":
        raise NotFound("nothing here")
    if kind == "builtin":
        raise ValueError("bad")
    return check(kind)


@sfn.workflow
def handlers(kind):
    log = []
    try:
        r = check(kind)
        log.append("ok")
    except NotFound as e:
        r = "nf:" + str(e)
    except (Invalid, Other) as e:
        r = type(e).__name__ + "|" + str(e)
    except LookupError as e:
        r = "lookup:" + type(e).__name__
    else:
        log.append("else")
    finally:
        log.append("finally")
    return {"r": r, "log": log}


@sfn.workflow
def base_catches(kind):
    try:
        r = check(kind)
    except AppError as e:
        return {"app": type(e).__name__, "msg": str(e)}
    except Exception as e:
        return {"any": type(e).__name__}
    return {"r": r}


@sfn.workflow
def reraise(kind):
    try:
        r = check(kind)
    except AppError:
        if kind == "invalid":
            raise
        r = "handled"
    return r


@sfn.workflow
def raise_in_handler(kind):
    try:
        try:
            r = check(kind)
        except NotFound as e:
            raise Invalid("converted: " + str(e))
        except sfn.Fail as e:
            raise sfn.Fail("Wrapped", e.error + "/" + e.cause)
    except Invalid as e:
        r = "outer:" + str(e)
    return r


@sfn.workflow
def raise_in_try(n):
    out = []
    try:
        out.append("start")
        if n > 2:
            raise Invalid(f"n={n}")
        out.append(check("x"))
    except Invalid as e:
        out.append(str(e))
    return out


@sfn.workflow
def finally_paths(xs):
    log = []
    for x in xs:
        try:
            if x == "skip":
                continue
            if x == "stop":
                break
            if x == "ret":
                return list(log)
            log.append(check(x))
        finally:
            log.append("f")
    return log


@sfn.workflow
def finally_reraises(kind):
    log = []
    try:
        try:
            check(kind)
        finally:
            log.append(record(kind))
    except AppError as e:
        log.append("caught " + str(e))
    return log


@sfn.workflow
def expression_errors(d, k):
    try:
        v = d[k]
    except KeyError:
        v = "missing"
    return v
