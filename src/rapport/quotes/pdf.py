"""A quote as a PDF (reportlab; see docs/decisions/0004-quote-pdf.md), from its frozen copy.

The text is set in Bitstream Vera, the TrueType family reportlab ships, embedded (subset) in the
file so it looks the same everywhere and its text can be searched and copied. Vera covers the
Latin-1 range and more; a character it lacks is replaced by its base letter ("ő" -> "o") or "?",
and a currency symbol it lacks by the currency's code ("INR 1,234.50"), never drawn as a box.
"""

from __future__ import annotations

import io
import unicodedata
import zoneinfo
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import reportlab
from babel.numbers import get_currency_symbol
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from rapport.currencies.codes import LOCALE
from rapport.currencies.formatting import format_money
from rapport.quotes.models import Quote

FONT, BOLD = "RapportVera", "RapportVera-Bold"
INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#52606d")
RULE = colors.HexColor("#cbd2d9")


@cache
def _covered() -> frozenset[int]:
    """Register the fonts once; the code points they draw."""
    folder = Path(reportlab.__file__).parent / "fonts"
    regular = TTFont(FONT, str(folder / "Vera.ttf"))
    pdfmetrics.registerFont(regular)
    pdfmetrics.registerFont(TTFont(BOLD, str(folder / "VeraBd.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)
    return frozenset(regular.face.charToGlyph)


def _char(ch: str, covered: frozenset[int]) -> str:
    if ord(ch) in covered or ch in "\n\t":
        return ch
    base = unicodedata.normalize("NFKD", ch)[:1]
    return base if base and ord(base) in covered else "?"


def plain(value: Any) -> str:
    """Text as the PDF's font can draw it."""
    covered = _covered()
    return "".join(_char(ch, covered) for ch in str(value or ""))


def text(value: Any) -> str:
    """Text as the PDF's font can draw it, escaped for a Paragraph's mark-up."""
    return escape(plain(value))


def money(amount: Any, currency: str) -> str:
    formatted = format_money(amount, currency)
    covered = _covered()
    if all(ord(ch) in covered for ch in formatted):
        return formatted
    symbol = str(get_currency_symbol(currency, locale=LOCALE))
    return text(formatted.replace(symbol, f"{currency} ", 1).replace("  ", " "))


def percent(value: str) -> str:
    return f"{Decimal(value).normalize():f} %"


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=FONT, fontSize=9, leading=12, textColor=INK)
    return {
        "base": base,
        "title": ParagraphStyle("title", base, fontName=BOLD, fontSize=18, leading=22),
        "head": ParagraphStyle("head", base, fontName=BOLD),
        "muted": ParagraphStyle("muted", base, textColor=MUTED, fontSize=8, leading=10),
        "right": ParagraphStyle("right", base, alignment=TA_RIGHT),
        "right_bold": ParagraphStyle("right_bold", base, fontName=BOLD, alignment=TA_RIGHT),
    }


def _party(
    title: str, party: dict[str, Any] | None, extra: list[str], s: dict[str, Any]
) -> list[Paragraph]:
    lines = [Paragraph(text(title), s["muted"])]
    if party:
        lines.append(Paragraph(text(party.get("name", "")), s["head"]))
        place = " ".join(filter(None, (party.get("postal_code"), party.get("city"))))
        for line in (party.get("street"), place, party.get("region"), party.get("country")):
            if line:
                lines.append(Paragraph(text(line), s["base"]))
    lines += [Paragraph(text(line), s["base"]) for line in extra if line]
    return lines


def _parties(quote: Quote, s: dict[str, Any]) -> Table:
    offer = quote.offer
    seller = offer.get("seller") or {}
    contact = offer.get("contact") or {}
    company = offer.get("company")
    to_party = company or ({"name": contact.get("name")} if contact else None)
    to_lines = (
        [contact.get("name", ""), contact.get("email", "")]
        if company
        else [contact.get("email", "")]
    )
    left = _party(
        "From",
        {"name": seller.get("name", "")},
        [seller.get("contact", ""), seller.get("email", "")],
        s,
    )
    right = _party("For", to_party, to_lines, s)
    table = Table([[left, right]], colWidths=[85 * mm, 85 * mm])
    table.setStyle(
        TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)])
    )
    return table


def _lines(quote: Quote, s: dict[str, Any]) -> Table:
    cur = quote.currency
    heads = ("#", "Item", "Qty", "Unit price", "Disc.", "Tax", "Net")
    rows: list[list[Any]] = [
        [Paragraph(h, s["head"] if i < 2 else s["right_bold"]) for i, h in enumerate(heads)]
    ]
    for n, item in enumerate(quote.offer.get("items", []), start=1):
        label = [Paragraph(text(item["name"]), s["base"])]
        detail = " · ".join(filter(None, (item.get("sku"), item.get("description"))))
        if detail:
            label.append(Paragraph(text(detail).replace("\n", "<br/>"), s["muted"]))
        qty = f"{item['quantity']} {item.get('unit') or ''}".strip()
        rows.append(
            [
                Paragraph(str(n), s["base"]),
                label,
                Paragraph(text(qty), s["right"]),
                Paragraph(money(item["unit_price"], cur), s["right"]),
                Paragraph(percent(item["discount_percent"]), s["right"]),
                Paragraph(percent(item["tax_rate"]), s["right"]),
                Paragraph(money(item["net"], cur), s["right"]),
            ]
        )
    table = Table(
        rows, colWidths=[8 * mm, 64 * mm, 18 * mm, 26 * mm, 16 * mm, 14 * mm, 26 * mm], repeatRows=1
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
                ("LINEBELOW", (0, 1), (-1, -1), 0.3, RULE),
                ("LEFTPADDING", (0, 0), (0, -1), 0),
            ]
        )
    )
    return table


def _totals(quote: Quote, s: dict[str, Any]) -> Table:
    offer, cur = quote.offer, quote.currency
    rows = [
        [
            Paragraph("Subtotal (before tax)", s["right"]),
            Paragraph(money(offer["subtotal"], cur), s["right"]),
        ]
    ]
    for tax in offer.get("taxes", []):
        label = f"Tax {percent(tax['rate'])} on {money(tax['net'], cur)}"
        rows.append([Paragraph(label, s["right"]), Paragraph(money(tax["tax"], cur), s["right"])])
    rows.append(
        [
            Paragraph(f"Total ({cur})", s["right_bold"]),
            Paragraph(money(offer["total"], cur), s["right_bold"]),
        ]
    )
    table = Table(rows, colWidths=[144 * mm, 26 * mm])
    table.setStyle(
        TableStyle(
            [("LINEABOVE", (0, -1), (-1, -1), 0.8, INK), ("RIGHTPADDING", (0, 0), (-1, -1), 6)]
        )
    )
    return table


def _heading(quote: Quote, issued: str, s: dict[str, Any]) -> list[Flowable]:
    facts = (
        f"Version {quote.version} · Issued {issued} · Valid until {quote.valid_until.isoformat()}"
    )
    return [Paragraph(text(f"Quote {quote.number}"), s["title"]), Paragraph(facts, s["muted"])]


def render_pdf(quote: Quote, time_zone: str = "UTC") -> bytes:
    """The quote as PDF bytes: number, version, dates, parties, every line, tax, totals, terms."""
    _covered()
    s = _styles()
    issued_at = quote.created_at.astimezone(zoneinfo.ZoneInfo(time_zone))
    story: list[Flowable] = [
        *_heading(quote, issued_at.date().isoformat(), s),
        Spacer(1, 8 * mm),
        _parties(quote, s),
        Spacer(1, 8 * mm),
        _lines(quote, s),
        Spacer(1, 4 * mm),
        _totals(quote, s),
    ]
    if quote.terms:
        story += [
            Spacer(1, 8 * mm),
            Paragraph("Terms", s["head"]),
            Paragraph(text(quote.terms).replace("\n", "<br/>"), s["base"]),
        ]
    buffer = io.BytesIO()
    title = f"Quote {quote.number} v{quote.version}"
    seller = str((quote.offer.get("seller") or {}).get("name", ""))

    def footer(canvas: Any, doc: Any) -> None:
        canvas.setFont(FONT, 7)
        canvas.setFillColor(MUTED)
        canvas.drawString(20 * mm, 10 * mm, plain(f"{title} · {seller}"))
        canvas.drawRightString(190 * mm, 10 * mm, f"Page {doc.page}")

    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=title,
        author=seller,
        subject=title,
        creator="Rapport",
    )
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
