"""Data munging in the workflow body: dicts, lists, f-strings, comprehensions, min/max/sorted/round."""
import pyawssfn as sfn


def get_readings(sensor):
    return [{"t": i, "v": (i * 37 + len(sensor)) % 11 - 3} for i in range(6)]


@sfn.workflow
def munge(sensors, scale=1.5, top=2):
    summary = {}
    for name in sensors:
        rs = get_readings(name)
        vals = [r["v"] for r in rs]
        pos = [v for v in vals if v > 0]
        summary[name] = {
            "min": min(vals), "max": max(vals),
            "mean": round(sum(vals) / len(vals), 2),
            "scaled": [round(v * scale, 1) for v in pos],
            "label": f"{name.upper()}:{len(pos)}/{len(vals)}",
        }
    ranked = sorted([[summary[k]["max"], k] for k in summary], reverse=True)
    return {"ranked": [r[1] for r in ranked[:top]], "summary": summary,
            "labels": ", ".join(sorted([s["label"] for s in summary.values()])),
            "spread": {k: v["max"] - v["min"] for k, v in summary.items()}}
