"""The demo workspace's catalogue: 25 priced products in five categories and two price books."""

from __future__ import annotations

import decimal

import pytest

from rapport.demo.seed import DemoSize, seed_demo
from rapport.products.models import PriceBook, Product, ProductPrice
from rapport.products.queries import price_for

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_priced_catalogue_and_two_price_books() -> None:
    workspace = seed_demo(DemoSize(contacts=5, companies=2, activities=5), seed=3).workspace
    products = Product.objects.filter(workspace=workspace)
    assert products.count() == 25
    assert sorted(set(products.values_list("category", flat=True))) == [
        "Hardware", "Licences", "Services", "Support", "Training",
    ]  # fmt: skip
    assert list(products.filter(is_active=False).values_list("sku", flat=True)) == ["LIC-CLASSIC"]
    for product in products:
        currencies = ProductPrice.objects.filter(product=product).values_list("currency", flat=True)
        assert sorted(currencies) == ["EUR", "USD"], product.sku
    books = PriceBook.objects.filter(workspace=workspace).order_by("name")
    assert [(b.name, b.entries.count()) for b in books] == [
        ("EDU 2027", 20),
        ("Partner prices", 20),
    ]
    partner = books.get(name="Partner prices")
    pro = products.get(sku="LIC-PRO")
    assert price_for(workspace.pk, pro.pk, "USD") == decimal.Decimal("900.00")
    assert price_for(workspace.pk, pro.pk, "USD", partner.pk) == decimal.Decimal("720.00")
    consulting = products.get(sku="SRV-CONS")
    assert price_for(workspace.pk, consulting.pk, "EUR", partner.pk) == decimal.Decimal("165.00")
