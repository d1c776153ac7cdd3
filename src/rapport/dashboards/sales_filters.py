"""What the sales dashboard shows: a period (this month, this or last quarter, this year, or
custom dates), and optionally one pipeline and one owner or one team."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rapport.core.errors import FieldError, Invalid
from rapport.core.permissions import Principal
from rapport.deals.queries import get_pipeline
from rapport.forecasts.periods import Period, period_of
from rapport.workspaces.queries import get_member, get_team

PERIODS = {
    "this_month": "This month",
    "this_quarter": "This quarter",
    "last_quarter": "Last quarter",
    "this_year": "This year",
    "custom": "Custom dates",
}
DEFAULT_PERIOD = "this_quarter"
LONGEST_CUSTOM_DAYS = 366 * 5


@dataclass(frozen=True)
class SalesFilters:
    period: str  # a key of PERIODS
    start: dt.date  # the first day of the period
    end: dt.date  # its last day
    today: dt.date  # in the workspace's time zone
    pipeline_id: int | None = None
    owner_id: int | None = None
    team_id: int | None = None
    # The owners the filter keeps (the owner, or the team's members); None: everyone.
    owner_ids: frozenset[int] | None = None

    @property
    def label(self) -> str:
        if self.period == "custom":
            return f"{_day(self.start)} to {_day(self.end)}"
        return PERIODS[self.period]

    @property
    def forecast_periods(self) -> list[Period]:
        """The forecast months or quarters that make up the period (none for odd custom dates)."""
        for kind in ("month", "quarter"):
            period = period_of(kind, self.start)
            if period.start == self.start and period.end == self.end:
                return [period]
        first = period_of("quarter", self.start)
        if (
            first.start == self.start
            and self.start.month == 1
            and self.end == dt.date(self.start.year, 12, 31)
        ):
            return [first.shifted(n) for n in range(4)]
        return []


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def _period_dates(period: str, today: dt.date) -> tuple[dt.date, dt.date]:
    if period == "this_month":
        month = period_of("month", today)
        return month.start, month.end
    if period == "this_quarter":
        quarter = period_of("quarter", today)
        return quarter.start, quarter.end
    if period == "last_quarter":
        quarter = period_of("quarter", today).shifted(-1)
        return quarter.start, quarter.end
    return dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)


def _custom_dates(start: dt.date | None, end: dt.date | None) -> tuple[dt.date, dt.date]:
    errors = []
    if start is None:
        errors.append(FieldError(("from",), "Give the first day of the period."))
    if end is None:
        errors.append(FieldError(("to",), "Give the last day of the period."))
    if start is not None and end is not None:
        if end < start:
            errors.append(FieldError(("to",), "The last day comes before the first day."))
        elif (end - start).days > LONGEST_CUSTOM_DAYS:
            errors.append(FieldError(("to",), "A period can be at most five years long."))
    if errors or start is None or end is None:
        raise Invalid("Check the period's dates.", errors)
    return start, end


def sales_filters(
    principal: Principal,
    today: dt.date,
    *,
    period: str = DEFAULT_PERIOD,
    start: dt.date | None = None,
    end: dt.date | None = None,
    pipeline_id: int | None = None,
    owner_id: int | None = None,
    team_id: int | None = None,
) -> SalesFilters:
    """Checked filters: Invalid for a bad period or dates, NotFound for an unknown pipeline,
    member or team (another workspace's included)."""
    if period not in PERIODS:
        raise Invalid.on("period", f"Choose one of {', '.join(PERIODS)}.")
    if owner_id is not None and team_id is not None:
        raise Invalid.on("team_id", "Filter by an owner or by a team, not both.")
    if period == "custom":
        start, end = _custom_dates(start, end)
    else:
        start, end = _period_dates(period, today)
    if pipeline_id is not None:
        get_pipeline(principal, pipeline_id)
    owner_ids: frozenset[int] | None = None
    if owner_id is not None:
        owner_ids = frozenset({get_member(principal, owner_id).user_id})
    elif team_id is not None:
        owner_ids = frozenset(u.pk for u in get_team(principal, team_id).members.all())
    return SalesFilters(period, start, end, today, pipeline_id, owner_id, team_id, owner_ids)
