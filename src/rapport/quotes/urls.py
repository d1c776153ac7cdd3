"""Pages of quotes: a deal's Quotes panel and its forms, a quote's page and PDF, and the
customer's page behind the signed link."""

from __future__ import annotations

from django.urls import path

from rapport.quotes.pages import public, quotes

urlpatterns = [
    path("quotes/panel", quotes.quote_panel, name="quote-panel"),
    path("deals/<int:deal_id>/quotes", quotes.quote_create, name="quote-create"),
    path("quotes/<int:quote_id>", quotes.quote_detail, name="quote-detail"),
    path("quotes/<int:quote_id>/pdf", quotes.quote_pdf, name="quote-pdf"),
    path("quotes/<int:quote_id>/revise", quotes.quote_revise, name="quote-revise"),
    path("quotes/<int:quote_id>/send", quotes.quote_send, name="quote-send"),
    path("q/<str:token>", public.quote_link_page, name="quote-link"),
]
