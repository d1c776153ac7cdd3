"""Knowledge base: articles in categories, their versions, full-text search and feedback."""

from django.apps import AppConfig

from rapport.core.pages import NavItem


class KnowledgeConfig(AppConfig):
    name = "rapport.knowledge"
    label = "knowledge"
    nav_items = (NavItem("Knowledge", "/kb", "book-open", "article", 45),)

    def ready(self) -> None:
        from rapport.core.events import register_record_events
        from rapport.knowledge.events import register_article_events

        register_record_events("article", "A knowledge base article")
        register_record_events(
            "article_category", "A knowledge base category", ("created", "updated", "deleted")
        )
        register_article_events()
