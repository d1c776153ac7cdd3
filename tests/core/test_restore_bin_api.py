"""GET /api/v1/restore-bin: what the caller may restore, scoped like everything else."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from rapport.contacts.models import Contact
from rapport.contacts.services import create_contact, delete_contact
from tests.conftest import api_client_for, make_member, owner_principal

pytestmark = pytest.mark.django_db


def _bin_ids(client, object_type: str = "contact") -> list[int]:  # type: ignore[no-untyped-def]
    response = client.get(f"/api/v1/restore-bin?object_type={object_type}")
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


def test_bin_lists_deleted_records_until_restored(owner, api, other_workspace) -> None:  # type: ignore[no-untyped-def]
    kept = create_contact(owner, {"first_name": "Kept"})
    first = create_contact(owner, {"first_name": "First"})
    second = create_contact(owner, {"first_name": "Second"})
    delete_contact(owner, first.pk)
    delete_contact(owner, second.pk)
    body = api.get("/api/v1/restore-bin?object_type=contact").json()
    assert [i["id"] for i in body["items"]] == [second.pk, first.pk]
    deleted_at = Contact.objects.get(pk=second.pk).deleted_at
    assert body["items"][0]["title"] == "Second"
    assert body["items"][0]["restorable_until"].startswith(
        (deleted_at + dt.timedelta(days=30)).date().isoformat()
    )
    assert kept.pk not in _bin_ids(api)
    assert api.post(f"/api/v1/contacts/{first.pk}/restore").status_code == 200
    assert _bin_ids(api) == [second.pk]
    stranger = api_client_for(owner_principal(other_workspace))
    assert _bin_ids(stranger) == []


def test_bin_follows_the_delete_right_and_the_window(workspace, owner, api) -> None:  # type: ignore[no-untyped-def]
    _, rep = make_member(workspace, "sales_rep")
    own = create_contact(rep, {"first_name": "Mine"})
    others = create_contact(owner, {"first_name": "Not mine"})
    delete_contact(rep, own.pk)
    delete_contact(owner, others.pk)
    assert _bin_ids(api_client_for(rep)) == [own.pk]  # sales reps delete their own only
    _, reader = make_member(workspace, "read_only")
    assert _bin_ids(api_client_for(reader)) == []
    expired = timezone.now() - dt.timedelta(days=31)
    Contact.objects.filter(pk=others.pk).update(deleted_at=expired)
    assert _bin_ids(api) == [own.pk]
    assert api.get("/api/v1/restore-bin?object_type=quote").status_code == 422
