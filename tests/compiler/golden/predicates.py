import pyawssfn as PSF


@PSF.main
def wf(s, n):
    if PSF.StringEquals(s, "a") or (PSF.NumericGreaterThan(n, 3) and not PSF.IsNull(s)):
        return "yes"
    if PSF.StringMatches(s, "log-*.txt"):
        return "log"
    return "no"
