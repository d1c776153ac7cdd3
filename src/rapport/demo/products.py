"""The demo workspace's product catalogue: 25 products in five categories, each with USD and EUR
list prices, and two price books ("Partner prices" and "EDU 2027").

Fixed rather than random, so the demo's prices read like a real price list. Rows are written
with bulk_create like the rest of the seed (the command's transaction is the boundary).
"""

from __future__ import annotations

import decimal

from rapport.products.models import PriceBook, PriceBookEntry, Product, ProductPrice
from rapport.workspaces.models import Workspace

# (sku, name, category, unit, tax rate, USD, EUR)
CATALOGUE: tuple[tuple[str, str, str, str, str, str, str], ...] = (
    ("LIC-STD", "Standard licence (annual)", "Licences", "seat", "20", "480", "450"),
    ("LIC-PRO", "Professional licence (annual)", "Licences", "seat", "20", "900", "840"),
    ("LIC-ENT", "Enterprise licence (annual)", "Licences", "seat", "20", "1500", "1400"),
    ("LIC-API", "API add-on (annual)", "Licences", "seat", "20", "240", "225"),
    ("LIC-SBX", "Sandbox workspace (annual)", "Licences", "workspace", "20", "1200", "1100"),
    ("LIC-CLASSIC", "Classic licence", "Licences", "seat", "20", "360", "340"),
    ("SRV-ONB", "Onboarding package", "Services", "project", "20", "2500", "2300"),
    ("SRV-MIG", "Data migration", "Services", "project", "20", "4000", "3700"),
    ("SRV-CONS", "Consulting", "Services", "hour", "20", "180", "165"),
    ("SRV-INT", "Integration development", "Services", "day", "20", "1200", "1100"),
    ("SRV-WF", "Workflow design workshop", "Services", "day", "20", "1500", "1400"),
    ("SUP-STD", "Standard support (annual)", "Support", "year", "20", "600", "560"),
    ("SUP-PREM", "Premium support (annual)", "Support", "year", "20", "2400", "2200"),
    ("SUP-TAM", "Technical account manager (annual)", "Support", "year", "20", "12000", "11000"),
    ("SUP-247", "24/7 incident response (annual)", "Support", "year", "20", "6000", "5500"),
    ("SUP-INC", "Single support incident", "Support", "incident", "20", "350", "320"),
    ("HW-SCAN", "Business card scanner", "Hardware", "unit", "20", "149", "139"),
    ("HW-HEAD", "Calling headset", "Hardware", "unit", "20", "89", "85"),
    ("HW-TAB", "Trade show tablet kit", "Hardware", "unit", "20", "699", "649"),
    ("HW-BADGE", "Badge printer", "Hardware", "unit", "20", "399", "369"),
    ("TRN-ADM", "Admin training (1 day)", "Training", "seat", "0", "650", "600"),
    ("TRN-USR", "User training (half day)", "Training", "seat", "0", "300", "280"),
    ("TRN-DEV", "API developer course", "Training", "seat", "0", "900", "840"),
    ("TRN-CERT", "Certification exam", "Training", "seat", "0", "200", "185"),
    ("TRN-ELRN", "E-learning library (annual)", "Training", "seat", "0", "120", "110"),
)
RETIRED = {"LIC-CLASSIC"}  # inactive: on old deals only
# (name, description, discount in percent, the categories it prices)
PRICE_BOOKS = (
    ("Partner prices", "Resellers and referral partners: 20% off licences and support.", 20,
     ("Licences", "Support")),
    ("EDU 2027", "Schools and universities, 2027 season: 40% off licences and training.", 40,
     ("Licences", "Training")),
)  # fmt: skip
_CENT = decimal.Decimal("0.01")


def _discounted(price: decimal.Decimal, percent: int) -> decimal.Decimal:
    return (price * (100 - percent) / 100).quantize(_CENT, rounding=decimal.ROUND_HALF_UP)


def seed_products(workspace: Workspace) -> list[Product]:
    """The catalogue, its USD and EUR list prices and the two price books of live products."""
    products = Product.objects.bulk_create(
        Product(
            workspace=workspace, sku=sku, name=name, category=category, unit=unit,
            tax_rate=decimal.Decimal(tax), is_active=sku not in RETIRED,
        )
        for sku, name, category, unit, tax, _, _ in CATALOGUE
    )  # fmt: skip
    prices = [
        ProductPrice(product=p, workspace=workspace, currency=c, unit_price=decimal.Decimal(v))
        for p, row in zip(products, CATALOGUE, strict=True)
        for c, v in (("USD", row[5]), ("EUR", row[6]))
    ]
    ProductPrice.objects.bulk_create(prices)
    for name, description, percent, categories in PRICE_BOOKS:
        book = PriceBook.objects.create(workspace=workspace, name=name, description=description)
        PriceBookEntry.objects.bulk_create(
            PriceBookEntry(
                price_book=book, workspace=workspace, product=price.product,
                currency=price.currency, unit_price=_discounted(price.unit_price, percent),
            )
            for price in prices
            if price.product.category in categories and price.product.is_active
        )  # fmt: skip
    return products
