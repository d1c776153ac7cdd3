"""The forecast of a period: per rep, team and workspace, live or as it stood on a past day.

Live figures come from two aggregates over the deals the principal may view: won deals closed
in the period (converted at their close date's rate) and open deals expected to close in it
(at today's rate), grouped by owner, stage, forecast category and currency. Buckets follow
the forecast category of each open deal; *commit forecast* is closed won + commit and *best
case forecast* adds best case. Weighted figures multiply open amounts by the stage's
probability, and separately by the stage's historical win rate: of the deals that were ever
in the stage and have since closed, the share that was won (cached for an hour per workspace).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, fields, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.cache import cache
from django.db.models import Count, QuerySet, Sum

from rapport.core.permissions import Principal, visible
from rapport.currencies.queries import RateTable
from rapport.deals.models import Deal, DealStageChange, Stage
from rapport.forecasts.models import ForecastOverride, ForecastSnapshot, Quota
from rapport.forecasts.periods import Period
from rapport.workspaces.models import Membership, Team

CENT = Decimal("0.01")
ZERO = Decimal(0)
WIN_RATE_SECONDS = 3600


@dataclass
class Figures:
    """One rep's (or a sum's) numbers for a period, in the base currency."""

    quota: Decimal = ZERO
    closed_won: Decimal = ZERO
    commit: Decimal = ZERO
    best_case: Decimal = ZERO
    pipeline: Decimal = ZERO
    weighted: Decimal = ZERO
    weighted_history: Decimal = ZERO
    won_deals: int = 0
    open_deals: int = 0
    override: Decimal | None = None
    override_note: str = ""

    @property
    def commit_forecast(self) -> Decimal:
        return self.closed_won + self.commit

    @property
    def best_case_forecast(self) -> Decimal:
        return self.closed_won + self.commit + self.best_case

    @property
    def adjusted_commit(self) -> Decimal:
        """The commit forecast with the manager's override where there is one."""
        return self.closed_won + (self.override if self.override is not None else self.commit)

    @property
    def attainment(self) -> Decimal | None:
        """Closed won as a percentage of quota (None without a quota)."""
        if not self.quota:
            return None
        return (self.closed_won * 100 / self.quota).quantize(Decimal("0.1"), ROUND_HALF_UP)

    def add(self, other: Figures) -> None:
        for f in fields(self):
            if f.name == "override_note":
                continue
            mine, theirs = getattr(self, f.name), getattr(other, f.name)
            if f.name == "override":
                if mine is None and theirs is None:
                    continue
                # a sum's override: each member's override, or their own commit without one
                theirs = theirs if theirs is not None else other.commit
                mine = mine if mine is not None else ZERO
            setattr(self, f.name, mine + theirs)

    def as_json(self) -> dict[str, Any]:
        return {
            f.name: (str(v) if isinstance(v := getattr(self, f.name), Decimal) else v)
            for f in fields(self)
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Figures:
        decimals = {f.name for f in fields(cls) if f.type in ("Decimal", "Decimal | None")}
        values: dict[str, Any] = {
            name: (Decimal(value) if name in decimals and value is not None else value)
            for name, value in data.items()
            if name in {f.name for f in fields(cls)}
        }
        return cls(**values)


@dataclass(frozen=True)
class RepRow:
    user_id: int
    label: str
    figures: Figures


@dataclass(frozen=True)
class TeamRow:
    team_id: int
    name: str
    reps: list[RepRow]
    figures: Figures


@dataclass(frozen=True)
class Forecast:
    period: Period
    as_of: dt.date | None  # None: live
    currency: str
    reps: list[RepRow]
    teams: list[TeamRow]
    total: Figures
    missing: frozenset[str] = field(default_factory=frozenset)  # currencies without a rate


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)


def viewable_owner_ids(principal: Principal) -> set[int] | None:
    """Whose deals the principal may see in a forecast: None means everyone's."""
    scope = principal.scope_for("view", "deal")
    if scope == "all" or principal.is_admin:
        return None
    if scope == "team":
        return set(principal.team_user_ids) | {principal.user_id or 0}
    if scope == "own":
        return {principal.user_id or 0}
    return set()


def win_rates(workspace_id: int) -> dict[int, Decimal]:
    """Per stage: of the deals that were ever in it and have closed, the share that was won."""
    key = f"forecast-win-rates:{workspace_id}"
    cached = cache.get(key)
    if cached is not None:
        return {int(k): Decimal(v) for k, v in cached.items()}
    rows = (
        DealStageChange.objects.filter(
            workspace_id=workspace_id,
            deal__deleted_at__isnull=True,
            deal__stage__kind__in=("won", "lost"),
        )
        .values_list("stage_id", "deal__stage__kind")
        .annotate(n=Count("deal_id", distinct=True))
    )
    won: dict[int, int] = defaultdict(int)
    closed: dict[int, int] = defaultdict(int)
    for stage_id, kind, n in rows:
        closed[stage_id] += n
        if kind == "won":
            won[stage_id] += n
    rates = {s: Decimal(won[s]) / closed[s] for s in closed if closed[s]}
    cache.set(key, {str(k): str(v) for k, v in rates.items()}, WIN_RATE_SECONDS)
    return rates


def _deals(principal: Principal, owners: set[int] | None) -> QuerySet[Deal]:
    qs = visible(principal, Deal.objects.all(), "deal")
    return qs if owners is None else qs.filter(owner_id__in=owners)


def _live_figures(
    principal: Principal, period: Period, owners: set[int] | None, today: dt.date
) -> tuple[dict[int, Figures], str, frozenset[str]]:
    deals = _deals(principal, owners)
    won = (
        deals.filter(stage__kind="won", closed_on__range=(period.start, period.end))
        .order_by()
        .values_list("owner_id", "currency", "closed_on")
        .annotate(n=Count("id"), amount=Sum("amount"))
    )
    open_ = (
        deals.filter(stage__kind="open", expected_close_on__range=(period.start, period.end))
        .exclude(forecast_category="omitted")
        .order_by()
        .values_list("owner_id", "stage_id", "forecast_category", "currency")
        .annotate(n=Count("id"), amount=Sum("amount"))
    )
    won_rows, open_rows = list(won), list(open_)
    currencies = {r[1] for r in won_rows} | {r[3] for r in open_rows}
    table = RateTable.load(principal.workspace_id, currencies)
    probability = dict(
        Stage.objects.filter(workspace_id=principal.workspace_id).values_list("pk", "probability")
    )
    history = win_rates(principal.workspace_id)
    by_owner: dict[int, Figures] = defaultdict(Figures)
    missing: set[str] = set()
    for owner_id, currency, closed_on, n, amount in won_rows:
        figures = by_owner[owner_id or 0]
        figures.won_deals += n
        converted = table.convert(amount or ZERO, currency, closed_on)
        if converted is None:
            missing.add(currency)
        else:
            figures.closed_won += converted
    for owner_id, stage_id, category, currency, n, amount in open_rows:
        figures = by_owner[owner_id or 0]
        figures.open_deals += n
        converted = table.convert(amount or ZERO, currency, today)
        if converted is None:
            missing.add(currency)
            continue
        bucket = {"commit": "commit", "best_case": "best_case"}.get(category, "pipeline")
        setattr(figures, bucket, getattr(figures, bucket) + converted)
        figures.weighted += converted * probability.get(stage_id, 0) / 100
        figures.weighted_history += converted * history.get(stage_id, ZERO)
    for figures in by_owner.values():
        figures.weighted = _round(figures.weighted)
        figures.weighted_history = _round(figures.weighted_history)
    return by_owner, table.base, frozenset(missing)


def _quotas(workspace_id: int, period: Period) -> dict[int, Decimal]:
    rows = (
        Quota.objects.filter(workspace_id=workspace_id, month__in=period.months)
        .values_list("user_id")
        .annotate(total=Sum("amount"))
    )
    return {user_id: total for user_id, total in rows}


def _overrides(workspace_id: int, period: Period) -> dict[int, ForecastOverride]:
    rows = ForecastOverride.objects.filter(
        workspace_id=workspace_id, period_kind=period.kind, period_start=period.start
    )
    return {o.user_id: o for o in rows}


def _snapshot_figures(
    workspace_id: int, period: Period, as_of: dt.date
) -> tuple[dict[int, Figures], str]:
    """Each rep's latest snapshot taken on or before `as_of`."""
    rows = ForecastSnapshot.objects.filter(
        workspace_id=workspace_id,
        period_kind=period.kind,
        period_start=period.start,
        taken_on__lte=as_of,
    ).order_by("user_id", "-taken_on")
    figures: dict[int, Figures] = {}
    currency = ""
    for row in rows:
        if row.user_id not in figures:
            figures[row.user_id] = Figures.from_json(row.figures)
            currency = row.currency
    return figures, currency


def rep_figures(
    principal: Principal, period: Period, today: dt.date
) -> tuple[dict[int, Figures], str, frozenset[str]]:
    """Live figures per rep (owner id; 0 for unowned deals) with quotas and overrides."""
    owners = viewable_owner_ids(principal)
    by_owner, base, missing = _live_figures(principal, period, owners, today)
    for user_id, amount in _quotas(principal.workspace_id, period).items():
        if owners is None or user_id in owners:
            by_owner[user_id].quota = amount
    for user_id, override in _overrides(principal.workspace_id, period).items():
        if owners is None or user_id in owners:
            by_owner[user_id].override = override.amount
            by_owner[user_id].override_note = override.note
    return dict(by_owner), base, missing


def forecast(
    principal: Principal, period: Period, today: dt.date, as_of: dt.date | None = None
) -> Forecast:
    """The period's forecast by rep and team, live, or as it stood on `as_of` (a past day)."""
    if as_of is not None and as_of < today:
        by_owner, base = _snapshot_figures(principal.workspace_id, period, as_of)
        owners = viewable_owner_ids(principal)
        if owners is not None:
            by_owner = {u: f for u, f in by_owner.items() if u in owners}
        missing: frozenset[str] = frozenset()
        base = base or RateTable.load(principal.workspace_id, []).base
    else:
        as_of = None
        by_owner, base, missing = rep_figures(principal, period, today)
    return _rolled_up(principal, period, as_of, base, by_owner, missing)


def _rolled_up(
    principal: Principal,
    period: Period,
    as_of: dt.date | None,
    base: str,
    by_owner: dict[int, Figures],
    missing: frozenset[str],
) -> Forecast:
    seats = Membership.objects.filter(workspace_id=principal.workspace_id)
    labels = {
        user_id: name or email
        for user_id, name, email in seats.values_list("user_id", "user__full_name", "user__email")
    }
    reps = [
        RepRow(user_id, labels.get(user_id, "No owner"), figures)
        for user_id, figures in by_owner.items()
    ]
    reps.sort(key=lambda r: (r.user_id == 0, r.label.lower()))
    teams = []
    for team in (
        Team.objects.filter(workspace_id=principal.workspace_id)
        .prefetch_related("members")
        .order_by("name")
    ):
        ids = {u.pk for u in team.members.all()}
        rows = [r for r in reps if r.user_id in ids]
        if not rows:
            continue
        total = Figures()
        for row in rows:
            total.add(row.figures)
        teams.append(TeamRow(team.pk, team.name, rows, total))
    total = Figures()
    for row in reps:
        total.add(row.figures)
    return Forecast(period, as_of, base, reps, teams, total, missing)


def snapshot_rows(principal: Principal, period: Period, today: dt.date) -> list[ForecastSnapshot]:
    """Today's snapshot rows of every rep's live figures (unsaved), for the daily job."""
    by_owner, base, _ = rep_figures(principal, period, today)
    return [
        ForecastSnapshot(
            workspace_id=principal.workspace_id,
            taken_on=today,
            period_kind=period.kind,
            period_start=period.start,
            user_id=user_id,
            figures=replace(figures).as_json(),
            currency=base,
        )
        for user_id, figures in by_owner.items()
        if user_id
    ]


def quotas_for_year(principal: Principal, year: int) -> dict[tuple[int, int], Decimal]:
    """{(user id, month number): amount} of the year's quotas."""
    rows = Quota.objects.filter(workspace_id=principal.workspace_id, month__year=year).values_list(
        "user_id", "month", "amount"
    )
    return {(user_id, month.month): amount for user_id, month, amount in rows}
