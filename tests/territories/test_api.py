"""/api/v1/territories beyond the contract suite: field errors, order, match; and away members
through /api/v1/me and /api/v1/members."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from rapport.core.models import AuditEntry
from rapport.territories.models import Territory
from rapport.workspaces.models import Membership
from rapport.workspaces.queries import workspace_today
from tests.conftest import api_client_for, make_member, make_workspace, owner_principal
from tests.territories.factories import make_team, make_territory

pytestmark = pytest.mark.django_db


def _state() -> tuple[list[dict[str, Any]], int]:
    return list(Territory.objects.order_by("pk").values()), AuditEntry.objects.count()


def test_bad_rules_are_problems_with_field_errors(api, owner) -> None:
    team = make_team(owner)
    response = api.post("/api/v1/territories", {
        "name": "Europe", "team_id": team.pk, "countries": ["DE", "UK"], "postcode_prefixes": ["?"],
    })  # fmt: skip
    assert (response.status_code, response["Content-Type"]) == (422, "application/problem+json")
    assert response.json()["errors"] == [
        {"loc": ["countries", 1], "msg": "Use GB for the United Kingdom.", "type": "invalid"},
        {"loc": ["postcode_prefixes", 0], "msg": "Use letters and digits, e.g. 75 or SW1.",
         "type": "invalid"},
    ]  # fmt: skip
    missing = api.post("/api/v1/territories", {"name": "No team"})
    assert missing.status_code == 422
    assert [e["loc"] for e in missing.json()["errors"]] == [["team_id"]]
    assert not Territory.objects.exists()


def test_the_list_is_in_priority_order_and_put_order_changes_it(api, owner, workspace) -> None:
    team = make_team(owner)
    a, b, c = (make_territory(owner, team, name=n).pk for n in ("A", "B", "C"))
    names = [t["name"] for t in api.get("/api/v1/territories").json()["items"]]
    assert names == ["A", "B", "C"]
    response = api.put("/api/v1/territories/order", {"territory_ids": [b, c, a]})
    assert response.status_code == 200
    assert [(t["name"], t["position"]) for t in response.json()] == [("B", 1), ("C", 2), ("A", 3)]
    _, rep = make_member(workspace, "sales_rep")
    rep_api = api_client_for(rep)
    before = _state()
    bad = api.put("/api/v1/territories/order", {"territory_ids": [b, c]})
    assert (bad.status_code, bad.json()["errors"][0]["loc"]) == (422, ["territory_ids"])
    assert rep_api.put("/api/v1/territories/order", {"territory_ids": [a, b, c]}).status_code == 403
    assert _state() == before


def test_match_says_which_territory_facts_fall_in(api, owner, workspace) -> None:
    team = make_team(owner)
    make_territory(
        owner, team, name="Tech DACH", countries=["DE", "AT", "CH"], industries=["Software"]
    )
    rest = make_territory(owner, team, name="Rest of DACH", countries=["DE", "AT", "CH"])
    make_territory(owner, team, name="Paused", is_active=False)
    found = api.post("/api/v1/territories/match", {"country": "de", "industry": "retail"})
    assert found.status_code == 200
    assert found.json()["territory"]["id"] == rest.pk
    tech = api.post("/api/v1/territories/match", {"country": "AT", "industry": "software"})
    assert tech.json()["territory"]["name"] == "Tech DACH"
    assert api.post("/api/v1/territories/match", {"country": "US"}).json() == {"territory": None}
    extra = api.post("/api/v1/territories/match", {"country": "DE", "city": "Berlin"})
    assert (extra.status_code, extra.json()["errors"][0]["loc"]) == (422, ["city"])
    _, reader = make_member(workspace, "read_only")
    assert api_client_for(reader).post("/api/v1/territories/match", {"country": "DE"}).json()[
        "territory"
    ]["id"] == rest.pk  # fmt: skip
    stranger = api_client_for(owner_principal(make_workspace("Globex")))
    assert stranger.post("/api/v1/territories/match", {"country": "DE"}).json() == {
        "territory": None
    }


# --- Away ---------------------------------------------------------------------------------------


def test_members_mark_themselves_away_and_admins_mark_anyone(api, owner, workspace) -> None:
    rep_user, rep = make_member(workspace, "sales_rep")
    other, _ = make_member(workspace, "sales_rep")
    rep_api = api_client_for(rep)
    until = workspace_today(owner.workspace_id) + dt.timedelta(days=7)
    me = rep_api.patch("/api/v1/me", {"away_until": until.isoformat()})
    assert (me.status_code, me.json()["away_until"]) == (200, until.isoformat())
    member = api.get(f"/api/v1/members/{rep_user.pk}").json()
    assert (member["away_until"], member["is_away"]) == (until.isoformat(), True)
    own = rep_api.patch(f"/api/v1/members/{rep_user.pk}", {"away_until": None})
    assert (own.status_code, own.json()["away_until"], own.json()["is_away"]) == (200, None, False)
    assert (
        rep_api.patch(f"/api/v1/members/{other.pk}", {"away_until": until.isoformat()}).status_code
        == 403
    )
    admin = api.patch(f"/api/v1/members/{other.pk}", {"away_until": until.isoformat()})
    assert (admin.status_code, admin.json()["is_away"]) == (200, True)
    entry = AuditEntry.objects.filter(object_type="user", object_id=other.pk).latest("pk")
    assert (entry.action, entry.changes) == ("edit", {"away_until": [None, until.isoformat()]})


def test_away_writes_that_are_refused_change_nothing(api, owner, workspace) -> None:
    user, rep = make_member(workspace, "sales_rep")
    yesterday = workspace_today(owner.workspace_id) - dt.timedelta(days=1)
    past = api_client_for(rep).patch("/api/v1/me", {"away_until": yesterday.isoformat()})
    assert (past.status_code, past.json()["errors"][0]["loc"]) == (422, ["away_until"])
    read_only = api_client_for(rep, can_write=False)
    assert read_only.patch("/api/v1/me", {"away_until": None}).status_code == 403
    assert api_client_for(rep).patch("/api/v1/me", {}).status_code == 422
    stranger = api_client_for(owner_principal(make_workspace("Globex")))
    assert stranger.patch(f"/api/v1/members/{user.pk}", {"away_until": None}).status_code == 404
    assert Membership.objects.get(user=user).away_until is None
    assert not AuditEntry.objects.filter(
        object_type="user", object_id=user.pk, action="edit"
    ).exists()
