"""Search: substring matches on names, emails, phones and domains, scoped and ranked.

Every test runs the same on SQLite (FTS5 trigram) and PostgreSQL (pg_trgm).
"""

from __future__ import annotations

import pytest
from django.db import connection

from rapport.core.permissions import Principal
from rapport.search.indexing import company_entry, contact_entry
from rapport.search.models import SearchEntry
from rapport.search.queries import search
from rapport.search.services import index_record, rebuild_index, remove_record
from tests.activities.factories import at, make_company, make_contact
from tests.conftest import api_client_for, make_member, make_workspace

pytestmark = pytest.mark.django_db


def _indexed_contact(workspace, **fields):  # type: ignore[no-untyped-def]
    contact = make_contact(workspace, **fields)
    index_record(**contact_entry(contact))
    return contact


def _indexed_company(workspace, **fields):  # type: ignore[no-untyped-def]
    company = make_company(workspace, **fields)
    index_record(**company_entry(company))
    return company


def _ids(principal, q: str, object_type: str = "contact") -> list[int]:  # type: ignore[no-untyped-def]
    return [r.object_id for r in search(principal, q)[object_type]]


@pytest.fixture
def ada(workspace):  # type: ignore[no-untyped-def]
    return _indexed_contact(
        workspace, emails=("ada@analytical.org",), phones=("+15550100",), first_name="Ada"
    )


@pytest.fixture
def grace(workspace):  # type: ignore[no-untyped-def]
    return _indexed_contact(
        workspace,
        first_name="Grace",
        last_name="Hopper",
        emails=("grace@navy.mil",),
        phones=("+442071838750",),
    )


def test_a_substring_in_the_middle_of_a_name_finds_the_contact(owner, ada, grace) -> None:
    assert _ids(owner, "ovela") == [ada.pk]
    assert _ids(owner, "OPPE") == [grace.pk]
    assert _ids(owner, "ada lovelace") == [ada.pk]


def test_a_part_of_an_email_finds_the_contact(owner, ada, grace) -> None:
    assert _ids(owner, "@analytical") == [ada.pk]
    assert _ids(owner, "navy.mil") == [grace.pk]


@pytest.mark.parametrize("q", ["5550100", "555 0100", "+1 555-0100", "(555) 01", "0100"])
def test_phone_digits_find_the_contact_whatever_the_format(owner, ada, grace, q) -> None:
    assert _ids(owner, q) == [ada.pk]


def test_a_part_of_a_domain_or_name_finds_the_company(owner, workspace, ada) -> None:
    engines = _indexed_company(workspace, domains=("babbage-engines.co.uk",), name="Difference Ltd")
    _indexed_company(workspace, domains=("looms.fr",), name="Jacquard")
    assert _ids(owner, "engines.co", "company") == [engines.pk]
    assert _ids(owner, "ferenc", "company") == [engines.pk]
    assert search(owner, "engines.co")["contact"] == []


def test_short_queries_match_the_start_of_a_word_only(owner, ada, grace) -> None:
    assert _ids(owner, "gr") == [grace.pk]
    assert _ids(owner, "ho") == [grace.pk]
    assert _ids(owner, "ra") == []  # inside "grace", but too short for a substring match
    assert _ids(owner, "a") == [ada.pk]


def test_exact_and_prefix_matches_rank_before_infix(owner, workspace) -> None:
    infix = _indexed_contact(workspace, first_name="Aaron", last_name="Macada")
    prefix = _indexed_contact(workspace, first_name="Adalbert", last_name="Zed")
    exact = _indexed_contact(workspace, first_name="Ada", last_name="Young")
    assert _ids(owner, "ada") == [exact.pk, prefix.pk, infix.pk]


def test_prefix_matches_win_even_beyond_the_ranked_candidates(
    owner, workspace, monkeypatch
) -> None:
    monkeypatch.setattr("rapport.search.queries.CANDIDATES", 2)
    for name in ("Ashlee", "Kaylee", "Marlee", "Shirlee"):
        _indexed_contact(workspace, first_name=name, last_name="Infix")
    lee = _indexed_contact(workspace, first_name="Lee", last_name="Exact")
    found = search(owner, "lee")["contact"]
    assert found[0].object_id == lee.pk and len(found) <= 4


def test_a_first_read_without_enough_word_starts_reads_on(
    owner, workspace, monkeypatch, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("rapport.search.queries.FIRST_SCAN", 2)
    for name in ("Ashlee", "Kaylee"):  # matched first, but "lee" only inside a word
        _indexed_contact(workspace, first_name=name, last_name="Infix")
    lee = _indexed_contact(workspace, first_name="Lee", last_name="Exact")
    with django_assert_num_queries(3 + 1):  # read, read on, rank; companies: one empty read
        found = search(owner, "lee", types=["contact", "company"], limit=1)
    assert [r.object_id for r in found["contact"]] == [lee.pk]
    with django_assert_num_queries(2 + 1):  # enough word starts in the first read
        found = search(owner, "infix", types=["contact", "company"], limit=1)
    assert len(found["contact"]) == 1


def test_another_workspaces_matches_do_not_crowd_out_ours(owner, workspace, monkeypatch) -> None:
    """The text index's scan is capped, but only this workspace's matches count towards it."""
    monkeypatch.setattr("rapport.search.queries.FTS_SCAN", 3)
    other = make_workspace("Globex")
    for n in range(5):  # indexed first, so they come first in the index's order
        _indexed_contact(other, first_name=f"Smith{n}", last_name="Elsewhere")
    ours = _indexed_contact(workspace, first_name="Jo", last_name="Smithers")
    assert [r.object_id for r in search(owner, "smith")["contact"]] == [ours.pk]


def test_results_are_grouped_by_type_and_limited(owner, workspace) -> None:
    for i in range(3):
        _indexed_contact(workspace, first_name=f"Turing{i}")
    company = _indexed_company(workspace, name="Turing Trust")
    found = search(owner, "turing", limit=2)
    assert [r.title for r in found["contact"]] == ["Turing0 Lovelace", "Turing1 Lovelace"]
    assert [r.object_id for r in found["company"]] == [company.pk]
    assert list(search(owner, "turing", types=["company"])) == ["company"]


def test_another_workspace_sees_nothing(other_workspace, ada) -> None:
    from tests.conftest import owner_principal

    assert search(owner_principal(other_workspace), "lovelace") == {
        "contact": [], "company": [], "ticket": []
    }  # fmt: skip


def test_own_scope_sees_only_owned_records_and_no_right_sees_none(workspace) -> None:
    rep_user, _ = make_member(workspace)
    mine = _indexed_contact(workspace, last_name="Babbage", owner=rep_user)
    _indexed_contact(workspace, last_name="Babbage")  # owned by nobody
    own = Principal(workspace.pk, rep_user.pk, {"contact": {"view": "own"}})
    assert _ids(own, "babb") == [mine.pk]
    nothing = Principal(workspace.pk, rep_user.pk, {"company": {"view": "all"}})
    assert search(nothing, "babb") == {"contact": [], "company": [], "ticket": []}


def test_team_scope_sees_teammates_records(workspace) -> None:
    mate, _ = make_member(workspace)
    me, _ = make_member(workspace)
    theirs = _indexed_contact(workspace, last_name="Babbage", owner=mate)
    _indexed_contact(workspace, last_name="Babbage")
    team = Principal(workspace.pk, me.pk, {"contact": {"view": "team"}}, frozenset({mate.pk}))
    assert _ids(team, "babbage") == [theirs.pk]


def test_the_index_follows_updates(owner, ada) -> None:
    ada.last_name = "King"
    ada.save()
    index_record(**contact_entry(ada))
    assert _ids(owner, "ovela") == []
    assert _ids(owner, "king") == [ada.pk]
    assert SearchEntry.objects.get(object_id=ada.pk).title == "Ada King"


def test_the_index_follows_soft_deletes_and_restores(owner, workspace, ada) -> None:
    ada.deleted_at = at(0)
    ada.save()
    remove_record(workspace.pk, "contact", ada.pk)
    assert _ids(owner, "lovelace") == []
    assert SearchEntry.objects.filter(object_id=ada.pk).count() == 0
    index_record(**contact_entry(ada))
    assert _ids(owner, "lovelace") == [ada.pk]


def test_rebuild_index_indexes_every_live_record_of_the_workspace(
    owner, workspace, other_workspace
) -> None:
    live = make_contact(workspace, phones=("+15550199",))
    make_contact(workspace, last_name="Gone", deleted_at=at(0))
    company = make_company(workspace, domains=("engines.io",))
    make_contact(other_workspace, last_name="Elsewhere")
    index_record(
        workspace.pk, "contact", 999_999, title="stale", subtitle="", terms=["stale"], owner_id=None
    )
    assert rebuild_index(workspace.pk) == 2
    rows = SearchEntry.objects.filter(workspace=workspace).order_by("object_type")
    assert [(r.object_type, r.object_id) for r in rows] == [
        ("company", company.pk),
        ("contact", live.pk),
    ]
    assert rows[1].text == "ada lovelace +15550199 15550199"
    assert _ids(owner, "0199") == [live.pk]
    assert _ids(owner, "stale") == []
    assert SearchEntry.objects.filter(workspace=other_workspace).count() == 0


def test_search_runs_a_bounded_number_of_queries_per_type(
    owner, ada, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    # Per type: one read of the matches, then the ranking of the candidates found (skipped
    # when there were none: no company or ticket matches).
    with django_assert_num_queries(4):
        search(owner, "lovelace")


def test_search_api_groups_results_by_type(api, workspace, ada) -> None:
    company = _indexed_company(workspace, domains=("analytical.org",), name="Analytical Society")
    body = api.get("/api/v1/search?q=analytical&types=contact,company&limit=5").json()
    assert body == {
        "query": "analytical",
        "results": {
            "contact": [
                {
                    "object_type": "contact",
                    "id": ada.pk,
                    "title": "Ada Lovelace",
                    "subtitle": "ada@analytical.org",
                }
            ],
            "company": [
                {
                    "object_type": "company",
                    "id": company.pk,
                    "title": "Analytical Society",
                    "subtitle": "analytical.org",
                }
            ],
        },
    }
    assert api.get("/api/v1/search?q=x&types=deal").status_code == 422


def test_search_api_respects_the_token_users_scope(workspace, ada) -> None:
    _, reader = make_member(workspace, "read_only")
    body = api_client_for(reader).get("/api/v1/search?q=lovelace").json()
    assert [hit["id"] for hit in body["results"]["contact"]] == [ada.pk]


def _fts_rowids(object_type: str, phrase: str) -> list[int]:
    table = f"search_searchentry_fts_{object_type}"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT rowid FROM {table} WHERE {table} MATCH %s", [phrase])  # noqa: S608
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 index")
def test_sqlite_fts_tables_mirror_each_types_entries(workspace, ada) -> None:  # type: ignore[no-untyped-def]
    acme = _indexed_company(workspace, name="Analytical Engines Ltd")
    entry = SearchEntry.objects.get(object_type="contact")
    company_entry_id = SearchEntry.objects.get(object_type="company").pk
    assert _fts_rowids("contact", '"analytical"') == [entry.pk]
    assert _fts_rowids("company", '"analytical"') == [company_entry_id]
    acme.name = "Difference Works"
    index_record(**company_entry(acme))
    assert _fts_rowids("company", '"analytical"') == []
    assert _fts_rowids("company", '"difference"') == [company_entry_id]
    remove_record(workspace.pk, "contact", ada.pk)
    assert _fts_rowids("contact", '"analytical"') == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's pg_trgm index")
def test_postgresql_has_a_trigram_index_per_type(ada) -> None:  # type: ignore[no-untyped-def]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes "
            "WHERE indexname LIKE 'search_searchentry_text_trgm%%' ORDER BY 1"
        )
        rows = cursor.fetchall()
    assert [name for name, _ in rows] == [
        "search_searchentry_text_trgm_company",
        "search_searchentry_text_trgm_contact",
        "search_searchentry_text_trgm_ticket",
    ]
    assert all("USING gin (text gin_trgm_ops) WHERE" in sql for _, sql in rows)
