"""ISO-8601 extended offset date-times as Step Functions accepts them (Wait Timestamp, Choice Timestamp*)."""
from __future__ import annotations

import datetime as _dt
import re

_RX = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|z|[+-]\d{2}:\d{2})")


def parse(text) -> _dt.datetime | None:
    """The instant ``text`` names, or None when it is not an extended offset date-time (T and offset required)."""
    if not isinstance(text, str):
        return None
    m = _RX.fullmatch(text)
    if m is None:
        return None
    year, month, day, hour, minute, second, frac, offset = m.groups()
    if offset in ("Z", "z"):
        tz = _dt.timezone.utc
    else:
        sign = 1 if offset[0] == "+" else -1
        hh, mm = int(offset[1:3]), int(offset[4:6])
        if hh > 18 or mm > 59:
            return None
        tz = _dt.timezone(sign * _dt.timedelta(hours=hh, minutes=mm))
    micro = int((frac or "0").ljust(9, "0")[:6])
    try:
        return _dt.datetime(int(year), int(month), int(day), int(hour), int(minute), int(second), micro, tzinfo=tz)
    except ValueError:
        return None


def nanos(text) -> tuple | None:
    """A sortable key keeping nanosecond precision (Choice comparisons), or None."""
    moment = parse(text)
    if moment is None:
        return None
    frac = _RX.fullmatch(text).group(7) or "0"
    whole = moment.replace(microsecond=0).astimezone(_dt.timezone.utc)
    return (whole, int(frac.ljust(9, "0")))
