"""Dates a person types, for `log --since` and `--until`: a small part of git's approxidate.

    2024-01-31                  that day, in local time (--since: from its start;
                                --until: to its end)
    2024-01-31 12:00[:30]       a local time (`T` may stand for the space)
    2024-01-31 12:00 +0200      with a zone (`Z`, `+HHMM`, `+HH:MM`)
    @1700000000                 seconds since 1970
    now, yesterday              (yesterday: this time yesterday, as git's)
    3 days ago, 2.weeks,        N seconds, minutes, hours, days, weeks, months or years
    2 weeks 3 days ago          back from now; months and years are calendar ones

git reads a date without a time as that day at the current time of day (a known
surprise); here it is the whole day, so `--since 2024-01-31 --until 2024-01-31`
is that day.
"""
from __future__ import annotations

import re
import time

from vcs.errors import UsageError

_UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400, "week": 7 * 86400, "month": 0, "year": 0}
_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ t](\d{1,2}):(\d{2})(?::(\d{2}))?)?"
                   r"(?: ?(z|[+-]\d{2}:?\d{2}))?")  # (matched against the text in lower case)


def parse(text: str, end_of_day: bool = False, now: float | None = None) -> int:
    """Seconds since 1970 for a date as typed; `end_of_day`: a day alone means its last second."""
    now = time.time() if now is None else now
    s = " ".join(text.strip().lower().split())
    if s == "now":
        return int(now)
    if s == "yesterday":
        return int(now) - 86400
    if s.startswith("@") and s[1:].isdigit() and len(s) <= 20:
        return int(s[1:])
    m = _DATE.fullmatch(s)
    if m:
        return _absolute(m, end_of_day, text)
    return _relative(s, now, text)


def _absolute(m: re.Match, end_of_day: bool, text: str) -> int:
    year, month, day = int(m[1]), int(m[2]), int(m[3])
    if m[4] is None:
        hour, minute, second = (23, 59, 59) if end_of_day else (0, 0, 0)
    else:
        hour, minute, second = int(m[4]), int(m[5]), int(m[6] or 0)
    if not (1 <= month <= 12 and 1 <= day <= 31 and hour < 24 and minute < 60 and second < 61):
        raise _bad(text)
    fields = (year, month, day, hour, minute, second)
    if m[7] is None:
        try:
            return int(time.mktime((*fields, 0, 0, -1)))
        except (OverflowError, OSError, ValueError):
            raise _bad(text) from None
    import calendar
    zone = 0 if m[7] == "z" else (1 if m[7][0] == "+" else -1) * (int(m[7][1:3]) * 60 + int(m[7][-2:]))
    return calendar.timegm((*fields, 0, 0, 0)) - zone * 60


def _relative(s: str, now: float, text: str) -> int:
    words = s.replace(".", " ").split()
    if words and words[-1] == "ago":
        words.pop()
    if not words or len(words) % 2:
        raise _bad(text)
    seconds = months = 0
    for number, unit in zip(words[::2], words[1::2]):
        unit = unit[:-1] if unit.endswith("s") else unit
        if not (number.isascii() and number.isdigit() and len(number) <= 9) or unit not in _UNITS:
            raise _bad(text)
        if unit in ("month", "year"):
            months += int(number) * (12 if unit == "year" else 1)
        else:
            seconds += int(number) * _UNITS[unit]
    try:
        if not months:
            return int(now) - seconds
        # Calendar months back: mktime carries a month below 1 into the years before.
        when = time.localtime(now - seconds)
        return int(time.mktime((when.tm_year, when.tm_mon - months, when.tm_mday, when.tm_hour, when.tm_min,
                                when.tm_sec, 0, 0, -1)))
    except (OverflowError, OSError, ValueError):
        raise _bad(text) from None


def _bad(text: str) -> UsageError:
    return UsageError(f"cannot read the date {text!r}",
                      hint="for example 2024-01-31, '2024-01-31 12:00', '3 days ago', 2.weeks, yesterday")
