"""Territory writes (rules normalised and checked, order, delete), rights, tenancy, and the
facts territory rules read of contacts, companies and deals."""

from __future__ import annotations

from typing import Any

import pytest

from rapport.companies.services import create_company
from rapport.contacts.services import create_contact
from rapport.core.errors import Forbidden, Invalid, NotFound, PreconditionFailed
from rapport.core.models import AuditEntry, OutboxEvent
from rapport.deals.services import create_deal
from rapport.territories import queries
from rapport.territories.matching import Facts
from rapport.territories.models import Territory
from rapport.territories.services import (
    create_territory,
    delete_territory,
    reorder_territories,
    update_territory,
)
from rapport.workspaces.services import delete_team
from tests.conftest import make_member, make_workspace, owner_principal
from tests.territories.factories import make_team, make_territory

pytestmark = pytest.mark.django_db


def _state() -> tuple[list[dict[str, Any]], int]:
    return list(Territory.objects.order_by("pk").values()), AuditEntry.objects.count()


def _errors(exc: pytest.ExceptionInfo[Invalid]) -> list[tuple[tuple[Any, ...], str]]:
    return [(e.loc, e.msg) for e in exc.value.errors]


def test_create_keeps_rules_normalised_and_tries_new_territories_last(owner) -> None:
    team = make_team(owner, name="DACH")
    first = make_territory(owner, team)
    dach = create_territory(owner, {
        "name": "  DACH  software ", "team_id": team.pk, "countries": [" de", "at", "DE"],
        "regions": ["Bavaria", " bavaria", "Tyrol"], "postcode_prefixes": [" 8-0", "sw1a "],
        "industries": ["Software", "software"], "min_employees": 10, "max_employees": 500,
    })  # fmt: skip
    dach.refresh_from_db()
    assert (dach.name, dach.position, first.position, dach.is_active) == (
        "DACH software",
        2,
        1,
        True,
    )
    assert (dach.countries, dach.regions) == (["DE", "AT"], ["Bavaria", "Tyrol"])
    assert (dach.postcode_prefixes, dach.industries) == (["80", "SW1A"], ["Software"])
    entry = AuditEntry.objects.get(object_type="territory", object_id=dach.pk)
    assert entry.action == "create"
    assert entry.changes == {
        "name": "DACH software", "team_id": team.pk, "is_active": True, "countries": ["DE", "AT"],
        "regions": ["Bavaria", "Tyrol"], "postcode_prefixes": ["80", "SW1A"],
        "industries": ["Software"], "min_employees": 10, "max_employees": 500, "position": 2,
    }  # fmt: skip
    assert OutboxEvent.objects.filter(name="territory.created", object_id=dach.pk).count() == 1


def test_every_bad_rule_is_named_with_its_place_and_nothing_is_written(owner) -> None:
    team = make_team(owner)
    globex_team = make_team(owner_principal(make_workspace("Globex")))
    before = _state()
    with pytest.raises(Invalid) as exc:
        create_territory(owner, {
            "name": "", "team_id": globex_team.pk, "countries": ["DE", "UK", "XX", 7],
            "postcode_prefixes": ["75", "7?5"], "regions": ["  "], "min_employees": -1,
        })  # fmt: skip
    assert _errors(exc) == [
        (("name",), "A territory needs a name of 1 to 100 characters."),
        (("team_id",), "Choose the team of this workspace that works it."),
        (("countries", 1), "Use GB for the United Kingdom."),
        (("countries", 2), "'XX' is not an ISO 3166 country code (e.g. DE, GB, US)."),
        (("countries", 3), "Give text."),
        (("postcode_prefixes", 1), "Use letters and digits, e.g. 75 or SW1."),
        (("regions", 0), "Use 1 to 100 characters."),
        (("min_employees",), "Enter a whole number from 0 to 10,000,000."),
    ]
    with pytest.raises(Invalid) as exc:
        create_territory(owner, {"name": "Mid", "team_id": team.pk, "min_employees": 500,
                                 "max_employees": 50})  # fmt: skip
    assert _errors(exc) == [(("max_employees",), "The most employees must be at least the fewest.")]
    with pytest.raises(Invalid) as exc:
        create_territory(owner, {"name": "No team"})
    assert _errors(exc) == [(("team_id",), "Choose the team of this workspace that works it.")]
    assert _state() == before


def test_names_are_unique_without_case(owner) -> None:
    team = make_team(owner)
    emea = make_territory(owner, team, name="EMEA")
    other = make_territory(owner, team, name="APAC")
    with pytest.raises(Invalid) as exc:
        create_territory(owner, {"name": "emea", "team_id": team.pk})
    assert _errors(exc) == [(("name",), "Another territory has this name.")]
    with pytest.raises(Invalid):
        update_territory(owner, other.pk, {"name": "Emea"})
    update_territory(owner, emea.pk, {"name": "EMEA"})  # its own name is fine
    assert Territory.objects.count() == 2


def test_update_replaces_or_clears_lists_and_audits_the_change(owner) -> None:
    team, other_team = make_team(owner), make_team(owner)
    territory = make_territory(owner, team, countries=["DE"], industries=["Software"])
    updated = update_territory(
        owner, territory.pk,
        {"countries": ["fr", "BE"], "industries": None, "team_id": other_team.pk}, 1,
    )  # fmt: skip
    assert (updated.countries, updated.industries, updated.team_id) == (
        ["FR", "BE"],
        [],
        other_team.pk,
    )
    assert updated.version == 2
    change = AuditEntry.objects.get(object_type="territory", action="update")
    assert change.changes == {
        "countries": [["DE"], ["FR", "BE"]],
        "industries": [["Software"], []],
        "team_id": [team.pk, other_team.pk],
    }
    same = update_territory(owner, territory.pk, {"countries": ["FR", "BE"]})
    assert same.version == 2 and AuditEntry.objects.filter(action="update").count() == 1
    with pytest.raises(PreconditionFailed):
        update_territory(owner, territory.pk, {"is_active": False}, 1)
    with pytest.raises(Invalid) as exc:
        update_territory(owner, territory.pk, {"position": 9})
    assert _errors(exc) == [(("position",), "This field cannot be set.")]
    assert Territory.objects.get(pk=territory.pk).is_active is True


def test_reorder_sets_the_order_territories_are_tried_in(owner) -> None:
    team = make_team(owner)
    a, b, c = (make_territory(owner, team, name=n) for n in ("A", "B", "C"))
    reorder_territories(owner, [c.pk, a.pk, b.pk])
    assert [t.name for t in queries.territories_in_order(owner)] == ["C", "A", "B"]
    moves = AuditEntry.objects.filter(object_type="territory", action="update").order_by("pk")
    assert [(m.object_id, m.changes) for m in moves] == [
        (c.pk, {"position": [3, 1]}), (a.pk, {"position": [1, 2]}), (b.pk, {"position": [2, 3]}),
    ]  # fmt: skip
    before = _state()
    for wrong in ([a.pk, b.pk], [a.pk, b.pk, c.pk, c.pk], [a.pk, b.pk, c.pk + 100]):
        with pytest.raises(Invalid):
            reorder_territories(owner, wrong)
    assert _state() == before


def test_delete_removes_the_territory_and_audits_it(owner) -> None:
    territory = make_territory(owner, make_team(owner), name="Gone")
    delete_territory(owner, territory.pk)
    assert not Territory.objects.filter(pk=territory.pk).exists()
    entry = AuditEntry.objects.get(object_type="territory", action="delete")
    assert (entry.object_id, entry.changes["name"]) == (territory.pk, "Gone")


def test_a_deleted_team_leaves_its_territories_without_one(owner) -> None:
    team = make_team(owner)
    territory = make_territory(owner, team)
    delete_team(owner, team.pk)
    assert Territory.objects.get(pk=territory.pk).team_id is None


def test_a_sales_rep_may_read_but_not_write_territories() -> None:
    workspace = make_workspace("Initech")
    boss = owner_principal(workspace)
    _, rep = make_member(workspace, "sales_rep")
    _, manager = make_member(workspace, "manager")
    team = make_team(boss)
    territory = make_territory(boss, team, name="North")
    before = _state()
    for write in (
        lambda: create_territory(rep, {"name": "Mine", "team_id": team.pk}),
        lambda: update_territory(rep, territory.pk, {"name": "Mine"}),
        lambda: reorder_territories(rep, [territory.pk]),
        lambda: delete_territory(rep, territory.pk),
    ):
        with pytest.raises(Forbidden):
            write()
    assert _state() == before
    assert [t.name for t in queries.territories_in_order(rep)] == ["North"]
    assert update_territory(manager, territory.pk, {"name": "North & East"}).version == 2


def test_another_workspace_sees_and_changes_nothing(owner) -> None:
    theirs = make_territory(owner, make_team(owner), name="Theirs", countries=["DE"])
    stranger = owner_principal(make_workspace("Globex"))
    before = _state()
    with pytest.raises(NotFound):
        queries.get_territory(stranger, theirs.pk)
    with pytest.raises(NotFound):
        update_territory(stranger, theirs.pk, {"name": "Mine"})
    with pytest.raises(NotFound):
        delete_territory(stranger, theirs.pk)
    with pytest.raises(Invalid):
        reorder_territories(stranger, [theirs.pk])
    assert queries.territories_in_order(stranger) == []
    assert queries.find_territory_for(stranger, Facts(country="DE")) is None
    assert queries.find_territory_for(owner, Facts(country="DE")) == theirs
    assert _state() == before


# --- Facts of records ---------------------------------------------------------------------------


def test_a_contact_uses_its_own_address_else_its_companys(owner) -> None:
    acme = create_company(owner, {
        "name": "Acme", "industry": "Software", "employee_count": 120, "country": "FR",
        "region": "Île-de-France", "postal_code": "75008",
    })  # fmt: skip
    own = create_contact(owner, {"first_name": "Ada", "company_id": acme.pk, "country": "DE",
                                 "region": "Bavaria"})  # fmt: skip
    bare = create_contact(owner, {"first_name": "Bob", "company_id": acme.pk})
    alone = create_contact(owner, {"first_name": "Cy"})
    assert queries.facts_of_record("contact", own) == Facts("DE", "Bavaria", "", "Software", 120)
    assert queries.facts_of_record("contact", bare) == Facts(
        "FR", "Île-de-France", "75008", "Software", 120
    )
    assert queries.facts_of_record("contact", alone) == Facts()
    assert queries.facts_of_record("company", acme) == Facts(
        "FR", "Île-de-France", "75008", "Software", 120
    )


def test_a_deal_uses_its_company_else_its_primary_contacts_address(owner) -> None:
    acme = create_company(owner, {"name": "Acme", "industry": "Retail", "country": "GB",
                                  "postal_code": "SW1A 1AA"})  # fmt: skip
    nowhere = create_company(owner, {"name": "Nowhere Ltd", "employee_count": 8})
    ada = create_contact(owner, {"first_name": "Ada", "country": "AT", "region": "Tyrol"})
    bob = create_contact(owner, {"first_name": "Bob", "country": "CH"})
    with_company = create_deal(owner, {"name": "D1", "company_id": acme.pk})
    fallback = create_deal(owner, {
        "name": "D2", "company_id": nowhere.pk,
        "contacts": [{"contact_id": bob.pk}, {"contact_id": ada.pk, "is_primary": True}],
    })  # fmt: skip
    no_company = create_deal(owner, {"name": "D3", "contacts": [{"contact_id": bob.pk}]})
    assert queries.facts_of_record("deal", with_company) == Facts("GB", "", "SW1A 1AA", "Retail")
    assert queries.facts_of_record("deal", fallback) == Facts("AT", "Tyrol", "", "", 8)
    assert queries.facts_of_record("deal", no_company) == Facts("CH")
    with pytest.raises(LookupError):
        queries.facts_of_record("activity", with_company)
