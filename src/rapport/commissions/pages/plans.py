"""Settings -> Commission plans: the plans, the plan editor (rates, tiers, category rates) and
the users each plan is assigned to."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods, require_POST

from rapport.commissions import queries, services
from rapport.commissions.forms import PlanForm, plan_initial, posted_rows, row_inputs
from rapport.commissions.models import CommissionPlan
from rapport.core.errors import Invalid, PreconditionFailed
from rapport.core.pages import add_service_errors, page_principal
from rapport.core.permissions import Principal, can, require
from rapport.workspaces.auth import member_required
from rapport.workspaces.pages.sections import render_settings
from rapport.workspaces.queries import list_members

OBJECT_TYPE = "commission_plan"
ROWS = {"tiers": ("tier", "from"), "category_rates": ("cat", "category")}


def _row_errors(request: HttpRequest, form: PlanForm, exc: Invalid) -> dict[str, str]:
    """Errors of tier and category rows keyed `<prefix>-<n>-a|b` (n: the row on the page);
    the rest go on the form."""
    found: dict[str, str] = {}
    others = []
    for error in exc.errors:
        loc = error.loc
        if loc and loc[0] in ROWS and len(loc) == 3 and isinstance(loc[1], int):
            prefix, first = ROWS[str(loc[0])]
            filled = posted_rows(request.POST, prefix, first)
            n = filled[loc[1]][0] if loc[1] < len(filled) else loc[1]
            found[f"{prefix}-{n}-{'b' if loc[2] == 'rate' else 'a'}"] = error.msg
        else:
            others.append(error)
    if others or not found:
        add_service_errors(form, Invalid(exc.detail, others))
    return found


def _rows(
    plan: CommissionPlan | None, request: HttpRequest, errors: dict[str, str]
) -> dict[str, Any]:
    if request.method == "POST":
        tiers = [(a, b) for _, a, b in posted_rows(request.POST, "tier", "from")]
        cats = [(a, b) for _, a, b in posted_rows(request.POST, "cat", "category")]
    else:
        tiers = [(t["from"], t["rate"]) for t in plan.tiers] if plan else []
        cats = [(c["category"], c["rate"]) for c in plan.category_rates] if plan else []
    return {
        "tier_rows": row_inputs(tiers, errors, "tier"),
        "cat_rows": row_inputs(cats, errors, "cat"),
    }


def _members(principal: Principal) -> list[Any]:
    return [m for m in list_members(principal) if m.is_active]


@require_http_methods(["GET", "POST"])
@member_required
def plans_page(request: HttpRequest) -> HttpResponse:
    """The plans, and the form of a new one."""
    principal = page_principal(request)
    require(principal, "view", OBJECT_TYPE)
    form = PlanForm(request.POST or None, initial={"tier_mode": "retroactive", "is_active": True})
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.create_plan(principal, form.service_data(request.POST))
            messages.success(request, f"Plan {plan.name} was created; assign it to users below.")
            return redirect(f"/settings/commission-plans/{plan.pk}")
        except Invalid as exc:
            errors = _row_errors(request, form, exc)
    if request.method == "POST":
        status = 422
    context = {
        "plans": queries.all_plans(principal),
        "form": form,
        "can_create": can(principal, "create", OBJECT_TYPE),
        **_rows(None, request, errors),
    }
    return render_settings(request, "commissions/plans.html", context, status)


@require_http_methods(["GET", "POST"])
@member_required
def plan_page(request: HttpRequest, plan_id: int) -> HttpResponse:
    """One plan's editor and its assignments."""
    principal = page_principal(request)
    plan = queries.get_plan(principal, plan_id)
    form = PlanForm(request.POST or None, initial=plan_initial(plan))
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST" and form.is_valid():
        version = int(request.POST.get("version") or 0) or None
        try:
            services.update_plan(principal, plan.pk, form.service_data(request.POST), version)
            messages.success(request, "The plan was saved; open statements were recalculated.")
            return redirect(f"/settings/commission-plans/{plan.pk}")
        except PreconditionFailed:
            form.add_error(
                None, "Someone changed this plan meanwhile; reload it to see their change."
            )
        except Invalid as exc:
            errors = _row_errors(request, form, exc)
    if request.method == "POST":
        status = 422
    return render_settings(
        request,
        "commissions/plan.html",
        _plan_context(principal, plan, form, request, errors),
        status,
    )


def _plan_context(
    principal: Principal,
    plan: CommissionPlan,
    form: PlanForm,
    request: HttpRequest,
    errors: dict[str, str],
    assign_error: str = "",
    assign_values: dict[str, str] | None = None,
) -> dict[str, Any]:
    return {
        "plan": plan,
        "form": form,
        "assignments": queries.plan_assignments(principal, plan.pk),
        "members": _members(principal),
        "can_edit": can(principal, "edit", OBJECT_TYPE),
        "can_delete": can(principal, "delete", OBJECT_TYPE),
        "assign_error": assign_error,
        "assign": assign_values or {"effective_from": plan.effective_from.isoformat()},
        **_rows(plan, request, errors),
    }


@require_POST
@member_required
def plan_assign(request: HttpRequest, plan_id: int) -> HttpResponse:
    principal = page_principal(request)
    plan = queries.get_plan(principal, plan_id)
    values = {
        k: request.POST.get(k, "").strip() for k in ("user_id", "effective_from", "effective_to")
    }
    try:
        user_id = int(values["user_id"]) if values["user_id"].isdigit() else None
        services.assign_plan(principal, plan.pk, {**values, "user_id": user_id})
        messages.success(
            request, "The plan was assigned; the user's open statements were recalculated."
        )
        return redirect(f"/settings/commission-plans/{plan.pk}")
    except Invalid as exc:
        message = "; ".join(e.msg for e in exc.errors) or exc.detail
    form = PlanForm(initial=plan_initial(plan))
    request.method = "GET"  # draw the plan's saved rows, not the assignment's post
    context = _plan_context(principal, plan, form, request, {}, message, values)
    return render_settings(request, "commissions/plan.html", context, 422)


@require_POST
@member_required
def assignment_remove(request: HttpRequest, plan_id: int, assignment_id: int) -> HttpResponse:
    principal = page_principal(request)
    services.remove_assignment(principal, assignment_id)
    messages.success(request, "The assignment was removed.")
    return redirect(f"/settings/commission-plans/{plan_id}")


@require_POST
@member_required
def plan_delete(request: HttpRequest, plan_id: int) -> HttpResponse:
    principal = page_principal(request)
    services.delete_plan(principal, plan_id)
    messages.success(request, "The plan was deleted.")
    return redirect("/settings/commission-plans")
