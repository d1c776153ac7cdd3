"""The full-text index over articles' title and body_text, one per database vendor.

SQLite: an external-content FTS5 table (porter stemming over unicode61, diacritics removed)
kept in step by triggers on knowledge_article, so the ORM never touches it and a rollback
undoes both. PostgreSQL: a GIN index on the weighted tsvector expression (title 'A', body 'B',
the 'english' configuration) that knowledge.queries.fulltext repeats word for word, so the
planner uses it. See docs/decisions/0006-knowledge-search.md.

Django rebuilds a SQLite table to alter it, which drops its triggers: a later migration that
alters Article must run SQLITE_FORWARDS again (the statements are idempotent and end with a
rebuild of the index).
"""

from typing import Any

from django.db import migrations

FTS = "knowledge_article_fts"
SQLITE_FORWARDS = [
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS {FTS} USING fts5(
        title, body_text, content='knowledge_article', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    )""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS}_insert AFTER INSERT ON knowledge_article BEGIN
        INSERT INTO {FTS}(rowid, title, body_text) VALUES (new.id, new.title, new.body_text);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS}_delete AFTER DELETE ON knowledge_article BEGIN
        INSERT INTO {FTS}({FTS}, rowid, title, body_text)
        VALUES ('delete', old.id, old.title, old.body_text);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS}_update
    AFTER UPDATE OF title, body_text ON knowledge_article BEGIN
        INSERT INTO {FTS}({FTS}, rowid, title, body_text)
        VALUES ('delete', old.id, old.title, old.body_text);
        INSERT INTO {FTS}(rowid, title, body_text) VALUES (new.id, new.title, new.body_text);
    END""",
    f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')",
]
SQLITE_BACKWARDS = [
    f"DROP TRIGGER IF EXISTS {FTS}_insert",
    f"DROP TRIGGER IF EXISTS {FTS}_delete",
    f"DROP TRIGGER IF EXISTS {FTS}_update",
    f"DROP TABLE IF EXISTS {FTS}",
]
POSTGRESQL_FORWARDS = [
    """CREATE INDEX IF NOT EXISTS knowledge_article_fulltext ON knowledge_article USING gin ((
        setweight(to_tsvector('english'::regconfig, title), 'A')
        || setweight(to_tsvector('english'::regconfig, body_text), 'B')
    ))""",
]
POSTGRESQL_BACKWARDS = ["DROP INDEX IF EXISTS knowledge_article_fulltext"]


def _run(statements: dict[str, list[str]]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARDS, "postgresql": POSTGRESQL_FORWARDS}),
            _run({"sqlite": SQLITE_BACKWARDS, "postgresql": POSTGRESQL_BACKWARDS}),
        )
    ]
