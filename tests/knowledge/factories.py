"""Articles for tests: `make_article(principal, **fields)` writes through the services."""

from __future__ import annotations

import itertools
from typing import Any

from rapport.core.permissions import Principal
from rapport.knowledge.models import Article
from rapport.knowledge.services import create_article

_seq = itertools.count(1)


def make_article(principal: Principal, *, publish: bool = True, **fields: Any) -> Article:
    """A published internal article unless told otherwise."""
    data = {"title": f"Article {next(_seq)}", "body": "<p>Some useful words.</p>", **fields}
    return create_article(principal, data, publish=publish)
