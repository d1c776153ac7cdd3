"""Settings > Tags: list, create, rename, recolour and delete the workspace's tags.

Thin: TagForm parses, tags.services decides; the list reads through the same keyset query as
GET /api/v1/tags.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from rapport.core.api_support import ListParams
from rapport.core.errors import Conflict, Invalid, PreconditionFailed
from rapport.core.pages import add_service_errors, page_principal
from rapport.core.permissions import can, require
from rapport.tags import queries, services
from rapport.tags.forms import TagForm
from rapport.workspaces.auth import member_required
from rapport.workspaces.pages.sections import render_settings

URL = "/settings/tags"
PAGE_SIZE = 100


def _list_page(request: HttpRequest, form: TagForm, status: int = 200) -> HttpResponse:
    principal = page_principal(request)
    cursor = request.GET.get("cursor") or None
    params = ListParams(filter=[], sort="name", limit=PAGE_SIZE, cursor=cursor, fields=None)
    page = queries.list_tags(principal, params)
    context = {
        "page": page,
        "form": form,
        "is_first_page": cursor is None,
        "can_create": can(principal, "create", "tag"),
        "can_edit": can(principal, "edit", "tag"),
        "can_delete": can(principal, "delete", "tag"),
    }
    return render_settings(request, "settings/tags.html", context, status)


@require_http_methods(["GET", "POST"])
@member_required
def tag_list(request: HttpRequest) -> HttpResponse:
    """The tags by name, and the form that creates one (POST)."""
    principal = page_principal(request)
    require(principal, "view", "tag")
    form = TagForm(request.POST or None)
    if request.method != "POST":
        return _list_page(request, form)
    if not form.is_valid():
        return _list_page(request, form, 422)
    try:
        tag = services.create_tag(principal, form.cleaned_data["name"], form.cleaned_data["color"])
    except Invalid as exc:
        add_service_errors(form, exc)
        return _list_page(request, form, 422)
    except Conflict as exc:
        form.add_error("name", exc.detail)
        return _list_page(request, form, 409)
    messages.success(request, f"Tag {tag.name} created.")
    return redirect(URL)


@require_http_methods(["GET", "POST"])
@member_required
def tag_edit(request: HttpRequest, tag_id: int) -> HttpResponse:
    """Rename or recolour a tag."""
    principal = page_principal(request)
    tag = queries.get_tag(principal, tag_id)
    form = TagForm(request.POST or None, initial={"name": tag.name, "color": tag.color})
    status = 200
    if request.method == "POST":
        status = 422
        raw_version = request.POST.get("version", "")
        version = int(raw_version) if raw_version.isdigit() else None
        try:
            if form.is_valid():
                services.update_tag(principal, tag_id, dict(form.cleaned_data), version)
                messages.success(request, f"Tag {form.cleaned_data['name']} saved.")
                return redirect(URL)
        except Invalid as exc:
            add_service_errors(form, exc)
        except Conflict as exc:
            form.add_error("name", exc.detail)
            status = 409
        except PreconditionFailed:
            form.add_error(None, "Someone changed this tag meanwhile; reload it and try again.")
            status = 409
    context = {"tag": tag, "form": form, "can_edit": can(principal, "edit", "tag", tag)}
    return render_settings(request, "settings/tag.html", context, status)


@require_http_methods(["GET", "POST"])
@member_required
def tag_delete(request: HttpRequest, tag_id: int) -> HttpResponse:
    """GET: how many records carry the tag, asked before deleting; POST: delete."""
    principal = page_principal(request)
    tag = queries.get_tag(principal, tag_id)
    if request.method == "POST":
        services.delete_tag(principal, tag_id)
        messages.success(request, f"Tag {tag.name} deleted.")
        return redirect(URL)
    require(principal, "delete", "tag", tag)
    context = {"tag": tag, "counts": queries.count_tagged(tag)}
    return render_settings(request, "settings/tag_delete.html", context)
