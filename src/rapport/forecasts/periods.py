"""Forecast periods: calendar months and quarters, named "2026-11" and "2026-Q4"."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from rapport.core.errors import Invalid

KINDS = ("month", "quarter")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


@dataclass(frozen=True)
class Period:
    kind: str  # month or quarter
    start: dt.date  # the first day

    @property
    def end(self) -> dt.date:
        """The last day."""
        return self.shifted(1).start - dt.timedelta(days=1)

    @property
    def key(self) -> str:
        if self.kind == "month":
            return f"{self.start.year}-{self.start.month:02d}"
        return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"

    @property
    def label(self) -> str:
        if self.kind == "month":
            return self.start.strftime("%B %Y")
        return f"Q{(self.start.month - 1) // 3 + 1} {self.start.year}"

    @property
    def months(self) -> list[dt.date]:
        """The first day of each month in the period."""
        count = 1 if self.kind == "month" else 3
        return [_add_months(self.start, n) for n in range(count)]

    def shifted(self, steps: int) -> Period:
        return Period(
            self.kind, _add_months(self.start, steps * (1 if self.kind == "month" else 3))
        )


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def period_of(kind: str, day: dt.date) -> Period:
    """The month or quarter that contains `day`."""
    if kind == "month":
        return Period(kind, day.replace(day=1))
    return Period(kind, dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1))


def parse_period(raw: str, loc: str = "period") -> Period:
    """ "2026-11" or "2026-Q4"; Invalid otherwise."""
    text = (raw or "").strip().upper()
    if match := _MONTH.match(text):
        year, month = int(match[1]), int(match[2])
        if 1 <= month <= 12 and 1900 <= year <= 2999:
            return Period("month", dt.date(year, month, 1))
    elif match := _QUARTER.match(text):
        year, quarter = int(match[1]), int(match[2])
        if 1900 <= year <= 2999:
            return Period("quarter", dt.date(year, quarter * 3 - 2, 1))
    raise Invalid.on(loc, "Name a month as 2026-11 or a quarter as 2026-Q4.")
