"""Finding records by any part of a name, email, phone number or domain.

Words of three characters or more are matched anywhere in the indexed text through the
database's trigram index (FTS5 on SQLite, pg_trgm on PostgreSQL); shorter words match the start
of a word. Results are scoped by `visible` (workspace first, then the role's view scope on each
record type) and ranked: exact matches, then prefixes, then the rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    ExpressionWrapper,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import RawSQL

from rapport.core.errors import Invalid
from rapport.core.permissions import Principal, visible
from rapport.search.models import SearchEntry

TYPES = ("contact", "company", "ticket")
MIN_INFIX = 3  # trigram indexes cannot match shorter substrings
MAX_LIMIT = 50
CANDIDATES = 200  # entries ranked per type and query (see _matches)
FIRST_SCAN = 400  # matches read first per type and query; most queries need no more
SCAN = 2000  # matches read at most per type and query to find those candidates
_PHONE_LIKE = re.compile(r"^[\d\s+().\-/]+$")
# SQLite: one FTS5 table per object type mirrors that type's search entries (see the search
# migrations), so a company search never reads contact entries. The index holds every
# workspace's entries; joining back to the entries lets the scan stop after FTS_SCAN matches of
# this workspace, in rowid order, instead of collecting every match of a common word first (a
# surname can match tens of thousands of entries).
_FTS_IDS = (
    "SELECT f.rowid FROM search_searchentry_fts_{object_type} f "
    "JOIN search_searchentry e ON e.id = f.rowid "
    "WHERE search_searchentry_fts_{object_type} MATCH %s AND e.workspace_id = %s LIMIT %s"
)
FTS_SCAN = 2000  # SQLite: matches read from the text index per query, before ranking


@dataclass(frozen=True)
class SearchResult:
    object_type: str
    object_id: int
    title: str
    subtitle: str


def query_words(q: str) -> list[str]:
    """The words to match, lower-case; a phone-like query becomes its digits only."""
    text = " ".join(q.lower().split())
    digits = "".join(ch for ch in text if ch.isdigit())
    if _PHONE_LIKE.match(text) and len(digits) >= MIN_INFIX:
        return [digits]
    return text.split()


def _word_prefix(word: str) -> Q:
    return Q(text__startswith=word) | Q(text__contains=f" {word}")


def _match(words: list[str], workspace_id: int, object_type: str) -> Q:
    """Every word must match: long ones anywhere, short ones at the start of a word."""
    long_words = [w for w in words if len(w) >= MIN_INFIX]
    match = Q()
    for word in words:
        if len(word) < MIN_INFIX:
            match &= _word_prefix(word)
    if not long_words:
        return match
    if connection.vendor == "sqlite":
        phrases = " ".join('"{}"'.format(w.replace('"', '""')) for w in long_words)
        # Fixed SQL; the words are a bound parameter.
        params = [phrases, workspace_id, FTS_SCAN]
        sql = _FTS_IDS.format(object_type=object_type)  # one of TYPES, checked by _parse_types
        return match & Q(pk__in=RawSQL(sql, params))  # noqa: S611
    for word in long_words:  # PostgreSQL: the type's partial pg_trgm GIN index answers these
        match &= Q(text__contains=word)
    return match


def _rank(phrase: str) -> Case:
    exact = (
        Q(title__iexact=phrase)
        | Q(text=phrase)
        | Q(text__startswith=f"{phrase} ")
        | Q(text__contains=f" {phrase} ")
        | Q(text__endswith=f" {phrase}")
    )
    prefix = Q(title__istartswith=phrase) | _word_prefix(phrase)
    return Case(
        When(exact, then=Value(0)),
        When(prefix, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )


def _parse_types(types: list[str] | None) -> list[str]:
    wanted = list(TYPES) if not types else list(dict.fromkeys(types))
    if unknown := [t for t in wanted if t not in TYPES]:
        raise Invalid.on("types", f"Cannot search {', '.join(unknown)}; use {', '.join(TYPES)}.")
    return wanted


def _matches(
    principal: Principal, object_type: str, words: list[str], limit: int
) -> QuerySet[SearchEntry]:
    """Entries matching every word, ranked from a bounded set of candidates.

    A common word can match a large share of a big workspace; ranking every match would sort
    them all. Instead the first matches the trigram index yields give at most CANDIDATES
    entries where the words start a word (the likely best) and CANDIDATES where they appear
    anywhere, and only those are ranked. Exact and prefix matches therefore come first even
    among thousands of matches.

    The first FIRST_SCAN matches usually hold `limit` entries where the words start a word;
    only when they do not are more read, up to SCAN. Each match read is a row fetched from the
    table, so reading 400 instead of 2,000 is most of a common word's cost.
    """
    entries = SearchEntry.objects.filter(object_type=object_type)
    words_q = _match(words, principal.workspace_id, object_type)
    scoped = visible(principal, entries, object_type).filter(words_q)
    prefix = Q()
    for word in words:
        prefix &= _word_prefix(word)
    # One read of the matches (the index is scanned once), flagged where the words start a
    # word; then ranked by id. ("IN (a) OR IN (b)" subqueries made PostgreSQL read the whole
    # table to test each row against both.)
    flagged = scoped.annotate(starts=ExpressionWrapper(prefix, output_field=BooleanField()))
    pairs = flagged.values_list("pk", "starts")
    rows = list(pairs[:FIRST_SCAN])
    if len(rows) == FIRST_SCAN and sum(starts for _, starts in rows) < limit:
        seen = {pk for pk, _ in rows}
        rows += [(pk, starts) for pk, starts in pairs[FIRST_SCAN:SCAN] if pk not in seen]
    starting = [pk for pk, starts in rows if starts][:CANDIDATES]
    anywhere = [pk for pk, _ in rows[:CANDIDATES]]
    return SearchEntry.objects.filter(pk__in={*starting, *anywhere})


def search(
    principal: Principal, q: str, types: list[str] | None = None, limit: int = 20
) -> dict[str, list[SearchResult]]:
    """The best `limit` matches of each requested type the principal may view, by type.

    Two short queries per type (a bounded read of the matches, then the ranking of the
    candidates), a third when the first read held too few entries starting with the words; a
    type the role cannot view costs none and returns nothing.
    """
    wanted = _parse_types(types)
    if not 1 <= limit <= MAX_LIMIT:
        raise Invalid.on("limit", f"limit must be between 1 and {MAX_LIMIT}.")
    words = query_words(q)
    results: dict[str, list[SearchResult]] = {t: [] for t in wanted}
    if not words:
        return results
    for object_type in wanted:
        rows = (
            _matches(principal, object_type, words, limit)
            .annotate(rank=_rank(" ".join(words)))
            .order_by("rank", "title", "object_id")
            .values_list("object_id", "title", "subtitle")[:limit]
        )
        results[object_type] = [SearchResult(object_type, *row) for row in rows]
    return results
