"""Audit log reads: the workspace log for auditors, a record's history for its viewers, the API."""

from __future__ import annotations

import pytest

from rapport.core.errors import Forbidden, NotFound
from rapport.core.history import list_audit_entries, list_record_history
from rapport.core.models import AuditEntry
from rapport.core.permissions import Principal
from tests.activities.factories import at, make_company, make_contact
from tests.conftest import api_client_for, make_member, owner_principal

pytestmark = pytest.mark.django_db


def _entry(
    workspace, object_type: str, object_id: int, minutes: int, action: str = "update", actor=None
):  # type: ignore[no-untyped-def]
    return AuditEntry.objects.create(
        workspace=workspace,
        object_type=object_type,
        object_id=object_id,
        action=action,
        actor_user=actor,
        created_at=at(minutes),
        changes={"n": [minutes - 1, minutes]},
    )


@pytest.fixture
def log(workspace):  # type: ignore[no-untyped-def]
    """Five entries on two contacts and a company, from two actors, at minutes 1..5."""
    actor, _ = make_member(workspace)
    contact, other, company = (
        make_contact(workspace),
        make_contact(workspace),
        make_company(workspace),
    )
    return {
        "actor": actor,
        "contact": contact,
        "company": company,
        "entries": [
            _entry(workspace, "contact", contact.pk, 1, "create"),
            _entry(workspace, "contact", contact.pk, 2, actor=actor),
            _entry(workspace, "company", company.pk, 3, actor=actor),
            _entry(workspace, "contact", other.pk, 4),
            _entry(workspace, "contact", contact.pk, 5, "delete"),
        ],
    }


# Creating the workspace and its members writes entries "now"; the log's entries are older.
LOG_HOUR = at(60)


def _ids(page) -> list[int]:  # type: ignore[no-untyped-def]
    return [e.pk for e in page.items]


def test_the_workspace_log_is_newest_first_and_filters_combine(owner, log, other_workspace) -> None:
    e = log["entries"]
    _entry(other_workspace, "contact", log["contact"].pk, 9)
    assert _ids(list_audit_entries(owner, until=LOG_HOUR)) == [
        e[4].pk,
        e[3].pk,
        e[2].pk,
        e[1].pk,
        e[0].pk,
    ]
    by_record = list_audit_entries(owner, object_type="contact", object_id=log["contact"].pk)
    assert _ids(by_record) == [e[4].pk, e[1].pk, e[0].pk]
    assert _ids(list_audit_entries(owner, actor_user_id=log["actor"].pk, until=LOG_HOUR)) == [
        e[2].pk,
        e[1].pk,
    ]
    assert _ids(list_audit_entries(owner, action="update", since=at(3), until=LOG_HOUR)) == [
        e[3].pk,
        e[2].pk,
    ]
    assert _ids(list_audit_entries(owner, since=at(2), until=at(4))) == [e[2].pk, e[1].pk]


def test_the_log_pages_with_a_cursor(owner, log) -> None:
    e = log["entries"]
    first = list_audit_entries(owner, until=LOG_HOUR, limit=3)
    second = list_audit_entries(owner, until=LOG_HOUR, limit=3, cursor=first.next_cursor)
    assert (_ids(first), _ids(second)) == ([e[4].pk, e[3].pk, e[2].pk], [e[1].pk, e[0].pk])
    assert (first.total, second.next_cursor) == (5, None)


def test_the_workspace_log_needs_the_audit_right(workspace, log) -> None:
    _, rep = make_member(workspace, "sales_rep")
    with pytest.raises(Forbidden):
        list_audit_entries(rep)


def test_a_record_history_needs_only_the_right_to_view_the_record(workspace, log) -> None:
    e = log["entries"]
    _, rep = make_member(workspace, "sales_rep")
    page = list_record_history(rep, log["contact"], action="update")
    assert _ids(page) == [e[1].pk]
    own_only = Principal(workspace.pk, rep.user_id, {"contact": {"view": "own"}})
    with pytest.raises(Forbidden):
        list_record_history(own_only, log["contact"])


def test_a_record_of_another_workspace_has_no_history_here(other_workspace, log) -> None:
    with pytest.raises(NotFound):
        list_record_history(owner_principal(other_workspace), log["contact"])


def test_audit_api_filters_for_an_auditor(api, log) -> None:
    e, contact = log["entries"], log["contact"]
    body = api.get(f"/api/v1/audit?object_type=contact&object_id={contact.pk}&action=update").json()
    assert [i["id"] for i in body["items"]] == [e[1].pk]
    assert body["items"][0] == {
        "id": e[1].pk,
        "created_at": "2026-03-02T09:02:00+00:00",
        "actor_user_id": log["actor"].pk,
        "actor_token_id": None,
        "actor_label": "",
        "action": "update",
        "object_type": "contact",
        "object_id": contact.pk,
        "object_repr": "",
        "changes": {"n": [1, 2]},
        "request_id": "",
    }
    since = api.get(
        "/api/v1/audit?since=2026-03-02T09:03:00%2B00:00&until=2026-03-02T10:00:00Z"
    ).json()
    assert [i["id"] for i in since["items"]] == [e[4].pk, e[3].pk, e[2].pk]


def test_audit_api_without_the_audit_right_is_403_for_the_log_but_a_record_history_works(
    workspace, log
) -> None:
    _, rep = make_member(workspace, "sales_rep")
    client = api_client_for(rep)
    before = AuditEntry.objects.count()
    forbidden = client.get("/api/v1/audit?action=update")
    assert forbidden.status_code == 403
    assert AuditEntry.objects.count() == before
    company = log["company"]
    history = client.get(f"/api/v1/audit?object_type=company&object_id={company.pk}").json()
    assert [i["id"] for i in history["items"]] == [log["entries"][2].pk]
    missing = f"/api/v1/audit?object_type=company&object_id={company.pk + 10_000}"
    assert client.get(missing).status_code == 404
    assert client.get("/api/v1/audit?object_type=company&object_id=0").status_code == 422


def test_audit_api_in_another_workspace_is_empty_or_404(other_workspace, log) -> None:
    contact = log["contact"]
    auditor = api_client_for(owner_principal(other_workspace))
    body = auditor.get(f"/api/v1/audit?object_type=contact&object_id={contact.pk}").json()
    assert (body["items"], body["total"]) == ([], 0)
    _, rep = make_member(other_workspace, "sales_rep")
    rep_response = api_client_for(rep).get(
        f"/api/v1/audit?object_type=contact&object_id={contact.pk}"
    )
    assert rep_response.status_code == 404
