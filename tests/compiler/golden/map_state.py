import pyawssfn as sfn


def fetch(url, timeout=3):
    return url


@sfn.workflow
def wf(urls):
    pages = sfn.map(fetch, urls, max_concurrency=4)
    short = [fetch(u, timeout=1) for u in urls if len(u) < 10]
    big = sfn.map(fetch, urls, distributed=True, tolerated_failures=2)
    return [pages, short, big]
