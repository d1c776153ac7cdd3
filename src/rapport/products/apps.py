"""Products: the catalogue deals sell from, list prices per currency, and price books."""

from django.apps import AppConfig


class ProductsConfig(AppConfig):
    name = "rapport.products"
    label = "products"

    def ready(self) -> None:
        from rapport.core.events import register_record_events

        register_record_events("product", "A product")
        register_record_events("price_book", "A price book", ("created", "updated", "deleted"))
