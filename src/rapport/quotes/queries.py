"""Reads about quotes, through their deal's rights: a quote is visible to whoever may view its
deal (a deal in the restore bin hides its quotes)."""

from __future__ import annotations

from django.db.models import QuerySet

from rapport.core.api_support import ListParams
from rapport.core.errors import NotFound
from rapport.core.filters import FilterField, filters_q
from rapport.core.pagination import Page, keyset_page, parse_sort
from rapport.core.permissions import Principal
from rapport.deals.queries import visible_deals
from rapport.quotes.models import Quote

FILTERS = {
    "deal_id": FilterField("deal_id", "id"),
    "status": FilterField("status", "choice"),
    "number": FilterField("number"),
    "version": FilterField("version", "integer"),
    "valid_until": FilterField("valid_until", "date"),
    "total": FilterField("total", "decimal"),
    "currency": FilterField("currency", "choice"),
    "id": FilterField("id", "id"),
    "created_at": FilterField("created_at", "datetime"),
    "sent_at": FilterField("sent_at", "datetime"),
}
SORTS = {"created_at", "number", "valid_until", "total", "id"}


def visible_quotes(principal: Principal) -> QuerySet[Quote]:
    deals = visible_deals(principal).values("pk")
    return Quote.objects.filter(workspace_id=principal.workspace_id, deal_id__in=deals)


def list_quotes(principal: Principal, params: ListParams) -> Page[Quote]:
    """One page of the quotes the principal may see; newest first by default."""
    qs = visible_quotes(principal).select_related("deal").filter(filters_q(FILTERS, params.filter))
    keys = parse_sort(params.sort, SORTS, "-created_at")
    return keyset_page(qs, keys, params.limit, params.cursor)


def get_quote(principal: Principal, quote_id: int) -> Quote:
    quote = visible_quotes(principal).select_related("deal").filter(pk=quote_id).first()
    if quote is None:
        raise NotFound("quote not found")
    return quote


def quotes_of_deal(principal: Principal, deal_id: int) -> list[Quote]:
    """The deal's quotes, newest number and version first (NotFound unless the deal is visible)."""
    deal = visible_deals(principal).filter(pk=deal_id).first()
    if deal is None:
        raise NotFound("deal not found")
    return list(Quote.objects.filter(deal=deal).order_by("-created_at", "-pk"))
