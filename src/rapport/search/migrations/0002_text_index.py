"""The substring index over search_searchentry.text, one per database vendor.

SQLite: an external-content FTS5 table with the trigram tokenizer, kept in step by triggers.
PostgreSQL: pg_trgm and a GIN trigram index. See docs/decisions/0003-search.md.

Django rebuilds a SQLite table to alter it, which drops its triggers: a later migration that
alters SearchEntry must run SQLITE_FORWARDS again.
"""

from typing import Any

from django.db import migrations

SQLITE_FORWARDS = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS search_searchentry_fts USING fts5(
        text, content='search_searchentry', content_rowid='id', tokenize='trigram'
    )""",
    """CREATE TRIGGER IF NOT EXISTS search_searchentry_fts_insert
    AFTER INSERT ON search_searchentry BEGIN
        INSERT INTO search_searchentry_fts(rowid, text) VALUES (new.id, new.text);
    END""",
    """CREATE TRIGGER IF NOT EXISTS search_searchentry_fts_delete
    AFTER DELETE ON search_searchentry BEGIN
        INSERT INTO search_searchentry_fts(search_searchentry_fts, rowid, text)
        VALUES ('delete', old.id, old.text);
    END""",
    """CREATE TRIGGER IF NOT EXISTS search_searchentry_fts_update
    AFTER UPDATE ON search_searchentry BEGIN
        INSERT INTO search_searchentry_fts(search_searchentry_fts, rowid, text)
        VALUES ('delete', old.id, old.text);
        INSERT INTO search_searchentry_fts(rowid, text) VALUES (new.id, new.text);
    END""",
    "INSERT INTO search_searchentry_fts(search_searchentry_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARDS = [
    "DROP TRIGGER IF EXISTS search_searchentry_fts_insert",
    "DROP TRIGGER IF EXISTS search_searchentry_fts_delete",
    "DROP TRIGGER IF EXISTS search_searchentry_fts_update",
    "DROP TABLE IF EXISTS search_searchentry_fts",
]
POSTGRESQL_FORWARDS = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """CREATE INDEX IF NOT EXISTS search_searchentry_text_trgm
    ON search_searchentry USING gin (text gin_trgm_ops)""",
]
POSTGRESQL_BACKWARDS = ["DROP INDEX IF EXISTS search_searchentry_text_trgm"]


def _run(statements: dict[str, list[str]]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_search_entry")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARDS, "postgresql": POSTGRESQL_FORWARDS}),
            _run({"sqlite": SQLITE_BACKWARDS, "postgresql": POSTGRESQL_BACKWARDS}),
        )
    ]
