"""Every write about the knowledge base; re-exported so callers import from
`rapport.knowledge.services`."""

from rapport.knowledge.services.articles import (
    archive_article,
    create_article,
    delete_article,
    hard_delete_article,
    publish_article,
    restore_article,
    restore_version,
    unpublish_article,
    update_article,
)
from rapport.knowledge.services.categories import (
    create_category,
    delete_category,
    update_category,
)
from rapport.knowledge.services.feedback import (
    Voter,
    record_feedback,
    record_public_feedback,
    session_hash,
)

__all__ = [
    "Voter",
    "archive_article",
    "create_article",
    "create_category",
    "delete_article",
    "delete_category",
    "hard_delete_article",
    "publish_article",
    "record_feedback",
    "record_public_feedback",
    "restore_article",
    "restore_version",
    "session_hash",
    "unpublish_article",
    "update_article",
    "update_category",
]
