"""The forecast page (/forecast) and the quotas settings page (/settings/quotas)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from rapport.core.errors import Invalid
from rapport.core.pages import page_principal
from rapport.core.permissions import can, require
from rapport.forecasts import queries, services
from rapport.forecasts.periods import Period, parse_period, period_of
from rapport.workspaces.auth import member_required
from rapport.workspaces.pages.sections import render_settings
from rapport.workspaces.queries import list_members

COLUMNS = (
    ("quota", "Quota"),
    ("closed_won", "Closed won"),
    ("commit", "Commit"),
    ("best_case", "Best case"),
    ("pipeline", "Pipeline"),
    ("commit_forecast", "Commit forecast"),
    ("best_case_forecast", "Best case forecast"),
    ("weighted", "Weighted (stage)"),
    ("weighted_history", "Weighted (history)"),
)


def _period(request: HttpRequest, today: dt.date) -> Period:
    raw = request.GET.get("period") or request.POST.get("period")
    if raw:
        try:
            return parse_period(raw)
        except Invalid:
            pass
    return period_of("quarter", today)


def _as_of(raw: str | None, today: dt.date) -> dt.date | None:
    try:
        day = dt.date.fromisoformat(raw or "")
    except ValueError:
        return None
    return day if day < today else None


@member_required
def forecast_page(request: HttpRequest) -> HttpResponse:
    principal = page_principal(request)
    require(principal, "view", "forecast")
    today = timezone.localdate()
    period = _period(request, today)
    as_of = _as_of(request.GET.get("as_of"), today)
    result = queries.forecast(principal, period, today, as_of)
    other_kind = "month" if period.kind == "quarter" else "quarter"
    context = {
        "result": result,
        "period": period,
        "previous": period.shifted(-1),
        "next": period.shifted(1),
        "other": period_of(other_kind, period.start if period.start > today else today),
        "columns": COLUMNS,
        "as_of": as_of,
        "today": today,
        "can_override": as_of is None and can(principal, "edit", "forecast"),
        "errors": {},
    }
    return render(request, "forecasts/forecast.html", context)


@require_POST
@member_required
def override(request: HttpRequest) -> HttpResponse:
    """Save or clear a manager's override from the forecast table, then show the forecast."""
    principal = page_principal(request)
    period = _period(request, timezone.localdate())
    try:
        user_id = int(request.POST.get("user_id", ""))
    except ValueError:
        user_id = 0
    amount = request.POST.get("amount", "").strip() or None
    try:
        services.override_commit(principal, user_id, period, amount, request.POST.get("note", ""))
        messages.success(
            request, "The override was saved." if amount else "The override was removed."
        )
    except Invalid as exc:
        messages.error(request, "; ".join(e.msg for e in exc.errors) or exc.detail)
    return redirect(f"/forecast?period={period.key}")


@require_http_methods(["GET", "POST"])
@member_required
def quotas_page(request: HttpRequest) -> HttpResponse:
    """Monthly quotas of every member for a year, editable as one grid."""
    principal = page_principal(request)
    require(principal, "view", "quota")
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    members = [m for m in list_members(principal) if m.is_active]
    errors: dict[str, str] = {}
    posted: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        items, posted = _posted_quotas(request, members, year)
        try:
            changed = services.set_quotas(principal, items)
            messages.success(request, f"Quotas saved ({changed} changed).")
            return redirect(f"/settings/quotas?year={year}")
        except Invalid as exc:
            for error in exc.errors:
                index = error.loc[1] if len(error.loc) > 1 else None
                if isinstance(index, int) and index < len(items):
                    item = items[index]
                    errors[f"q-{item['user_id']}-{item['month']}"] = error.msg
            status = 422
    saved = queries.quotas_for_year(principal, year)
    rows = [_quota_row(m, year, saved, posted, errors) for m in members]
    context = {
        "year": year,
        "months": [dt.date(year, n, 1) for n in range(1, 13)],
        "rows": rows,
        "can_edit": can(principal, "edit", "quota"),
        "has_errors": bool(errors),
    }
    return render_settings(request, "forecasts/quotas.html", context, status)


def _posted_quotas(
    request: HttpRequest, members: list[Any], year: int
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    items, posted = [], {}
    for member in members:
        for month in range(1, 13):
            name = f"q-{member.user_id}-{year}-{month:02d}"
            raw = request.POST.get(name)
            if raw is None:
                continue
            posted[name] = raw
            items.append({"user_id": member.user_id, "month": f"{year}-{month:02d}",
                          "amount": raw.strip().replace(",", "") or None})  # fmt: skip
    return items, posted


def _quota_row(
    member: Any, year: int, saved: dict[Any, Any], posted: dict[str, str], errors: dict[str, str]
) -> dict[str, Any]:
    cells = []
    total = 0
    for month in range(1, 13):
        name = f"q-{member.user_id}-{year}-{month:02d}"
        value = saved.get((member.user_id, month))
        total += value or 0
        shown = posted.get(name, "" if value is None else str(value))
        cells.append({"name": name, "value": shown, "error": errors.get(name, "")})
    return {"member": member, "cells": cells, "total": total}
