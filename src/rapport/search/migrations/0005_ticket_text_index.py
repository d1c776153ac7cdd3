"""Tickets become searchable: their own FTS5 trigram table and triggers on SQLite (as 0003 made
for contacts and companies) and their own partial pg_trgm index on PostgreSQL (as 0004).
Written out, not imported from those migrations, so this one keeps meaning what it meant."""

from typing import Any

from django.db import migrations

TABLE = "search_searchentry_fts_ticket"
COND = "'ticket'"
SQLITE_FORWARDS = [
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5(
        text, content='search_searchentry', content_rowid='id', tokenize='trigram'
    )""",
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_insert
    AFTER INSERT ON search_searchentry WHEN new.object_type = {COND} BEGIN
        INSERT INTO {TABLE}(rowid, text) VALUES (new.id, new.text);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_delete
    AFTER DELETE ON search_searchentry WHEN old.object_type = {COND} BEGIN
        INSERT INTO {TABLE}({TABLE}, rowid, text) VALUES ('delete', old.id, old.text);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_update_old
    AFTER UPDATE ON search_searchentry WHEN old.object_type = {COND} BEGIN
        INSERT INTO {TABLE}({TABLE}, rowid, text) VALUES ('delete', old.id, old.text);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_update_new
    AFTER UPDATE ON search_searchentry WHEN new.object_type = {COND} BEGIN
        INSERT INTO {TABLE}(rowid, text) VALUES (new.id, new.text);
    END""",
    f"""INSERT INTO {TABLE}(rowid, text)
    SELECT id, text FROM search_searchentry WHERE object_type = {COND}""",
]
SQLITE_BACKWARDS = [
    *(f"DROP TRIGGER IF EXISTS {TABLE}_{t}" for t in ("insert", "delete", "update_old", "update_new")),
    f"DROP TABLE IF EXISTS {TABLE}",
]
PG_FORWARDS = [
    f"""CREATE INDEX IF NOT EXISTS search_searchentry_text_trgm_ticket
    ON search_searchentry USING gin (text gin_trgm_ops) WHERE object_type = {COND}"""
]
PG_BACKWARDS = ["DROP INDEX IF EXISTS search_searchentry_text_trgm_ticket"]


def _run(sqlite: list[str], postgresql: list[str]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        vendor = schema_editor.connection.vendor
        for sql in {"sqlite": sqlite, "postgresql": postgresql}.get(vendor, []):
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0004_pg_index_per_type")]

    operations = [
        migrations.RunPython(
            _run(SQLITE_FORWARDS, PG_FORWARDS), _run(SQLITE_BACKWARDS, PG_BACKWARDS)
        )
    ]
