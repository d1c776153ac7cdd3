"""Saving a list's state as a view from the list page, opening, updating and deleting it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from rapport.contacts.services import create_contact
from rapport.savedviews.models import SavedView
from rapport.savedviews.services import create_saved_view
from tests.conftest import PASSWORD, make_member

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    assert client.login(username=user.email, password=PASSWORD)
    return client


def _state(**extra: Any) -> dict[str, Any]:
    return {
        "object_type": "contact",
        "columns": "primary_email,city",
        "filter": ["lifecycle_stage:eq:customer"],
        "sort": "last_name",
        **extra,
    }


def test_save_open_update_and_delete_a_private_view(workspace, owner) -> None:
    create_contact(owner, {"first_name": "Cusackx", "lifecycle_stage": "customer"})
    create_contact(owner, {"first_name": "Zeldax", "lifecycle_stage": "lead"})
    rep, _ = make_member(workspace, "sales_rep")
    client = _client(rep)

    saved = client.post("/saved-views", _state(name="Customers"))
    view = SavedView.objects.get()
    assert saved["Location"] == f"/contacts?view={view.pk}"
    assert (view.owner_id, view.is_shared, view.filters) == (
        rep.pk, False, ["lifecycle_stage:eq:customer"],
    )  # fmt: skip
    opened = client.get(saved["Location"]).content.decode()
    assert "Cusackx" in opened and "Zeldax" not in opened and ">City<" in opened

    client.post(f"/saved-views/{view.pk}", _state(filter=["lifecycle_stage:eq:lead"]))
    view.refresh_from_db()
    assert view.filters == ["lifecycle_stage:eq:lead"]
    client.post(f"/saved-views/{view.pk}/delete", {"object_type": "contact"})
    assert not SavedView.objects.exists()


def test_a_rep_cannot_share_and_nothing_is_saved(workspace) -> None:
    rep, _ = make_member(workspace, "sales_rep")
    client = _client(rep)
    response = client.post("/saved-views", _state(name="Everyone's", is_shared="on"))
    assert response.status_code == 302 and not SavedView.objects.exists()
    assert "The view was not saved" in client.get("/contacts").content.decode()


def test_someone_elses_private_view_does_not_open(workspace, owner) -> None:
    create_contact(owner, {"first_name": "Zeldax", "lifecycle_stage": "lead"})
    _, alice = make_member(workspace, "sales_rep")
    bob, _ = make_member(workspace, "sales_rep")
    private = create_saved_view(
        alice, object_type="contact", name="Alice only", filters=["lifecycle_stage:eq:customer"]
    )
    page = _client(bob).get(f"/contacts?view={private.pk}").content.decode()
    assert "Alice only" not in page and "Zeldax" in page  # the plain list, unfiltered
