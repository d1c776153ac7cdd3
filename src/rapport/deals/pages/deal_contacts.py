"""The contacts of a deal on its page: add one (picked by name or email) with a role, change a
role, make one primary, remove one.

Each change is applied to the deal's contact list as it is now (so an edit of another field
meanwhile does not get in the way) and saved through update_deal at the version just read; a
write that slips in between is refused and the panel shows the list as it then is.
"""

from __future__ import annotations

import re
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from rapport.contacts.queries import contact_names, find_contacts_by_email
from rapport.core.errors import Invalid, NotFound, PreconditionFailed
from rapport.core.inline_edit import CHANGED_EVENT
from rapport.core.pages import page_principal
from rapport.core.permissions import Principal, can
from rapport.deals import queries, services
from rapport.deals.forms import ROLE_CHOICES
from rapport.deals.models import Deal
from rapport.search.queries import search
from rapport.workspaces.auth import member_required

OBJECT_TYPE = "deal"
PANEL = "deals/_contacts.html"
SUGGESTIONS = 10
_WITH_ID = re.compile(r"\(#(\d+)\)\s*$")
_WITH_EMAIL = re.compile(r"<([^<>@\s]+@[^<>\s]+)>\s*$")


def contacts_context(principal: Principal, deal: Deal) -> dict[str, Any]:
    """The panel's rows (name, role, primary) as the deal holds them."""
    links = deal.contact_rows  # type: ignore[attr-defined]
    names = contact_names(principal, (link.contact_id for link in links))
    rows = [
        {
            "contact_id": link.contact_id,
            "name": names.get(link.contact_id),
            "role": link.role,
            "is_primary": link.is_primary,
        }
        for link in links
    ]
    return {
        "deal": deal,
        "contact_rows": rows,
        "role_choices": ROLE_CHOICES,
        "can_edit": can(principal, "edit", OBJECT_TYPE, deal),
    }


def _option(title: str, subtitle: str, contact_id: int) -> str:
    """A suggestion as typed back: `Name <email>`, or `Name (#id)` for a contact without one."""
    return f"{title} <{subtitle}>" if "@" in subtitle else f"{title} (#{contact_id})"


@require_GET
@member_required
def contact_options(request: HttpRequest) -> HttpResponse:
    """The contact picker's suggestions, by name, email or phone, as `<option>`s."""
    principal = page_principal(request)
    text = request.GET.get("contact", "")
    hits = search(principal, text, ["contact"], SUGGESTIONS)["contact"] if text.strip() else []
    names = [_option(h.title, h.subtitle, h.object_id) for h in hits]
    return render(request, "companies/_options.html", {"names": names})


def _picked_contact(principal: Principal, text: str) -> int:
    """The contact the picker names: `(#id)`, `<email>` or a bare email, visible to the user."""
    text = text.strip()
    by_id, by_email = _WITH_ID.search(text), _WITH_EMAIL.search(text)
    if by_id:
        contact_id = int(by_id.group(1))
        if contact_id in contact_names(principal, [contact_id]):
            return contact_id
    else:
        email = by_email.group(1) if by_email else text if "@" in text else ""
        found = find_contacts_by_email(principal, [email], limit=2) if email else []
        if len(found) == 1:
            return found[0].pk
        if len(found) > 1:
            raise Invalid.on("contact", "Several contacts have that email; pick one by name.")
    raise Invalid.on("contact", "Pick a contact from the suggestions (type a name or an email).")


def _changed_rows(
    principal: Principal, deal: Deal, post: Any, contact_id: int | None
) -> list[dict[str, Any]]:
    """The deal's contact list after the posted change."""
    rows = [
        {"contact_id": c.contact_id, "role": c.role, "is_primary": c.is_primary}
        for c in deal.contact_rows  # type: ignore[attr-defined]
    ]
    action = post.get("action", "")
    if contact_id is None:  # add
        picked = _picked_contact(principal, post.get("contact", ""))
        if any(r["contact_id"] == picked for r in rows):
            raise Invalid.on("contact", "This contact is already on the deal.")
        role = post.get("role", "other")
        return [*rows, {"contact_id": picked, "role": role, "is_primary": not rows}]
    if not any(r["contact_id"] == contact_id for r in rows):
        raise NotFound("This contact is not on the deal.")
    if action == "remove":
        return [r for r in rows if r["contact_id"] != contact_id]
    if action == "primary":
        return [r | {"is_primary": r["contact_id"] == contact_id} for r in rows]
    if action == "role":
        role = post.get("role", "")
        return [r | {"role": role} if r["contact_id"] == contact_id else r for r in rows]
    raise Invalid.on("action", "Choose what to change.")


def _save(request: HttpRequest, deal_id: int, contact_id: int | None) -> HttpResponse:
    principal = page_principal(request)
    deal = queries.get_deal(principal, deal_id)
    status, problems = 200, []
    try:
        rows = _changed_rows(principal, deal, request.POST, contact_id)
        services.update_deal(principal, deal.pk, {"contacts": rows}, deal.version)
    except Invalid as exc:
        status, problems = 422, [e.msg for e in exc.errors] or [exc.detail]
    except PreconditionFailed:
        status = 409
        problems = ["Someone changed this deal meanwhile; the contacts are shown as they are now."]
    context = contacts_context(principal, queries.get_deal(principal, deal_id))
    context |= {"problems": problems, "typed": request.POST if status == 422 else None}
    response = render(request, PANEL, context, status=status)
    if status == 200:
        response["HX-Trigger"] = CHANGED_EVENT
    return response


@require_POST
@member_required
def contact_add(request: HttpRequest, deal_id: int) -> HttpResponse:
    return _save(request, deal_id, None)


@require_POST
@member_required
def contact_change(request: HttpRequest, deal_id: int, contact_id: int) -> HttpResponse:
    """Change a contact's role, make it the primary one, or remove it (`action`)."""
    return _save(request, deal_id, contact_id)
