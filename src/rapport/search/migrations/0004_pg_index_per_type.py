"""PostgreSQL: one partial trigram index per object type instead of one for all entries.

Like SQLite's per-type FTS5 tables (0003): a company search then reads only company postings,
not those of a million contacts sharing its words. A new searchable type adds its own index in
its migration, written out like these. SQLite is unchanged. See docs/decisions/0003-search.md.
"""

from typing import Any

from django.db import migrations

TYPES = ("contact", "company")
FORWARDS = [
    *(
        f"""CREATE INDEX IF NOT EXISTS search_searchentry_text_trgm_{t}
        ON search_searchentry USING gin (text gin_trgm_ops) WHERE object_type = '{t}'"""
        for t in TYPES
    ),
    "DROP INDEX IF EXISTS search_searchentry_text_trgm",
]
BACKWARDS = [
    """CREATE INDEX IF NOT EXISTS search_searchentry_text_trgm
    ON search_searchentry USING gin (text gin_trgm_ops)""",
    *(f"DROP INDEX IF EXISTS search_searchentry_text_trgm_{t}" for t in TYPES),
]


def _postgresql(statements: list[str]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0003_text_index_per_type")]

    operations = [migrations.RunPython(_postgresql(FORWARDS), _postgresql(BACKWARDS))]
