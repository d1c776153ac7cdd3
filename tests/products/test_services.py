"""Products and price books: validation, SKU rules, list prices, entries, rights and audit."""

from __future__ import annotations

import datetime as dt
import decimal
import importlib
from typing import Any

import pytest
from django.apps import apps
from django.utils import timezone

from rapport.core.errors import Conflict, Forbidden, Invalid, NotFound, PreconditionFailed
from rapport.core.models import AuditEntry, OutboxEvent
from rapport.core.permissions import ACTIONS
from rapport.products.models import PriceBook, PriceBookEntry, Product, ProductPrice
from rapport.products.services import (
    create_price_book,
    create_product,
    delete_price_book,
    delete_price_book_entries,
    delete_product,
    hard_delete_product,
    restore_product,
    set_price_book_entries,
    update_price_book,
    update_product,
)
from rapport.workspaces.models import Role
from rapport.workspaces.roles import BUILTIN_ROLES
from tests.conftest import make_member, make_workspace, owner_principal
from tests.products.factories import make_price_book, make_product

pytestmark = pytest.mark.django_db
D = decimal.Decimal


def _state() -> tuple[list[Any], ...]:
    """Every catalogue row and the audit log: compared before and after a refused write."""
    return (
        list(Product.objects.order_by("pk").values()),
        list(ProductPrice.objects.order_by("pk").values()),
        list(PriceBook.objects.order_by("pk").values()),
        list(PriceBookEntry.objects.order_by("pk").values()),
        list(AuditEntry.objects.order_by("pk").values_list("pk", flat=True)),
    )


def _prices(product: Product) -> dict[str, str]:
    return {p.currency: str(p.unit_price) for p in product.prices.order_by("currency")}


def _errors(info: Any) -> list[tuple[tuple[Any, ...], str]]:
    return [(e.loc, e.msg) for e in info.value.errors]


# --- Products -----------------------------------------------------------------------------------


def test_create_trims_upper_cases_currencies_and_audits_a_snapshot(owner: Any) -> None:
    product = create_product(
        owner,
        {
            "sku": " LIC-PRO ",
            "name": " Pro licence ",
            "category": "  Licences ",
            "tax_rate": "20",
            "unit": "seat",
            "prices": [
                {"currency": "eur", "unit_price": 120},
                {"currency": "USD", "unit_price": "130.5"},
            ],
        },
    )
    assert (product.sku, product.name, product.category, product.unit) == (
        "LIC-PRO", "Pro licence", "Licences", "seat",
    )  # fmt: skip
    assert (product.tax_rate, product.is_active, product.version) == (D("20.00"), True, 1)
    assert _prices(product) == {"EUR": "120.00", "USD": "130.50"}
    entry = AuditEntry.objects.get(object_type="product", object_id=product.pk)
    assert (entry.action, entry.object_repr) == ("create", "Pro licence (LIC-PRO)")
    assert entry.changes == {
        "sku": "LIC-PRO", "name": "Pro licence", "description": "", "category": "Licences",
        "unit": "seat", "tax_rate": "20.00", "is_active": True,
        "prices": {"EUR": "120.00", "USD": "130.50"},
    }  # fmt: skip
    event = OutboxEvent.objects.get(object_type="product", object_id=product.pk)
    assert event.name == "product.created"


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        (
            {"sku": "", "name": ""},
            [(("sku",), "A product needs a SKU."), (("name",), "A product needs a name.")],
        ),
        ({"sku": "x" * 65}, [(("sku",), "At most 64 characters.")]),
        ({"tax_rate": "101"}, [(("tax_rate",), "Enter a percentage from 0 to 100.")]),
        ({"tax_rate": "-1"}, [(("tax_rate",), "Enter a percentage from 0 to 100.")]),
        ({"tax_rate": "20.555"}, [(("tax_rate",), "Use at most 2 decimal places.")]),
        ({"tax_rate": "twenty"}, [(("tax_rate",), "Enter a number.")]),
        ({"is_active": "yes"}, [(("is_active",), "Enter true or false.")]),
        ({"name": "a\x00b"}, [(("name",), "Cannot contain a NUL character.")]),
        ({"owner_id": 1}, [(("owner_id",), "Unknown or read-only field.")]),
        (
            {"prices": [
                {"currency": "EURO", "unit_price": "1"},
                {"currency": "USD", "unit_price": "-0.01"},
                {"currency": "GBP", "unit_price": "1e16"},
                {"currency": "CHF", "unit_price": "NaN"},
                {"currency": "JPY", "unit_price": "1.005"},
                {"currency": "usd", "unit_price": "2"},
                "12",
            ]},
            [
                (("prices", 0, "currency"), "Use a three-letter currency code like EUR."),
                (("prices", 1, "unit_price"), "Enter zero or more."),
                (("prices", 2, "unit_price"), "Enter a price below 10^13."),
                (("prices", 3, "unit_price"), "Enter a number."),
                (("prices", 4, "unit_price"), "Use at most 2 decimal places."),
                (("prices", 5, "currency"), "USD has a price already."),
                (("prices", 6), "Give a currency and a unit price."),
            ],
        ),
    ],
)  # fmt: skip
def test_bad_input_is_refused_with_every_field_and_saves_nothing(
    owner: Any, data: dict[str, Any], errors: list[Any]
) -> None:
    before = _state()
    with pytest.raises(Invalid) as info:
        create_product(owner, {"sku": "A-1", "name": "Alpha", **data})
    assert _errors(info) == errors
    assert _state() == before


def test_huge_and_tiny_amounts_are_refused_not_rounded(owner: Any) -> None:
    for raw in ("1e999999", "10000000000000", "0.001", "1e-999999"):
        with pytest.raises(Invalid):
            make_product(owner, prices=[{"currency": "EUR", "unit_price": raw}])
    # The largest price keeps every cent, on SQLite (floats) as on PostgreSQL.
    product = make_product(owner, prices=[{"currency": "EUR", "unit_price": "9999999999999.99"}])
    assert _prices(product) == {"EUR": "9999999999999.99"}
    assert make_product(owner, tax_rate="100").tax_rate == D("100.00")


def test_sku_is_unique_per_workspace_in_any_case_among_live_products(owner: Any) -> None:
    first = make_product(owner, sku="Lic-1")
    with pytest.raises(Conflict) as info:
        make_product(owner, sku="LIC-1")
    assert _errors(info) == [(("sku",), "Another product has the SKU 'LIC-1'.")]
    make_product(owner_principal(make_workspace("Globex")), sku="LIC-1")  # another workspace
    delete_product(owner, first.pk)
    again = make_product(owner, sku="lic-1")  # the bin frees the SKU
    with pytest.raises(Conflict):
        restore_product(owner, first.pk)  # ...so the old one cannot come back meanwhile
    update_product(owner, again.pk, {"sku": "LIC-2"})
    assert restore_product(owner, first.pk).deleted_at is None


def test_update_replaces_list_prices_and_audits_the_diff(owner: Any) -> None:
    product = make_product(
        owner,
        prices=[{"currency": "EUR", "unit_price": "100"}, {"currency": "USD", "unit_price": "110"}],
    )
    price_ids = dict(product.prices.values_list("currency", "pk"))
    prices = [{"currency": "EUR", "unit_price": "90"}, {"currency": "GBP", "unit_price": "80"}]
    updated = update_product(
        owner, product.pk, {"name": "Renamed", "prices": prices}, expected_version=1
    )
    assert updated.version == 2
    assert _prices(updated) == {"EUR": "90.00", "GBP": "80.00"}
    assert product.prices.get(currency="EUR").pk == price_ids["EUR"]  # updated in place
    entry = AuditEntry.objects.get(object_id=product.pk, action="update")
    assert entry.changes == {
        "name": [product.name, "Renamed"],
        "prices": [{"EUR": "100.00", "USD": "110.00"}, {"EUR": "90.00", "GBP": "80.00"}],
    }
    update_product(owner, product.pk, {"category": "Support"})  # prices not named: kept
    assert _prices(product) == {"EUR": "90.00", "GBP": "80.00"}
    update_product(owner, product.pk, {"prices": None})  # null clears them, like []
    assert _prices(product) == {}


def test_a_stale_version_changes_nothing(owner: Any) -> None:
    product = make_product(owner)
    update_product(owner, product.pk, {"name": "Once"})
    before = _state()
    with pytest.raises(PreconditionFailed):
        update_product(owner, product.pk, {"name": "Twice"}, expected_version=1)
    assert _state() == before


def test_delete_restore_and_erase_follow_the_restore_bin(owner: Any, workspace: Any) -> None:
    product = make_product(owner)
    book = make_price_book(owner, [(product, "EUR", "90")])
    delete_product(owner, product.pk)
    assert Product.objects.get(pk=product.pk).deleted_at is not None
    with pytest.raises(NotFound):
        update_product(owner, product.pk, {"name": "x"})
    restore_product(owner, product.pk)
    _, manager = make_member(workspace, "manager")
    delete_product(manager, product.pk)
    with pytest.raises(Forbidden):
        hard_delete_product(manager, product.pk)  # erasing is for admins
    hard_delete_product(owner, product.pk)
    assert not Product.objects.filter(pk=product.pk).exists()
    assert not PriceBookEntry.objects.filter(price_book=book).exists()
    actions = AuditEntry.objects.filter(object_type="product", object_id=product.pk)
    assert list(actions.order_by("pk").values_list("action", flat=True)) == [
        "create", "delete", "restore", "delete", "hard_delete",
    ]  # fmt: skip


def test_a_product_restored_after_the_window_is_not_found(owner: Any) -> None:
    product = make_product(owner)
    delete_product(owner, product.pk)
    Product.objects.filter(pk=product.pk).update(deleted_at=timezone.now() - dt.timedelta(days=31))
    with pytest.raises(NotFound):
        restore_product(owner, product.pk)


@pytest.mark.parametrize("role", ["sales_rep", "read_only", "support_agent", "marketer"])
def test_roles_without_the_right_change_nothing(workspace: Any, owner: Any, role: str) -> None:
    product = make_product(owner)
    book = make_price_book(owner, [(product, "EUR", "90")])
    _, member = make_member(workspace, role)
    before = _state()
    entry_id = book.entries.get().pk
    entry = {"product_id": product.pk, "currency": "EUR", "unit_price": 1}
    writes = [
        lambda: make_product(member),
        lambda: update_product(member, product.pk, {"name": "x"}),
        lambda: delete_product(member, product.pk),
        lambda: create_price_book(member, {"name": "Mine"}),
        lambda: update_price_book(member, book.pk, {"name": "x"}),
        lambda: delete_price_book(member, book.pk),
        lambda: set_price_book_entries(member, book.pk, [entry]),
        lambda: delete_price_book_entries(member, book.pk, [entry_id]),
    ]  # fmt: skip
    for write in writes:
        with pytest.raises(Forbidden):
            write()
    assert _state() == before


def test_a_manager_runs_the_catalogue(workspace: Any) -> None:
    _, manager = make_member(workspace, "manager")
    product = make_product(manager)
    update_product(manager, product.pk, {"is_active": False})
    book = make_price_book(manager, [(product, "EUR", "1")])
    delete_price_book(manager, book.pk)
    delete_product(manager, product.pk)
    assert Product.objects.get(pk=product.pk).is_active is False


def test_another_workspaces_product_is_not_found(owner: Any) -> None:
    theirs = make_product(owner_principal(make_workspace("Globex")))
    book = make_price_book(owner)
    before = _state()
    with pytest.raises(NotFound):
        update_product(owner, theirs.pk, {"name": "x"})
    with pytest.raises(NotFound):
        delete_product(owner, theirs.pk)
    with pytest.raises(Invalid) as info:
        set_price_book_entries(
            owner, book.pk, [{"product_id": theirs.pk, "currency": "EUR", "unit_price": 1}]
        )
    assert _errors(info) == [
        (("entries", 0, "product_id"), f"No product {theirs.pk} in this workspace.")
    ]
    assert _state() == before


# --- Price books --------------------------------------------------------------------------------


def test_price_book_names_are_unique_among_live_books(owner: Any) -> None:
    book = create_price_book(owner, {"name": "Partner prices", "description": "Resellers"})
    with pytest.raises(Conflict):
        create_price_book(owner, {"name": "PARTNER PRICES"})
    with pytest.raises(Invalid) as info:
        create_price_book(owner, {"name": " ", "is_active": "no"})
    assert _errors(info) == [
        (("name",), "A price book needs a name."),
        (("is_active",), "Enter true or false."),
    ]
    updated = update_price_book(owner, book.pk, {"is_active": False}, expected_version=1)
    assert (updated.version, updated.is_active) == (2, False)
    assert AuditEntry.objects.get(object_type="price_book", action="update").changes == {
        "is_active": [True, False]
    }
    delete_price_book(owner, book.pk)
    assert create_price_book(owner, {"name": "Partner prices"}).pk != book.pk
    with pytest.raises(NotFound):
        update_price_book(owner, book.pk, {"name": "Back"})


def test_entries_are_upserted_by_product_and_currency_and_audited(owner: Any) -> None:
    alpha, beta = make_product(owner), make_product(owner)
    book = make_price_book(owner, [(alpha, "EUR", "90"), (alpha, "USD", "95")])
    saved = set_price_book_entries(
        owner,
        book.pk,
        [
            {"product_id": beta.pk, "currency": "eur", "unit_price": "50"},
            {"product_id": alpha.pk, "currency": "EUR", "unit_price": "85.5"},
            {"product_id": alpha.pk, "currency": "USD", "unit_price": "95"},  # unchanged
        ],
    )
    assert [(e.product_id, e.currency, str(e.unit_price)) for e in saved] == [
        (beta.pk, "EUR", "50.00"),
        (alpha.pk, "EUR", "85.50"),
        (alpha.pk, "USD", "95.00"),
    ]
    assert book.entries.count() == 3
    update = AuditEntry.objects.filter(object_type="price_book", object_id=book.pk).latest("pk")
    assert update.changes == {
        "entries": [
            [{"product_id": alpha.pk, "currency": "EUR", "unit_price": "90.00"}],
            [
                {"product_id": alpha.pk, "currency": "EUR", "unit_price": "85.50"},
                {"product_id": beta.pk, "currency": "EUR", "unit_price": "50.00"},
            ],
        ]
    }
    count = AuditEntry.objects.count()
    set_price_book_entries(
        owner, book.pk, [{"product_id": beta.pk, "currency": "EUR", "unit_price": 50}]
    )
    assert AuditEntry.objects.count() == count  # nothing changed, nothing logged
    assert PriceBook.objects.get(pk=book.pk).version == 1  # entries are their own resource


def test_bad_entries_are_reported_at_their_index_and_save_nothing(owner: Any) -> None:
    product = make_product(owner)
    gone = make_product(owner)
    delete_product(owner, gone.pk)
    book = make_price_book(owner)
    before = _state()
    with pytest.raises(Invalid) as info:
        set_price_book_entries(
            owner,
            book.pk,
            [
                {"product_id": product.pk, "currency": "EUR", "unit_price": "-5"},
                {"product_id": product.pk, "currency": "E1", "unit_price": "5"},
                {"product_id": gone.pk, "currency": "EUR", "unit_price": "5"},
                {"product_id": product.pk, "currency": "USD", "unit_price": "5"},
                {"product_id": product.pk, "currency": "usd", "unit_price": "6"},
                {"product_id": True, "currency": "USD", "unit_price": "5", "note": "x"},
            ],
        )
    assert _errors(info) == [
        (("entries", 0, "unit_price"), "Enter zero or more."),
        (("entries", 1, "currency"), "Use a three-letter currency code like EUR."),
        (("entries", 4, "currency"), f"Product {product.pk} has a USD price in this list already."),
        (("entries", 5, "note"), "Unknown field."),
        (("entries", 5, "product_id"), "Give a product's id."),
        (("entries", 2, "product_id"), f"No product {gone.pk} in this workspace."),
    ]
    assert _state() == before


def test_removing_entries_is_all_or_nothing(owner: Any) -> None:
    product = make_product(owner)
    book = make_price_book(owner, [(product, "EUR", "90"), (product, "USD", "95")])
    other = make_price_book(owner, [(product, "EUR", "70")])
    eur = book.entries.get(currency="EUR")
    before = _state()
    with pytest.raises(Invalid) as info:
        delete_price_book_entries(owner, book.pk, [eur.pk, other.entries.get().pk])
    assert _errors(info) == [(("ids", 1), f"No entry {other.entries.get().pk} in this price book.")]
    assert _state() == before
    assert delete_price_book_entries(owner, book.pk, [eur.pk]) == 1
    assert list(book.entries.values_list("currency", flat=True)) == ["USD"]
    audit = AuditEntry.objects.filter(object_type="price_book", object_id=book.pk).latest("pk")
    assert audit.changes == {
        "entries": [[{"product_id": product.pk, "currency": "EUR", "unit_price": "90.00"}], []]
    }


def test_the_migration_grants_existing_built_in_roles(workspace: Any) -> None:
    migration = importlib.import_module("rapport.products.migrations.0002_grant_builtin_roles")
    roles = Role.objects.filter(workspace=workspace)
    for role in roles:
        role.grants = {k: v for k, v in role.grants.items() if k != "product"}
        role.save(update_fields=["grants"])
    Role.objects.create(workspace=workspace, key="helpers", name="Helpers", grants={})
    migration.grant(apps, None)
    grants = {role.key: role.grants.get("product") for role in roles.all()}
    assert grants["owner"] == grants["admin"] == {a: "all" for a in ACTIONS}
    assert grants["manager"] == {
        "view": "all", "create": "all", "edit": "all", "delete": "all", "import": "all",
    }  # fmt: skip
    assert grants["sales_rep"] == grants["read_only"] == {"view": "all"}
    assert grants["helpers"] is None  # a custom role stays as its admin made it
    built_in = {key: role["grants"]["product"] for key, role in BUILTIN_ROLES.items()}
    assert {k: v for k, v in grants.items() if k != "helpers"} == built_in
    migration.revoke(apps, None)
    assert all("product" not in role.grants for role in roles.all())
