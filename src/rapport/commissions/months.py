"""Commission periods: calendar months (quotas are monthly), named like "2026-11"."""

from __future__ import annotations

import datetime as dt

from rapport.core.errors import Invalid
from rapport.forecasts.periods import Period, parse_period


def parse_month(raw: str | None, loc: str = "month") -> dt.date:
    """ "2026-11" as its first day; Invalid for anything else (a quarter included)."""
    try:
        period = parse_period(raw or "", loc)
    except Invalid:
        period = None
    if period is None or period.kind != "month":
        raise Invalid.on(loc, "Name a month as 2026-11.")
    return period.start


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(month: dt.date) -> dt.date:
    return Period("month", month).end


def month_key(month: dt.date) -> str:
    return f"{month.year}-{month.month:02d}"


def shift_month(month: dt.date, steps: int) -> dt.date:
    return Period("month", month).shifted(steps).start


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every month from the one holding `first` to the one holding `last`."""
    months, month = [], month_of(first)
    while month <= last:
        months.append(month)
        month = shift_month(month, 1)
    return months
