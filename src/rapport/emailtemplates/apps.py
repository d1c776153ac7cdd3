"""Email templates: a subject and body with merge fields, rendered in a sandbox for one record."""

from django.apps import AppConfig


class EmailTemplatesConfig(AppConfig):
    name = "rapport.emailtemplates"
    label = "emailtemplates"

    def ready(self) -> None:
        from rapport.core.events import register_record_events

        register_record_events(
            "email_template", "An email template", ("created", "updated", "deleted")
        )
