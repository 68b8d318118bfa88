import pyawssfn as sfn


def ask_approval(token, who):
    return None


@sfn.workflow
def wf(who, delay=30):
    sfn.sleep(delay)
    sfn.sleep_until("2030-01-01T00:00:00Z")
    answer = sfn.wait_for_callback(ask_approval, who, timeout=3600, heartbeat=60)
    return answer
