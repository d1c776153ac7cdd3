"""/kb/categories: the knowledge base's categories, added, renamed, moved and deleted in place."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from rapport.core.errors import Invalid, PreconditionFailed
from rapport.core.pages import add_service_errors, page_principal
from rapport.core.permissions import can, require
from rapport.knowledge import queries, services
from rapport.knowledge.forms import CategoryForm
from rapport.workspaces.auth import member_required

OBJECT_TYPE = "article"
URL = "/kb/categories"


def _page(
    request: HttpRequest, form: CategoryForm | None = None, editing: int | None = None,
    edit_form: CategoryForm | None = None, status: int = 200,
) -> HttpResponse:  # fmt: skip
    principal = page_principal(request)
    tree = queries.category_tree(principal)
    parents = [node["category"] for node in tree]
    context: dict[str, Any] = {
        "tree": tree,
        "form": form or CategoryForm(parents=parents),
        "editing": editing,
        "edit_form": edit_form,
        "can_create": can(principal, "create", OBJECT_TYPE),
        "can_edit": can(principal, "edit", OBJECT_TYPE),
        "can_delete": can(principal, "delete", OBJECT_TYPE),
    }
    return render(request, "knowledge/categories.html", context, status=status)


def _parents(request: HttpRequest) -> list[Any]:
    return [node["category"] for node in queries.category_tree(page_principal(request))]


def _data(form: CategoryForm) -> dict[str, Any]:
    data = {k: v for k, v in form.cleaned_data.items() if k != "position"}
    if form.cleaned_data.get("position") is not None:
        data["position"] = form.cleaned_data["position"]
    return data


@require_http_methods(["GET", "POST"])
@member_required
def categories_page(request: HttpRequest) -> HttpResponse:
    """Every category with its articles' count; a form to add one."""
    principal = page_principal(request)
    require(principal, "view", OBJECT_TYPE)
    if request.method == "GET":
        edit = request.GET.get("edit", "")
        if edit.isdigit() and len(edit) < 19:
            category = queries.get_category(principal, int(edit))
            edit_form = CategoryForm(parents=_parents(request), initial={
                "name": category.name, "description": category.description,
                "parent_id": category.parent_id, "position": category.position,
            })  # fmt: skip
            return _page(request, editing=category.pk, edit_form=edit_form)
        return _page(request)
    form = CategoryForm(request.POST, parents=_parents(request))
    if form.is_valid():
        try:
            category = services.create_category(principal, _data(form))
            messages.success(request, f"Category “{category.name}” added.")
            return redirect(URL)
        except Invalid as exc:
            add_service_errors(form, exc)
    return _page(request, form=form, status=422)


@require_POST
@member_required
def category_update(request: HttpRequest, category_id: int) -> HttpResponse:
    principal = page_principal(request)
    category = queries.get_category(principal, category_id)
    form = CategoryForm(request.POST, parents=_parents(request))
    if form.is_valid():
        try:
            version = int(request.POST.get("version", "0") or 0) or None
            services.update_category(principal, category.pk, _data(form), version)
            messages.success(request, "Category saved.")
            return redirect(URL)
        except Invalid as exc:
            add_service_errors(form, exc)
        except PreconditionFailed:
            form.add_error(None, "Someone changed this category meanwhile; reload and try again.")
    return _page(request, editing=category.pk, edit_form=form, status=422)


@require_POST
@member_required
def category_delete(request: HttpRequest, category_id: int) -> HttpResponse:
    principal = page_principal(request)
    category = queries.get_category(principal, category_id)
    services.delete_category(principal, category.pk)
    messages.success(request, f"Category “{category.name}” deleted; its articles are kept.")
    return redirect(URL)
