"""The quote's PDF: a valid file whose text holds the number, version, dates, parties, every
line, the tax and totals in the quote's currency, and the terms."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from rapport.deals.services import create_deal, set_line_items
from rapport.quotes.pdf import money, plain, render_pdf
from rapport.quotes.services import create_quote
from tests.quotes.factories import make_quotable_deal

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_pdf_holds_everything_the_customer_is_offered(owner, workspace) -> None:
    deal = make_quotable_deal(owner)
    quote = create_quote(
        owner, deal.pk, {"terms": "Payment within 30 days.\nPrices exclude travel."}
    )
    pdf = render_pdf(quote, "UTC")
    assert pdf.startswith(b"%PDF-1.") and pdf.rstrip().endswith(b"%%EOF")
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.metadata.title == f"Quote {quote.number} v1"
    text = " ".join(_text(pdf).split())
    for expected in (
        f"Quote {quote.number}",
        f"Version 1 · Issued {quote.created_at.date().isoformat()} · Valid until "
        f"{quote.valid_until.isoformat()}",
        workspace.name, "Umbrella Health", "1 Raccoon Street", "69001 Lyon", "Alice Abernathy",
        "alice@umbrella.example.com",
        "Pro seat", "SEAT-PRO", "10 seat", "€120.00", "10 %", "20 %", "€1,080.00",
        "Onboarding", "Two days on site", "€1,500.00",
        "Subtotal (before tax) €2,580.00", "Tax 20 % on €1,080.00 €216.00",
        "Total (EUR) €2,796.00",
        "Payment within 30 days.", "Prices exclude travel.",
    ):  # fmt: skip
        assert expected in text, expected
    assert "Nemesis" not in text  # the deal's own (internal) name is never shown


def test_a_long_quote_runs_over_pages_and_uncommon_characters_never_break_it(owner) -> None:
    deal = create_deal(owner, {"name": "Big", "currency": "INR"})
    lines = [{"name": f"Line {n} \u2013 Łódź & <Ő>", "unit_price": "99.50", "quantity": n}
             for n in range(1, 61)]  # fmt: skip
    set_line_items(owner, deal.pk, lines)
    quote = create_quote(owner, deal.pk)
    pdf = render_pdf(quote, "Asia/Kolkata")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 2
    text = _text(pdf)
    # Vera lacks "ź" and "Ő": their base letters stand in rather than an empty box.
    assert "Line 60 \u2013 Łódz & <O>" in text
    assert "INR 99.50" in text  # so does the code for a symbol the font lacks (₹)
    assert money("1234.5", "EUR") == "€1,234.50"
    assert plain("東") == "?"
