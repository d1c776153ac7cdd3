"""SQLite: one FTS5 trigram table per object type instead of one for all entries.

With one table, finding a few companies among a million contacts read through every contact
entry that shared the words (a surname: tens of thousands) to reach them; each type's own table
holds only its entries. Triggers route entries by `object_type`. A new searchable type adds its
own table and triggers in its migration, written out like these. PostgreSQL is unchanged.
See docs/decisions/0003-search.md.
"""

from typing import Any

from django.db import migrations

TYPES = ("contact", "company")


def _forwards(object_type: str) -> list[str]:
    table = f"search_searchentry_fts_{object_type}"
    cond = f"'{object_type}'"
    return [
        f"""CREATE VIRTUAL TABLE IF NOT EXISTS {table} USING fts5(
            text, content='search_searchentry', content_rowid='id', tokenize='trigram'
        )""",
        f"""CREATE TRIGGER IF NOT EXISTS {table}_insert
        AFTER INSERT ON search_searchentry WHEN new.object_type = {cond} BEGIN
            INSERT INTO {table}(rowid, text) VALUES (new.id, new.text);
        END""",
        f"""CREATE TRIGGER IF NOT EXISTS {table}_delete
        AFTER DELETE ON search_searchentry WHEN old.object_type = {cond} BEGIN
            INSERT INTO {table}({table}, rowid, text) VALUES ('delete', old.id, old.text);
        END""",
        f"""CREATE TRIGGER IF NOT EXISTS {table}_update_old
        AFTER UPDATE ON search_searchentry WHEN old.object_type = {cond} BEGIN
            INSERT INTO {table}({table}, rowid, text) VALUES ('delete', old.id, old.text);
        END""",
        f"""CREATE TRIGGER IF NOT EXISTS {table}_update_new
        AFTER UPDATE ON search_searchentry WHEN new.object_type = {cond} BEGIN
            INSERT INTO {table}(rowid, text) VALUES (new.id, new.text);
        END""",
        f"""INSERT INTO {table}(rowid, text)
        SELECT id, text FROM search_searchentry WHERE object_type = {cond}""",
    ]


def _backwards(object_type: str) -> list[str]:
    table = f"search_searchentry_fts_{object_type}"
    return [
        *(f"DROP TRIGGER IF EXISTS {table}_{t}"
          for t in ("insert", "delete", "update_old", "update_new")),  # fmt: skip
        f"DROP TABLE IF EXISTS {table}",
    ]


OLD = "search_searchentry_fts"
DROP_OLD = [
    f"DROP TRIGGER IF EXISTS {OLD}_insert",
    f"DROP TRIGGER IF EXISTS {OLD}_delete",
    f"DROP TRIGGER IF EXISTS {OLD}_update",
    f"DROP TABLE IF EXISTS {OLD}",
]
RESTORE_OLD = [
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS {OLD} USING fts5(
        text, content='search_searchentry', content_rowid='id', tokenize='trigram'
    )""",
    f"""CREATE TRIGGER IF NOT EXISTS {OLD}_insert
    AFTER INSERT ON search_searchentry BEGIN
        INSERT INTO {OLD}(rowid, text) VALUES (new.id, new.text);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {OLD}_delete
    AFTER DELETE ON search_searchentry BEGIN
        INSERT INTO {OLD}({OLD}, rowid, text) VALUES ('delete', old.id, old.text);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {OLD}_update
    AFTER UPDATE ON search_searchentry BEGIN
        INSERT INTO {OLD}({OLD}, rowid, text) VALUES ('delete', old.id, old.text);
        INSERT INTO {OLD}(rowid, text) VALUES (new.id, new.text);
    END""",
    f"INSERT INTO {OLD}({OLD}) VALUES ('rebuild')",
]


def _sqlite(statements: list[str]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "sqlite":
            return
        for sql in statements:
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0002_text_index")]

    operations = [
        migrations.RunPython(
            _sqlite([*DROP_OLD, *(s for t in TYPES for s in _forwards(t))]),
            _sqlite([*(s for t in TYPES for s in _backwards(t)), *RESTORE_OLD]),
        )
    ]
