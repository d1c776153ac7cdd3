"""Search: an index over contacts and companies (FTS5 trigram / pg_trgm)."""

from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "rapport.search"
    label = "search"
