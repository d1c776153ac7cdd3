"""Tickets: customers' requests and their conversation (replies, notes, attachments), queues,
merge and split, reply emails and the auto-close of solved tickets."""

import datetime as dt

from django.apps import AppConfig

from rapport.core.pages import NavItem


class TicketsConfig(AppConfig):
    name = "rapport.tickets"
    label = "tickets"
    nav_items = (NavItem("Tickets", "/tickets", "lifebuoy", "ticket", 40),)

    def ready(self) -> None:
        from rapport.core.events import register_record_events
        from rapport.core.scheduler import register_schedule
        from rapport.tickets.events import register_ticket_events

        register_record_events("ticket", "A ticket")
        register_ticket_events()
        register_schedule(
            "close-solved-tickets",
            "rapport.tickets.services.close_solved_tickets",
            dt.timedelta(hours=1),
        )
        register_schedule(
            "retry-ticket-replies",
            "rapport.tickets.services.retry_replies",
            dt.timedelta(minutes=1),
        )
