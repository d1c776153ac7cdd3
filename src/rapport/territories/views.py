"""Settings > Territories: the territories in priority order (create, edit, reorder, switch
on and off, delete), a test box saying which territory a record's facts fall in and why, and
the lead and deal assignment panel that keeps two ready-made workflows.

Thin: forms parse, territories.services decides, territories.queries reads.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rapport.core.errors import Invalid, NotFound, PreconditionFailed
from rapport.core.pages import add_service_errors, is_htmx, page_principal, render_partial
from rapport.core.permissions import Principal, can, require
from rapport.territories import queries, services
from rapport.territories.forms import AssignmentForm, MatchTestForm, Options, TerritoryForm
from rapport.territories.matching import explain_match, rules_text
from rapport.territories.models import ASSIGNMENT_KINDS
from rapport.workspaces.auth import member_required
from rapport.workspaces.pages.sections import render_settings
from rapport.workspaces.queries import list_teams, member_labels

URL = "/settings/territories"
OBJECT_TYPE = "territory"
PAGE = "territories/territories.html"
ASSIGNMENT_TEXT = {
    "lead": ("New leads", "A contact created in a lead stage (subscriber to sales qualified)."),
    "deal": ("New deals without an owner", "A deal created without an owner (import, API)."),
}


def _options(principal: Principal) -> tuple[Options, Options]:
    teams = [(str(team.pk), team.name) for team in list_teams(principal)]
    members = [(str(pk), label) for pk, label in member_labels(principal, True).items()]
    return teams, members


def _assignment_panel(
    principal: Principal, teams: Options, members: Options, posted: AssignmentForm | None
) -> list[dict[str, Any]]:
    panel = []
    for kind, workflow in queries.assignment_workflows(principal).items():
        form = posted if posted is not None and posted.prefix == kind else None
        if form is None:
            choice = services.choice_of(workflow)
            initial = {
                "enabled": choice.enabled,
                "then": choice.then,
                "fallback_team_id": str(choice.fallback_team_id or ""),
                "fallback_user_id": str(choice.fallback_user_id or ""),
            }
            form = AssignmentForm(prefix=kind, initial=initial, teams=teams, members=members)
        title, text = ASSIGNMENT_TEXT[kind]
        panel.append({"kind": kind, "title": title, "text": text, "form": form,
                      "workflow": workflow})  # fmt: skip
    return panel


def _test_result(principal: Principal, form: MatchTestForm) -> dict[str, Any]:
    """Which territory the typed facts fall in, with the territories tried before it."""
    if not form.is_valid():
        return {"test_form": form}
    attempts = explain_match(queries.list_active_territories(principal), form.facts())
    matched = attempts[-1].territory if attempts and attempts[-1].matched else None
    return {"test_form": form, "tested": True, "attempts": attempts, "matched": matched}


def _page(
    request: HttpRequest,
    form: TerritoryForm | None = None,
    extra: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    principal = page_principal(request)
    require(principal, "view", OBJECT_TYPE)
    teams, members = _options(principal)
    posted = (extra or {}).pop("assignment_form", None)
    context = {
        "rows": [(t, rules_text(t)) for t in queries.territories_in_order(principal)],
        "form": form or TerritoryForm(teams=teams, initial={"is_active": True}),
        "test_form": MatchTestForm(),
        "assignment": _assignment_panel(principal, teams, members, posted),
        "has_teams": bool(teams),
        "can_create": can(principal, "create", OBJECT_TYPE),
        "can_edit": can(principal, "edit", OBJECT_TYPE),
        "can_delete": can(principal, "delete", OBJECT_TYPE),
        "can_set_up": can(principal, "create", "workflow") and can(principal, "edit", "workflow"),
        **(extra or {}),
    }
    return render_settings(request, PAGE, context, status)


@require_http_methods(["GET", "POST"])
@member_required
def territory_list(request: HttpRequest) -> HttpResponse:
    """The territories in priority order, and the form that creates one (POST)."""
    principal = page_principal(request)
    require(principal, "view", OBJECT_TYPE)
    if request.method != "POST":
        return _page(request)
    require(principal, "create", OBJECT_TYPE)
    form = TerritoryForm(request.POST, teams=_options(principal)[0])
    if not form.is_valid():
        return _page(request, form, status=422)
    try:
        territory = services.create_territory(principal, form.service_data())
    except Invalid as exc:
        add_service_errors(form, exc)
        return _page(request, form, status=422)
    messages.success(request, f"Territory {territory.name} created; it is tried last.")
    return redirect(URL)


@require_http_methods(["GET", "POST"])
@member_required
def territory_edit(request: HttpRequest, territory_id: int) -> HttpResponse:
    """Edit a territory's name, team, rules and whether it is active."""
    principal = page_principal(request)
    territory = queries.get_territory(principal, territory_id)
    teams = _options(principal)[0]
    initial = TerritoryForm.initial_of(territory)
    form = TerritoryForm(request.POST or None, initial=initial, teams=teams)
    status = 200
    if request.method == "POST":
        require(principal, "edit", OBJECT_TYPE, territory)
        raw_version = request.POST.get("version", "")
        version = int(raw_version) if raw_version.isdigit() else None
        status = 422
        try:
            if form.is_valid():
                services.update_territory(principal, territory_id, form.service_data(), version)
                messages.success(request, f"Territory {form.cleaned_data['name']} saved.")
                return redirect(URL)
        except Invalid as exc:
            add_service_errors(form, exc)
        except PreconditionFailed:
            form.add_error(None, "Someone changed this territory meanwhile; reload it and retry.")
            status = 409
    context = {
        "territory": territory,
        "form": form,
        "can_edit": can(principal, "edit", OBJECT_TYPE),
    }
    return render_settings(request, "territories/territory.html", context, status)


@require_POST
@member_required
def territory_active(request: HttpRequest, territory_id: int) -> HttpResponse:
    """Switch a territory on (`active=on`) or off: an inactive one matches nothing."""
    principal = page_principal(request)
    active = request.POST.get("active") == "on"
    territory = services.update_territory(principal, territory_id, {"is_active": active})
    state = "on: records can match it" if active else "off: records no longer match it"
    messages.success(request, f"Territory {territory.name} switched {state}.")
    return redirect(URL)


@require_POST
@member_required
def territory_delete(request: HttpRequest, territory_id: int) -> HttpResponse:
    principal = page_principal(request)
    territory = queries.get_territory(principal, territory_id)
    services.delete_territory(principal, territory_id)
    messages.success(request, f"Territory {territory.name} deleted.")
    return redirect(URL)


@require_POST
@member_required
def territory_order(request: HttpRequest) -> HttpResponse:
    """Move one territory up or down (`move=up-<id>` / `move=down-<id>`)."""
    principal = page_principal(request)
    require(principal, "edit", OBJECT_TYPE)
    ids = [t.pk for t in queries.territories_in_order(principal)]
    direction, _, raw = request.POST.get("move", "").partition("-")
    if not raw.isdigit() or int(raw) not in ids:
        raise NotFound("territory not found")
    i = ids.index(int(raw))
    j = i - 1 if direction == "up" else i + 1 if direction == "down" else i
    if 0 <= j < len(ids) and i != j:
        ids[i], ids[j] = ids[j], ids[i]
        services.reorder_territories(principal, ids)
        messages.success(request, "Order saved. Territories are tried from the top.")
    return redirect(URL)


@require_GET
@member_required
def territory_test(request: HttpRequest) -> HttpResponse:
    """The test box: which territory the typed facts fall in, and why (htmx: the result)."""
    principal = page_principal(request)
    require(principal, "view", OBJECT_TYPE)
    result = _test_result(principal, MatchTestForm(request.GET))
    if is_htmx(request):
        return render_partial(request, f"{PAGE}#test_result", result)
    return _page(request, extra=result)


@require_POST
@member_required
def assignment(request: HttpRequest, kind: str) -> HttpResponse:
    """Create or update one ready-made assignment workflow, and switch it on or off."""
    principal = page_principal(request)
    require(principal, "view", OBJECT_TYPE)
    if kind not in ASSIGNMENT_KINDS:
        raise NotFound("no such assignment")
    teams, members = _options(principal)
    form = AssignmentForm(request.POST, prefix=kind, teams=teams, members=members)
    if form.is_valid():
        choice = services.AssignmentChoice(**form.choice_data())
        try:
            workflow = services.set_up_assignment(principal, kind, choice)
        except Invalid as exc:
            add_service_errors(form, exc)
        else:
            title = ASSIGNMENT_TEXT[kind][0]
            state = "on" if workflow is not None and workflow.is_active else "off"
            messages.success(request, f"{title}: assignment by territory is {state}.")
            return redirect(URL)
    return _page(request, extra={"assignment_form": form}, status=422)
