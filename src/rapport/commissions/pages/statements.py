"""/commissions (a month's statements: a rep's own, a manager's team with totals) and a
statement's page, with the approve, reopen and recalculate buttons."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from rapport.commissions import queries, services
from rapport.commissions.months import month_end, month_key, parse_month, shift_month
from rapport.core.errors import Conflict, Invalid, PreconditionFailed
from rapport.core.pages import page_principal
from rapport.core.permissions import can, require
from rapport.workspaces.auth import member_required

OBJECT_TYPE = "commission_statement"


def _month(raw: str | None, principal_workspace: int) -> dt.date:
    try:
        return parse_month(raw)
    except Invalid:
        return services.current_month(principal_workspace)


@member_required
def commissions_page(request: HttpRequest) -> HttpResponse:
    principal = page_principal(request)
    require(principal, "view", OBJECT_TYPE)
    month = _month(request.GET.get("month"), principal.workspace_id)
    statements = queries.month_statements(principal, month)
    current = services.current_month(principal.workspace_id)
    context = {
        "month": month,
        "key": month_key(month),
        "statements": statements,
        "totals": queries.month_totals(statements),
        "previous": month_key(shift_month(month, -1)),
        "next": month_key(shift_month(month, 1)),
        "has_next": month < current,
        "has_ended": month < current,
        "can_approve": can(principal, "edit", OBJECT_TYPE),
        "can_export": can(principal, "export", OBJECT_TYPE),
        "is_own_only": principal.scope_for("view", OBJECT_TYPE) == "own",
        "ends_on": month_end(month),
    }
    return render(request, "commissions/statements.html", context)


@member_required
def statement_page(request: HttpRequest, statement_id: int) -> HttpResponse:
    principal = page_principal(request)
    statement = queries.get_statement(principal, statement_id)
    current = services.current_month(principal.workspace_id)
    context = {
        "statement": statement,
        "key": month_key(statement.month),
        "lines": queries.statement_lines(statement),
        "can_approve": statement.status == "open"
        and statement.month < current
        and can(principal, "edit", OBJECT_TYPE, statement),
        "can_recalculate": statement.status == "open"
        and can(principal, "edit", OBJECT_TYPE, statement),
        "can_reopen": statement.status == "approved"
        and can(principal, "delete", OBJECT_TYPE, statement),
    }
    return render(request, "commissions/statement.html", context)


ACTIONS = {
    "approve": ("approve_statement", "The statement was approved and is now locked."),
    "reopen": ("reopen_statement", "The statement was reopened and recalculated."),
    "recalculate": ("recalculate_statement", "The statement was recalculated."),
}


@require_POST
@member_required
def statement_action(request: HttpRequest, statement_id: int, action: str) -> HttpResponse:
    principal = page_principal(request)
    name, done = ACTIONS.get(action, ("", ""))
    if not name:
        raise Invalid.on("action", "Unknown action.")
    try:
        if action == "approve":
            version = int(request.POST.get("version") or 0) or None
            services.approve_statement(principal, statement_id, version)
        else:
            getattr(services, name)(principal, statement_id)
        messages.success(request, done)
    except PreconditionFailed:
        messages.error(
            request, "The figures changed since you opened them; check and approve again."
        )
    except Conflict as exc:
        messages.error(request, exc.detail)
    return redirect(f"/commissions/statements/{statement_id}")


@require_POST
@member_required
def month_action(request: HttpRequest, action: str) -> HttpResponse:
    """Approve or recalculate every statement of the month the user may."""
    principal = page_principal(request)
    month = _month(request.POST.get("month"), principal.workspace_id)
    try:
        if action == "approve":
            count = services.approve_month(principal, month)
            messages.success(request, f"{count} statements approved.")
        elif action == "recalculate":
            count = services.recalculate_month(principal, month)
            messages.success(request, f"{count} statements recalculated.")
        else:
            raise Invalid.on("action", "Unknown action.")
    except Conflict as exc:
        messages.error(request, exc.detail)
    return redirect(f"/commissions?month={month_key(month)}")
