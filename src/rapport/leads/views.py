"""The lead inbox (/leads) and converting a lead (/contacts/{id}/convert)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from rapport.contacts import services as contact_services
from rapport.contacts.queries import get_contact
from rapport.core.errors import Conflict, Invalid, PreconditionFailed
from rapport.core.pages import add_service_errors, page_principal, render_partial
from rapport.core.permissions import Principal, can
from rapport.deals.queries import pipelines_of
from rapport.deals.services import ensure_default_pipeline
from rapport.leads import queries, services
from rapport.leads.forms import STATUS_LABELS, ConvertForm, LeadStatusForm
from rapport.workspaces.auth import member_required
from rapport.workspaces.queries import find_workspace


@member_required
def inbox(request: HttpRequest) -> HttpResponse:
    principal = page_principal(request)
    tab = request.GET.get("status", "open")
    tab = tab if tab in queries.INBOX_TABS else "open"
    mine = request.GET.get("owner", "me") != "all"
    page = queries.lead_inbox(principal, tab, mine, request.GET.get("cursor") or None)
    rows = [_row(principal, contact) for contact in page.items]
    context = {
        "rows": rows,
        "page": page,
        "tab": tab,
        "tabs": queries.INBOX_TABS.items(),
        "mine": mine,
        "status_labels": STATUS_LABELS,
    }
    if request.GET.get("cursor") and getattr(request, "htmx", False):
        return render_partial(request, "leads/inbox.html#more-rows", context)
    return render(request, "leads/inbox.html", context)


def _row(principal: Principal, contact: Any, form: LeadStatusForm | None = None) -> dict[str, Any]:
    initial = {"lead_status": contact.lead_status, "unqualified_reason": contact.unqualified_reason}
    return {
        "contact": contact,
        "form": form or LeadStatusForm(initial=initial, prefix=f"lead-{contact.pk}"),
        "can_edit": can(principal, "edit", "contact", contact),
    }


@require_POST
@member_required
def set_status(request: HttpRequest, contact_id: int) -> HttpResponse:
    """The inbox row's status form (htmx): saves and returns the row, errors in place."""
    principal = page_principal(request)
    contact = get_contact(principal, contact_id)
    form = LeadStatusForm(request.POST, prefix=f"lead-{contact.pk}")
    if form.is_valid():
        try:
            contact_services.update_contact(principal, contact.pk, form.cleaned_data)
        except Invalid as exc:
            add_service_errors(form, exc)
        else:  # saved: the row again, with a fresh form of the stored values
            row = _row(principal, get_contact(principal, contact.pk))
            return render_partial(request, "leads/inbox.html#lead-row", _row_context(row))
    row = _row(principal, contact, form)
    return render_partial(request, "leads/inbox.html#lead-row", _row_context(row), 422)


def _row_context(row: dict[str, Any]) -> dict[str, Any]:
    return {"row": row, "status_labels": STATUS_LABELS}


def _stage_options(principal: Principal) -> list[tuple[str, list[tuple[int, str]]]]:
    ensure_default_pipeline(principal.workspace_id)
    return [
        (p.name, [(s.pk, s.name) for s in p.stage_rows if s.kind == "open"])  # type: ignore[attr-defined]
        for p in pipelines_of(principal)
    ]


def _convert_page(
    request: HttpRequest, principal: Principal, contact: Any, form: ConvertForm, status: int = 200
) -> HttpResponse:
    choice = queries.company_choice(principal, contact)
    context = {
        "contact": contact,
        "form": form,
        "choice": choice,
        "stage_options": _stage_options(principal),
        "may_create_company": can(principal, "create", "company"),
        "may_create_deal": can(principal, "create", "deal"),
    }
    return render(request, "leads/convert.html", context, status=status)


def _default_company(choice: queries.CompanyChoice) -> str:
    if choice.current is not None:
        return "current"
    if len(choice.matches) == 1:
        return str(choice.matches[0].pk)
    return "" if choice.matches else ("new" if choice.domains else "none")


@require_http_methods(["GET", "POST"])
@member_required
def convert(request: HttpRequest, contact_id: int) -> HttpResponse:
    principal = page_principal(request)
    contact = get_contact(principal, contact_id)
    if request.method != "POST":
        choice = queries.company_choice(principal, contact)
        workspace = find_workspace(principal)
        initial = {
            "version": contact.version,
            "company": _default_company(choice),
            "new_company_domain": choice.domains[0] if choice.domains else "",
            "deal_name": f"{contact} deal",
            "currency": workspace.default_currency,
        }
        return _convert_page(request, principal, contact, ConvertForm(initial=initial))
    form = ConvertForm(request.POST)
    if not form.is_valid():
        return _convert_page(request, principal, contact, form, 422)
    data = form.conversion_data()
    if form.cleaned_data["company"] == "current":
        data["company_id"] = contact.company_id
    try:
        conversion = services.convert_lead(
            principal, contact.pk, data, form.cleaned_data["version"]
        )
    except Invalid as exc:
        add_service_errors(form, exc, _ERROR_FIELDS)
        return _convert_page(request, principal, contact, form, 422)
    except PreconditionFailed:
        form.add_error(
            None, "Someone changed this contact meanwhile; reload the page and try again."
        )
        return _convert_page(request, principal, contact, form, 409)
    messages.success(request, f"{contact} was converted.")
    return redirect(f"/lead-conversions/{conversion.pk}")


# Service error locations -> the form's fields.
_ERROR_FIELDS = {
    "company_id": "company",
    "new_company.name": "new_company_name",
    "new_company.domains": "new_company_domain",
    "deal.name": "deal_name",
    "deal.stage_id": "stage_id",
    "deal.pipeline_id": "stage_id",
    "deal.amount": "amount",
    "deal.currency": "currency",
    "deal.expected_close_on": "expected_close_on",
    "deal.contacts": "role",
}


@member_required
def conversion_page(request: HttpRequest, conversion_id: int) -> HttpResponse:
    """What a conversion did, with links to the records and an Undo button."""
    principal = page_principal(request)
    conversion = queries.get_conversion(principal, conversion_id)
    context = {
        "conversion": conversion,
        "can_undo": conversion.undone_at is None
        and can(principal, "edit", "contact", conversion.contact),
    }
    return render(request, "leads/conversion.html", context)


@require_POST
@member_required
def undo(request: HttpRequest, conversion_id: int) -> HttpResponse:
    principal = page_principal(request)
    try:
        conversion = services.undo_conversion(principal, conversion_id)
    except Conflict as exc:
        messages.error(request, exc.detail)
        return redirect(f"/lead-conversions/{conversion_id}")
    messages.success(request, f"The conversion of {conversion.contact} was undone.")
    return redirect(f"/contacts/{conversion.contact_id}")
