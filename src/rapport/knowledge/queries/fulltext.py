"""Full-text search of articles: FTS5 on SQLite, a weighted tsvector on PostgreSQL.

Both stem English words (FTS5's porter tokenizer, PostgreSQL's 'english' configuration), so
"billing" finds "bill". Results are ranked title hits first, then by relevance (bm25 with the
title weighted ten times the body; ts_rank with the title as weight A), then by id. A bounded
number of candidates (SCAN) is read from the index and then filtered by the reader's rights.
Snippets come back from the database with \\x02 and \\x03 around matched words; they are
escaped here and the markers become <mark>, so nothing a writer typed is ever markup.
See docs/decisions/0006-knowledge-search.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from django.db import connection
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from rapport.core.permissions import Principal
from rapport.knowledge.models import Article
from rapport.knowledge.queries.articles import visible_articles
from rapport.knowledge.words import query_words, significant_words

SCAN = 200  # candidates read from the index per search, before rights are applied
MAX_LIMIT = 50
SUGGESTIONS = 5
START, STOP = "\x02", "\x03"  # stripped from article text on save, so only the index adds them
Mode = Literal["all", "any"]

_SQLITE = """
SELECT a.id,
       a.id IN (SELECT rowid FROM knowledge_article_fts WHERE knowledge_article_fts MATCH %s),
       snippet(knowledge_article_fts, 1, char(2), char(3), '…', 24)
FROM knowledge_article_fts JOIN knowledge_article a ON a.id = knowledge_article_fts.rowid
WHERE knowledge_article_fts MATCH %s AND a.workspace_id = %s AND a.deleted_at IS NULL
  AND a.status IN ({statuses}){public}
ORDER BY 2 DESC, bm25(knowledge_article_fts, 10.0, 1.0), a.id
LIMIT %s
"""
# The document expression must read exactly as the GIN index of migration 0002 for PostgreSQL
# to use that index.
_DOCUMENT = (
    "(setweight(to_tsvector('english'::regconfig, a.title), 'A')"
    " || setweight(to_tsvector('english'::regconfig, a.body_text), 'B'))"
)
_HEADLINE = (
    'StartSel="\x02", StopSel="\x03", MaxWords=40, MinWords=15, MaxFragments=2, '
    'FragmentDelimiter=" … "'
)
# Only the fixed fragments above and below are interpolated; every value is a parameter.
_POSTGRESQL = f"""
SELECT hit.id, hit.title_hit, ts_headline('english'::regconfig, hit.body_text, hit.q, %s)
FROM (
    SELECT a.id, a.body_text, q,
           to_tsvector('english'::regconfig, a.title) @@ q AS title_hit,
           ts_rank({_DOCUMENT}, q) AS rank
    FROM knowledge_article a, {{tsquery}} q
    WHERE {_DOCUMENT} @@ q AND a.workspace_id = %s AND a.deleted_at IS NULL
      AND a.status IN ({{statuses}}){{public}}
    ORDER BY title_hit DESC, rank DESC, a.id
    LIMIT %s
) hit
ORDER BY hit.title_hit DESC, hit.rank DESC, hit.id
"""  # noqa: S608


@dataclass(frozen=True)
class PublicReader:
    """Someone reading a workspace's public articles (the portal, a visitor): no staff rights,
    so only published, public articles."""

    workspace_id: int


Reader = Principal | PublicReader


@dataclass(frozen=True)
class ArticleHit:
    article: Article
    snippet: SafeString  # escaped body text with <mark> around the matched words
    title_hit: bool


def marked(raw: str) -> SafeString:
    """A snippet from the index as safe HTML: escaped, markers turned into <mark>."""
    text = str(escape(raw))
    return mark_safe(text.replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S308


def _fts5_expression(words: list[str], mode: Mode, prefix_last: bool) -> str:
    """Words as FTS5 strings ("word"; the last "word" * when typing), AND or OR. Words hold
    letters and digits only (words.query_words), so no quote or operator gets through."""
    terms = [f'"{w}"' for w in words]
    if prefix_last:
        terms[-1] += " *"
    return (" OR " if mode == "any" else " AND ").join(terms)


def _tsquery(words: list[str], mode: Mode, prefix_last: bool) -> tuple[str, str]:
    """The tsquery's SQL and its one parameter: websearch_to_tsquery for a plain search,
    to_tsquery for the OR of a suggestion or the prefix of a word being typed."""
    if mode == "all" and not prefix_last:
        return "websearch_to_tsquery('english'::regconfig, %s)", " ".join(words)
    terms = list(words)
    if prefix_last:
        terms[-1] += ":*"
    return "to_tsquery('english'::regconfig, %s)", (" | " if mode == "any" else " & ").join(terms)


def _ranked_rows(
    workspace_id: int,
    words: list[str],
    *,
    mode: Mode,
    prefix_last: bool,
    statuses: tuple[str, ...],
    public_only: bool,
) -> list[tuple[int, bool, str]]:
    """(id, title hit, raw snippet) of the best SCAN matches in the workspace, best first."""
    marks = ", ".join(["%s"] * len(statuses))
    public = " AND a.visibility = 'public'" if public_only else ""
    if connection.vendor == "postgresql":
        tsquery, param = _tsquery(words, mode, prefix_last)
        sql = _POSTGRESQL.format(tsquery=tsquery, statuses=marks, public=public)
        params: list[str | int] = [_HEADLINE, param, workspace_id, *statuses, SCAN]
    else:
        expression = _fts5_expression(words, mode, prefix_last)
        sql = _SQLITE.format(statuses=marks, public=public)
        params = [f"title : ({expression})", expression, workspace_id, *statuses, SCAN]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(int(row[0]), bool(row[1]), row[2] or "") for row in cursor.fetchall()]


def _hits(reader: Reader, rows: list[tuple[int, bool, str]], limit: int) -> list[ArticleHit]:
    """The rows' articles the reader may read, in the rows' order, at most `limit`."""
    ids = [row[0] for row in rows]
    if isinstance(reader, PublicReader):
        qs = Article.objects.filter(workspace_id=reader.workspace_id, deleted_at__isnull=True)
    else:
        qs = visible_articles(reader)
    qs = qs.filter(pk__in=ids).select_related("category")
    articles = {a.pk: a for a in qs}
    hits = [
        ArticleHit(articles[pk], marked(snippet), title_hit)
        for pk, title_hit, snippet in rows
        if pk in articles
    ]
    return hits[:limit]


def search_articles(
    reader: Reader,
    query: str,
    *,
    public_only: bool = False,
    limit: int = 10,
    include_drafts: bool = False,
    prefix: bool = False,
) -> list[ArticleHit]:
    """Articles matching every word of `query`, best first. A PublicReader (or `public_only`)
    sees published public articles only; staff see internal ones too, and with
    `include_drafts` drafts and archived ones (the editors' search). `prefix` lets the last
    word be a beginning, for search as you type."""
    words = query_words(query)
    if not words:
        return []
    public_only = public_only or isinstance(reader, PublicReader)
    drafts = include_drafts and not public_only
    statuses = ("draft", "published", "archived") if drafts else ("published",)
    rows = _ranked_rows(
        reader.workspace_id, words, mode="all", prefix_last=prefix, statuses=statuses,
        public_only=public_only,
    )  # fmt: skip
    return _hits(reader, rows, min(max(limit, 1), MAX_LIMIT))


def suggest_articles(
    reader: Reader,
    subject: str,
    message: str = "",
    *,
    public_only: bool = False,
    limit: int = SUGGESTIONS,
) -> list[ArticleHit]:
    """Published articles that may answer a ticket (its subject and first message) or what a
    customer is typing: any of the text's most significant words, the best `limit` first."""
    words = significant_words(subject, message)
    if not words:
        return []
    public_only = public_only or isinstance(reader, PublicReader)
    rows = _ranked_rows(
        reader.workspace_id, words, mode="any", prefix_last=False, statuses=("published",),
        public_only=public_only,
    )  # fmt: skip
    return _hits(reader, rows, limit)
