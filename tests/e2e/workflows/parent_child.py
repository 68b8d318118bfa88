"""A parent workflow running a child workflow per region and combining the totals."""
import pyawssfn as sfn


def count_sales(region, day):
    if region == "mars":
        raise ValueError(f"unknown region {region}")
    return {"region": region, "sales": len(region) * day}


@sfn.workflow
def region_report(region, day):
    r = count_sales(region, day)
    return {"region": region, "total": r["sales"] * 2}


@sfn.workflow
def daily_report(regions, day):
    totals = {}
    errors = []
    for region in regions:
        try:
            rep = region_report(region, day)
        except ValueError as e:
            errors.append(str(e))
        else:
            totals[region] = rep["total"]
    return {"day": day, "totals": totals, "grand_total": sum(totals.values()), "errors": errors}
