import pyawssfn as sfn


class AppError(Exception):
    pass


def fetch(key):
    return {"key": key}


@sfn.workflow
def wf(key):
    log = []
    try:
        r = fetch(key)
    except LookupError as e:
        log.append("lookup " + type(e).__name__)
        r = None
    except (AppError, ValueError) as e:
        log.append("app: " + str(e))
        raise
    else:
        log.append("fine")
    return {"r": r, "log": log}
