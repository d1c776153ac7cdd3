"""The email that sends a quote (run by a job after send_quote commits).

It re-reads the quote and sends nothing unless that version is still the sent one, so a job
that runs after the quote was revised, answered or expired does no harm. The body is the quote
as HTML (with a plain-text part), the PDF is attached, and both carry the accept/decline link.
"""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone

from rapport.quotes.links import link_url, make_token
from rapport.quotes.models import Quote
from rapport.quotes.pdf import render_pdf


def quote_link(quote: Quote) -> str:
    """The public link of this quote version (rebuilt from its nonce; see quotes.links)."""
    return link_url(make_token(quote.pk, quote.version, quote.link_nonce))


def pdf_filename(quote: Quote) -> str:
    return f"{quote.number}-v{quote.version}.pdf"


def email_quote(quote_id: int, version: int, to: str, message: str) -> bool:
    """Send the quote to `to`; False (and nothing sent) when that version is no longer open."""
    quote = Quote.objects.select_related("workspace").filter(pk=quote_id, version=version).first()
    if quote is None or quote.status != "sent":
        return False
    zone = quote.workspace.time_zone
    seller = quote.offer.get("seller") or {}
    context = {
        "quote": quote,
        "offer": quote.offer,
        "link": quote_link(quote),
        "message": message,
        "seller": seller,
    }
    with timezone.override(zoneinfo.ZoneInfo(zone)):
        subject = render_to_string("quotes/emails/quote_subject.txt", context)
        text = render_to_string("quotes/emails/quote.txt", context)
        html = render_to_string("quotes/emails/quote.html", context)
    email = EmailMultiAlternatives(
        " ".join(subject.split()),
        text,
        settings.DEFAULT_FROM_EMAIL,
        [to],
        reply_to=[seller["email"]] if seller.get("email") else None,
    )
    email.attach_alternative(html, "text/html")
    email.attach(pdf_filename(quote), render_pdf(quote, zone), "application/pdf")
    email.send()
    return True
