"""Settings > Territories (list, create with errors in place, edit, reorder, switch, delete, the
test box, the assignment panel), rights and tenancy; away members on Settings > Users and
Settings > Notifications; the assignment note on record pages; the builder's territory step."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from typing import Any

import pytest

from rapport.automation.builder import post_from_definition
from rapport.automation.models import Workflow
from rapport.automation.services import create_workflow
from rapport.contacts.models import Contact
from rapport.contacts.services import create_contact
from rapport.core.models import AuditEntry
from rapport.deals.models import Deal
from rapport.deals.services import create_deal
from rapport.territories.models import AssignmentWorkflow, Territory
from rapport.workspaces.models import Membership
from rapport.workspaces.queries import workspace_today
from tests.conftest import make_member, make_workspace, owner_principal
from tests.page_clients import owner_client, page_queries, signed_in
from tests.territories.factories import make_team, make_territory

pytestmark = pytest.mark.django_db
URL = "/settings/territories"


def _text(response: Any) -> str:
    html = response.content.decode()
    main = html[html.find("<main") : html.find("</main>")] if "<main" in html else html
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", main))).strip()


def _state() -> tuple[list[dict[str, Any]], list[dict[str, Any]], int]:
    territories = list(Territory.objects.order_by("pk").values())
    return territories, list(Workflow.objects.order_by("pk").values()), AuditEntry.objects.count()


def _form(team_id: int, **fields: str) -> dict[str, str]:
    return {"name": "DACH", "team_id": str(team_id), "countries": "", "regions": "",
            "postcode_prefixes": "", "industries": "", "min_employees": "",
            "max_employees": "", "is_active": "on", **fields}  # fmt: skip


def test_the_list_shows_territories_in_order_in_fixed_queries(workspace, owner) -> None:
    team = make_team(owner, name="Field <sales>")
    make_territory(owner, team, name="<b>DACH</b>", countries=["DE", "AT"], min_employees=50)
    globex = owner_principal(make_workspace("Globex"))
    make_territory(globex, make_team(globex), name="Elsewhere")
    client = owner_client(workspace)
    few = page_queries(client, URL)
    for n in range(8):
        make_territory(owner, make_team(owner), name=f"T{n}", is_active=n % 2 == 0)
    html = client.get(URL).content.decode()
    assert "&lt;b&gt;DACH&lt;/b&gt;" in html and "<b>DACH" not in html
    assert "Field &lt;sales&gt;" in html and "Elsewhere" not in html
    text = _text(client.get(URL))
    assert "<b>DACH</b> country DE, AT; 50+ employees Field <sales> Active" in text
    assert text.index("T0") < text.index("T7") and "T1 any record" in text
    assert page_queries(client, URL) == few


def test_create_a_territory_from_comma_separated_rules(workspace, owner) -> None:
    team = make_team(owner)
    client = owner_client(workspace)
    posted = _form(team.pk, countries="de, at ,CH", postcode_prefixes="80, 81",
                   industries="Software", min_employees="10")  # fmt: skip
    response = client.post(URL, posted)
    assert (response.status_code, response["Location"]) == (302, URL)
    territory = Territory.objects.get(workspace=workspace)
    assert (territory.name, territory.team_id, territory.is_active) == ("DACH", team.pk, True)
    assert (territory.countries, territory.postcode_prefixes) == (["DE", "AT", "CH"], ["80", "81"])
    assert (territory.industries, territory.min_employees, territory.max_employees) == (
        ["Software"], 10, None,
    )  # fmt: skip


def test_errors_show_in_place_and_keep_what_was_typed(workspace, owner) -> None:
    team = make_team(owner)
    make_territory(owner, team, name="Taken")
    client = owner_client(workspace)
    before = _state()
    bad = client.post(URL, _form(team.pk, name="taken", countries="DE, UK", regions="<Tyrol>",
                                 min_employees="90", max_employees="9"))  # fmt: skip
    html = bad.content.decode()
    assert bad.status_code == 422
    assert 'value="DE, UK"' in html and 'value="&lt;Tyrol&gt;"' in html and 'value="taken"' in html
    assert "Use GB for the United Kingdom." in html
    nameless = client.post(URL, _form(team.pk, name="", max_employees="x"))
    assert nameless.status_code == 422
    assert "This field is required." in nameless.content.decode()
    clash = client.post(URL, _form(team.pk, name="taken"))
    assert clash.status_code == 422 and "Another territory has this name." in clash.content.decode()
    assert _state() == before


def test_edit_reorder_switch_off_and_delete(workspace, owner) -> None:
    team = make_team(owner)
    north = make_territory(owner, team, name="North", regions=["Hamburg"])
    south = make_territory(owner, team, name="South")
    client = owner_client(workspace)
    page = client.get(f"{URL}/{north.pk}").content.decode()
    assert 'value="Hamburg"' in page and "Save territory" in page
    saved = client.post(f"{URL}/{north.pk}", _form(team.pk, name="North", regions="Hamburg, Bremen",
                                                   version="1"))  # fmt: skip
    assert saved.status_code == 302
    assert Territory.objects.get(pk=north.pk).regions == ["Hamburg", "Bremen"]
    stale = client.post(f"{URL}/{north.pk}", _form(team.pk, name="Nord", version="1"))
    assert stale.status_code == 409 and "Someone changed this territory" in stale.content.decode()
    assert 'value="Nord"' in stale.content.decode()
    assert client.post(f"{URL}/order", {"move": f"up-{south.pk}"}).status_code == 302
    assert list(Territory.objects.order_by("position").values_list("name", flat=True)) == [
        "South", "North",
    ]  # fmt: skip
    assert client.post(f"{URL}/{south.pk}/active", {"active": "off"}).status_code == 302
    assert Territory.objects.get(pk=south.pk).is_active is False
    assert "Switch on" in client.get(URL).content.decode()
    assert client.post(f"{URL}/{south.pk}/delete").status_code == 302
    assert list(Territory.objects.values_list("name", flat=True)) == ["North"]


def test_the_test_box_says_which_territory_matches_and_why(workspace, owner) -> None:
    dach = make_team(owner, name="DACH team")
    make_territory(owner, dach, name="Tech", countries=["AT"], industries=["Software"])
    make_territory(owner, dach, name="Austria", countries=["AT"])
    client = owner_client(workspace)
    htmx = {"HX-Request": "true"}
    found = client.get(f"{URL}/test?country=at&industry=Retail", headers=htmx)
    assert found.content.decode().strip().startswith('<div id="territory-test-result"')
    assert _text(found) == (
        "Austria · worked by DACH team "
        "Tech: no — not industry Software Austria: matches (country AT)"
    )
    none = _text(client.get(f"{URL}/test?country=FR", headers=htmx))
    assert none.startswith("No territory matches.")
    page = _text(client.get(f"{URL}/test?country=AT&industry=software"))
    assert "Tech · worked by DACH team Tech: matches (country AT; industry Software)" in page
    assert "New territory" in page
    bad = _text(client.get(f"{URL}/test?employee_count=many", headers=htmx))
    assert bad == "Employees: Enter a whole number."


def test_the_assignment_panel_sets_up_switches_and_shows_the_workflows(workspace, owner) -> None:
    inbound = make_team(owner, name="Inbound")
    eve, _ = make_member(workspace, "sales_rep", full_name="Eve")
    client = owner_client(workspace)
    posted = {
        "lead-enabled": "on",
        "lead-then": "fewest_open",
        "lead-fallback_team_id": str(inbound.pk),
        "lead-fallback_user_id": str(eve.pk),
    }
    assert client.post(f"{URL}/assignment/lead", posted).status_code == 302
    workflow = AssignmentWorkflow.objects.get(workspace=workspace, kind="lead").workflow
    assert workflow.is_active and workflow.current_version is not None
    assert workflow.current_version.definition["steps"][0] == {
        "id": "assign", "type": "assign_owner", "mode": "territory", "then": "fewest_open",
        "fallback_team_id": inbound.pk, "fallback_user_id": eve.pk,
    }  # fmt: skip
    html = client.get(URL).content.decode()
    assert f'<a href="/workflows/{workflow.pk}">Assign new leads by territory</a>' in html
    assert f'<option value="{inbound.pk}" selected>Inbound</option>' in html
    off = {**posted, "lead-enabled": ""}
    del off["lead-enabled"]
    assert client.post(f"{URL}/assignment/lead", off).status_code == 302
    assert Workflow.objects.get(pk=workflow.pk).is_active is False
    assert client.get(f"/workflows/{workflow.pk}").status_code == 200
    bad = client.post(f"{URL}/assignment/deal", {"deal-then": "nope"})
    assert bad.status_code == 422 and "Select a valid choice" in bad.content.decode()
    assert client.post(f"{URL}/assignment/task", posted).status_code == 404


def test_a_sales_rep_sees_territories_without_controls_and_changes_nothing(
    workspace, owner
) -> None:
    team = make_team(owner)
    territory = make_territory(owner, team, name="North")
    user, _ = make_member(workspace, "sales_rep")
    client = signed_in(user)
    html = client.get(URL).content.decode()
    assert "North" in html and "Test the rules" in html
    assert "Create territory" not in html and "Switch off" not in html and ">Edit<" not in html
    assert "Your role may not create or edit workflows." in html
    before = _state()
    for url, data in (
        (URL, _form(team.pk, name="Mine")),
        (f"{URL}/{territory.pk}", _form(team.pk, name="Mine", version="1")),
        (f"{URL}/order", {"move": f"down-{territory.pk}"}),
        (f"{URL}/{territory.pk}/active", {"active": "off"}),
        (f"{URL}/{territory.pk}/delete", {}),
        (f"{URL}/assignment/lead", {"lead-enabled": "on", "lead-then": "round_robin"}),
    ):
        assert client.post(url, data).status_code == 403, url
    assert _state() == before


def test_another_workspaces_territory_is_not_found(workspace) -> None:
    boss = owner_principal(make_workspace("Globex"))
    theirs = make_territory(boss, make_team(boss), name="Theirs")
    client = owner_client(workspace)
    before = _state()
    assert client.get(f"{URL}/{theirs.pk}").status_code == 404
    assert client.post(f"{URL}/{theirs.pk}/active", {"active": "off"}).status_code == 404
    assert client.post(f"{URL}/{theirs.pk}/delete").status_code == 404
    assert client.post(f"{URL}/order", {"move": f"up-{theirs.pk}"}).status_code == 404
    assert _state() == before


# --- Away -----------------------------------------------------------------------------------------


def test_admins_mark_members_away_on_the_users_page(workspace, owner) -> None:
    user, _ = make_member(workspace, "sales_rep", full_name="Ann")
    other, _ = make_member(workspace, "sales_rep")
    until = workspace_today(workspace.pk) + dt.timedelta(days=3)
    client = owner_client(workspace)
    url = f"/settings/users/{user.pk}/away"
    assert client.post(url, {"away_until": until.isoformat()}).status_code == 302
    assert Membership.objects.get(user=user).away_until == until
    html = client.get("/settings/users").content.decode()
    row = html[
        html.index(f'id="member-{user.pk}"') : html.index(
            "</tr>", html.index(f'id="member-{user.pk}"')
        )
    ]
    assert f'<span class="badge badge-warn">Away until {until:%Y-%m-%d}</span>' in row
    assert client.post(url, {"away_until": until.isoformat(), "back": "1"}).status_code == 302
    assert Membership.objects.get(user=user).away_until is None
    rep = signed_in(user)
    assert (
        rep.post(f"/settings/users/{other.pk}/away", {"away_until": until.isoformat()}).status_code
        == 403
    )
    assert rep.post(url, {"away_until": until.isoformat()}).status_code == 302  # their own
    assert Membership.objects.get(user=other).away_until is None


def test_members_mark_themselves_away_on_the_notifications_page(workspace) -> None:
    user, _ = make_member(workspace, "read_only")
    client = signed_in(user)
    until = workspace_today(workspace.pk) + dt.timedelta(days=10)
    response = client.post("/settings/away", {"away_until": until.isoformat()}, follow=True)
    assert f"You are away until {until:%Y-%m-%d}" in response.content.decode()
    assert f'value="{until:%Y-%m-%d}"' in client.get("/settings/notifications").content.decode()
    past = until - dt.timedelta(days=30)
    refused = client.post("/settings/away", {"away_until": past.isoformat()}, follow=True)
    assert (
        "Nothing was changed: Choose today or a later day, or clear it." in refused.content.decode()
    )
    assert Membership.objects.get(user=user).away_until == until
    back = client.post("/settings/away", {"back": "1"}, follow=True)
    assert "You are no longer away." in back.content.decode()
    assert Membership.objects.get(user=user).away_until is None


# --- Record pages and the builder ---------------------------------------------------------------


def test_record_pages_show_the_assignment_note_under_the_owner(workspace, owner) -> None:
    contact = create_contact(owner, {"first_name": "Ada"})
    deal = create_deal(owner, {"name": "Big deal"})
    note = "Assigned by territory <EMEA> (round-robin) to Ada Byron"
    Contact.objects.filter(pk=contact.pk).update(last_assignment=note)
    Deal.objects.filter(pk=deal.pk).update(last_assignment=note)
    client = owner_client(workspace)
    escaped = (
        '<p class="muted small assignment-note">'
        "Assigned by territory &lt;EMEA&gt; (round-robin) to Ada Byron</p>"
    )
    assert escaped in client.get(f"/contacts/{contact.pk}").content.decode()
    assert escaped in client.get(f"/deals/{deal.pk}").content.decode()
    body = client.get(f"/api/v1/contacts/{contact.pk}").json()
    assert body["last_assignment"] == note
    patched = client.patch(
        f"/api/v1/contacts/{contact.pk}",
        {"last_assignment": "x"},
        content_type="application/json",
        headers={"If-Match": f'"{contact.pk}-1"'},
    )
    assert (patched.status_code, patched.json()["errors"][0]["loc"]) == (422, ["last_assignment"])


def test_the_builder_offers_the_territory_step_and_the_page_says_it_in_words(
    workspace, owner
) -> None:
    inbound = make_team(owner, name="Inbound")
    eve, _ = make_member(workspace, "sales_rep", full_name="Eve")
    definition = {
        "trigger": {"type": "record_created", "object_type": "contact"},
        "steps": [{"id": "s1", "type": "assign_owner", "mode": "territory", "then": "fewest_open",
                   "fallback_team_id": inbound.pk, "fallback_user_id": eve.pk}],
    }  # fmt: skip
    client = owner_client(workspace)
    form = {**post_from_definition(definition), "name": "Route", "description": ""}
    html = client.post("/workflows/new", {**form, "change": "refresh"},
                       headers={"HX-Request": "true"}).content.decode()  # fmt: skip
    assert 'name="steps-0-then"' in html and 'name="steps-0-fallback_team_id"' in html
    assert '<option value="fewest_open" selected>' in html
    assert f'<option value="{inbound.pk}" selected>Inbound</option>' in html
    assert client.post("/workflows/new", form).status_code == 302
    workflow = Workflow.objects.get(workspace=workspace)
    assert (
        workflow.current_version is not None and workflow.current_version.definition == definition
    )
    text = _text(client.get(f"/workflows/{workflow.pk}"))
    assert (
        "Assign the record by territory, to the member of its team with the fewest open records; "
        "if none matches, to the member of Inbound with the fewest open records, else to Eve"
    ) in text
    simple = {**definition, "steps": [{"id": "s1", "type": "assign_owner", "mode": "territory"}]}
    flow = create_workflow(owner, {"name": "Simple", "definition": simple})
    assert (
        "Assign the record by territory, in turn to the members of its team; "
        "if none matches, the owner stays"
    ) in _text(client.get(f"/workflows/{flow.pk}"))
