"""Every write about tickets; re-exported so callers import from `rapport.tickets.services`."""

from rapport.tickets.services.bulk import (
    bulk_update_tickets,
    follow_ticket,
    merge_tickets,
    split_message,
    unfollow_ticket,
)
from rapport.tickets.services.emails import retry_replies, send_reply
from rapport.tickets.services.messages import add_customer_message, add_note, add_reply
from rapport.tickets.services.tickets import (
    create_ticket,
    delete_ticket,
    hard_delete_ticket,
    restore_ticket,
    snapshot,
    update_ticket,
)
from rapport.tickets.services.upkeep import close_solved_tickets, update_ticket_settings

__all__ = [
    "add_customer_message",
    "add_note",
    "add_reply",
    "bulk_update_tickets",
    "close_solved_tickets",
    "create_ticket",
    "delete_ticket",
    "follow_ticket",
    "hard_delete_ticket",
    "merge_tickets",
    "restore_ticket",
    "retry_replies",
    "send_reply",
    "snapshot",
    "split_message",
    "unfollow_ticket",
    "update_ticket",
    "update_ticket_settings",
]
