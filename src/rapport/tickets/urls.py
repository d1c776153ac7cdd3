"""Pages of tickets: the queues, a ticket's page and its actions, the new-ticket form."""

from __future__ import annotations

from django.urls import path

from rapport.tickets import links
from rapport.tickets.pages import conversation, lists, new, record, related

urlpatterns = [
    path("tickets", lists.ticket_list, name="ticket-list"),
    path("tickets/bulk", lists.ticket_bulk, name="ticket-bulk"),
    path("tickets/new", new.ticket_new, name="ticket-new"),
    path("tickets/requester-options", new.requester_options, name="ticket-requester-options"),
    path("tickets/related", related.related_tickets, name="ticket-related"),
    path("tickets/id/<int:ticket_id>", links.open_ticket_by_id, name="ticket-by-id"),
    path("tickets/<int:number>", record.ticket_detail, name="ticket-detail"),
    path("tickets/<int:number>/fields", record.ticket_fields, name="ticket-fields"),
    path("tickets/<int:number>/follow", record.ticket_follow, name="ticket-follow"),
    path("tickets/<int:number>/delete", record.ticket_delete, name="ticket-delete"),
    path("tickets/<int:number>/history", record.ticket_history, name="ticket-history"),
    path("tickets/<int:number>/messages", conversation.post_message, name="ticket-message"),
    path(
        "tickets/<int:number>/messages/<int:message_id>/split",
        conversation.message_split,
        name="ticket-message-split",
    ),
    path(
        "tickets/<int:number>/attachments/<int:attachment_id>",
        conversation.attachment_download,
        name="ticket-attachment",
    ),
    path("tickets/<int:number>/merge", conversation.ticket_merge, name="ticket-merge"),
    path("tickets/<int:number>/canned", conversation.canned_insert, name="ticket-canned"),
    path("tickets/<int:number>/macro", conversation.macro_apply, name="ticket-macro"),
]
