"""List filters: each operator, value coercion and field-level errors."""

from __future__ import annotations

import datetime as dt

import pytest

from rapport.contacts.models import Contact
from rapport.core.errors import Invalid
from rapport.core.filters import FilterField, filters_q

pytestmark = pytest.mark.django_db

FIELDS = {
    "first_name": FilterField("first_name"),
    "birthday": FilterField("birthday", "date"),
    "id": FilterField("id", "id"),
}


@pytest.fixture
def people(workspace):  # type: ignore[no-untyped-def]
    return {
        name: Contact.objects.create(workspace=workspace, first_name=name, birthday=b)
        for name, b in [
            ("Ann", dt.date(1990, 1, 1)),
            ("Annabel", None),
            ("Bob", dt.date(1985, 6, 1)),
            ("", dt.date(2000, 1, 1)),
        ]
    }


def _names(workspace, *terms: str) -> list[str]:  # type: ignore[no-untyped-def]
    qs = Contact.objects.filter(workspace=workspace).filter(filters_q(FIELDS, list(terms)))
    return sorted(qs.values_list("first_name", flat=True))


@pytest.mark.parametrize(
    ("terms", "expected"),
    [
        (("first_name:eq:ann",), ["Ann"]),
        (("first_name:neq:ann",), ["", "Annabel", "Bob"]),
        (("first_name:contains:NAB",), ["Annabel"]),
        (("first_name:starts-with:an",), ["Ann", "Annabel"]),
        (("birthday:gt:1989-12-31",), ["", "Ann"]),
        (("birthday:lte:1990-01-01",), ["Ann", "Bob"]),
        (("first_name:in:Ann,Bob",), ["Ann", "Bob"]),
        (("first_name:is-empty:true",), [""]),
        (("birthday:is-empty:true",), ["Annabel"]),
        (("birthday:is-empty:false", "first_name:starts-with:a"), ["Ann"]),
    ],
)
def test_operators(workspace, people, terms, expected) -> None:  # type: ignore[no-untyped-def]
    assert _names(workspace, *terms) == expected


def test_every_bad_term_is_reported_with_its_field(workspace) -> None:
    with pytest.raises(Invalid) as exc:
        filters_q(
            FIELDS,
            [
                "birthday:gt:yesterday",
                "salary:eq:1",
                "first_name:like:x",
                "birthday:contains:19",
                "nonsense",
            ],
        )
    locs = [e.loc for e in exc.value.errors]
    assert locs == [
        ("filter", "birthday"),
        ("filter", "salary"),
        ("filter", "first_name"),
        ("filter", "birthday"),
        ("filter",),
    ]


def test_a_choice_compares_exactly_with_the_value_lower_cased(workspace) -> None:  # type: ignore[no-untyped-def]
    fields = {"stage": FilterField("lifecycle_stage", "choice")}
    for name, stage in [("Ann", "customer"), ("Bob", "lead"), ("Cy", "")]:
        Contact.objects.create(workspace=workspace, first_name=name, lifecycle_stage=stage)

    def names(*terms: str) -> list[str]:
        qs = Contact.objects.filter(workspace=workspace).filter(filters_q(fields, list(terms)))
        return sorted(qs.values_list("first_name", flat=True))

    assert names("stage:eq:Customer") == ["Ann"]
    assert names("stage:in:LEAD,customer") == ["Ann", "Bob"]
    assert names("stage:is-empty:true") == ["Cy"]
    sql = str(Contact.objects.filter(filters_q(fields, ["stage:eq:customer"])).query)
    assert "LIKE" not in sql.upper()  # an index can answer it
