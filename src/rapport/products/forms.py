"""Forms of the catalogue's Settings pages: they parse input; products.services validates.

A product's list prices are a repeatable block of rows named `price-<n>-currency` and
`price-<n>-unit_price` with their count in `price_count`; "Add price" and "Remove" are submit
buttons that draw the form again with one row more or less, so nothing typed is lost and no
script is needed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.http import QueryDict

from rapport.core.errors import FieldError

MAX_PRICE_ROWS = 50
STATUS_CHOICES = (("", "Active and inactive"), ("active", "Active"), ("inactive", "Inactive"))


class ProductForm(forms.Form):
    sku = forms.CharField(label="SKU", max_length=64, help_text="Unique in the workspace.")
    name = forms.CharField(label="Name", max_length=200)
    category = forms.CharField(
        label="Category",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"list": "product-categories", "autocomplete": "off"}),
        help_text="Commission rates can differ per category.",
    )
    unit = forms.CharField(label="Unit", max_length=32, required=False, help_text="e.g. seat, hour")
    tax_rate = forms.CharField(
        label="Tax rate (%)", max_length=30, required=False, initial="0.00", help_text="0 to 100"
    )
    description = forms.CharField(
        label="Description", max_length=5000, required=False, widget=forms.Textarea({"rows": 4})
    )
    is_active = forms.BooleanField(
        label="Active",
        required=False,
        initial=True,
        help_text="Inactive products stay on existing line items but cannot be added to new ones.",
    )

    @classmethod
    def as_typed(cls, post: QueryDict) -> ProductForm:
        """An unbound form showing what was typed, for drawing it again without judging it."""
        initial: dict[str, Any] = {name: post.get(name, "") for name in cls.base_fields}
        initial["is_active"] = "is_active" in post
        return cls(initial=initial)

    def make_read_only(self) -> None:
        for item in self.fields.values():
            item.disabled = True


class ProductFilterForm(forms.Form):
    """The list's search box and filters (GET); every value is optional."""

    q = forms.CharField(
        label="Search", max_length=200, required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Name or SKU"}),
    )  # fmt: skip
    # Any text is accepted (a category may have emptied since the link was made).
    category = forms.CharField(label="Category", max_length=100, required=False)
    status = forms.ChoiceField(label="Status", required=False, choices=STATUS_CHOICES)

    def __init__(self, data: Any, categories: list[str]) -> None:
        super().__init__(data)
        choices = [("", "All categories"), *((c, c) for c in categories)]
        self.fields["category"].widget = forms.Select(choices=choices)

    def terms(self) -> list[str]:
        """The chosen filters as the API's filter terms."""
        data = self.cleaned_data if self.is_valid() else {}
        terms: list[str] = []
        if data.get("category"):
            terms.append(f"category:eq:{data['category']}")
        if data.get("status"):
            terms.append(f"is_active:eq:{'true' if data['status'] == 'active' else 'false'}")
        return terms


@dataclass
class PriceRow:
    """One row of the list prices block as typed, with its problems."""

    currency: str = ""
    unit_price: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def is_blank(self) -> bool:
        return not self.currency.strip() and not self.unit_price.strip()


def posted_price_rows(post: QueryDict) -> list[PriceRow]:
    raw = post.get("price_count", "")
    count = min(int(raw), MAX_PRICE_ROWS) if raw.isdigit() and len(raw) < 4 else 0
    return [
        PriceRow(post.get(f"price-{i}-currency", ""), post.get(f"price-{i}-unit_price", ""))
        for i in range(count)
    ]


def price_rows_of(prices: list[Any]) -> list[PriceRow]:
    """Rows for a product's list prices (ProductPrice rows); one empty row when it has none."""
    rows = [PriceRow(p.currency, str(p.unit_price)) for p in prices]
    return rows or [PriceRow()]


def change_price_rows(rows: list[PriceRow], post: QueryDict) -> bool:
    """Apply an "Add price" or "Remove" button; True when one was pressed (nothing is saved)."""
    if "add_price" in post:
        if len(rows) < MAX_PRICE_ROWS:
            rows.append(PriceRow())
        return True
    removed = post.get("remove_price", "")
    if removed.isdigit() and len(removed) < 4:
        index = int(removed)
        if index < len(rows):
            rows.pop(index)
        return True
    return False


def prices_input(rows: list[PriceRow]) -> tuple[list[dict[str, str]], list[int]]:
    """The service's `prices` from the rows that are not blank, and each one's row index."""
    kept = [i for i, row in enumerate(rows) if not row.is_blank]
    prices = [{"currency": rows[i].currency, "unit_price": rows[i].unit_price} for i in kept]
    return prices, kept


def add_price_errors(rows: list[PriceRow], kept: list[int], errors: list[FieldError]) -> bool:
    """Put errors located at ("prices", n, field) on their row; True when any was placed."""
    placed = False
    for error in errors:
        if len(error.loc) == 3 and error.loc[0] == "prices" and isinstance(error.loc[1], int):
            row = rows[kept[error.loc[1]]]
            row.errors.setdefault(str(error.loc[2]), error.msg)
            placed = True
    return placed


class PriceBookForm(forms.Form):
    name = forms.CharField(label="Name", max_length=100)
    description = forms.CharField(label="Description", max_length=500, required=False)
    is_active = forms.BooleanField(
        label="Active",
        required=False,
        initial=True,
        help_text="Inactive books are not offered for new deals.",
    )

    def make_read_only(self) -> None:
        for item in self.fields.values():
            item.disabled = True


class EntryForm(forms.Form):
    """Adding an entry: a product (picked by SKU or name), a currency and a price."""

    product_id = forms.IntegerField(
        label="Product",
        min_value=1,
        widget=forms.Select,
        error_messages={"required": "Choose a product.", "invalid": "Choose a product."},
    )
    currency = forms.CharField(label="Currency", max_length=3, widget=forms.TextInput({"size": 4}))
    unit_price = forms.CharField(label="Unit price", max_length=40)

    def offer(self, products: list[tuple[int, str]]) -> None:
        """The products the picker lists (the service checks the one chosen)."""
        self.fields["product_id"].widget.choices = [("", "Choose a product"), *products]
