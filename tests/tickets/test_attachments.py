"""Attachments: stored through Django's storage under a per-workspace path, size-limited with
a field error naming the file (nothing stored or written), moved with their message on merge
and split, and deleted with a ticket erased for good."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage

from rapport.core.errors import Invalid
from rapport.tickets.models import TicketAttachment, TicketMessage
from rapport.tickets.queries import get_attachment
from rapport.tickets.services import (
    add_customer_message,
    add_note,
    create_ticket,
    hard_delete_ticket,
    merge_tickets,
    split_message,
)
from rapport.tickets.services.conversation import MAX_ATTACHMENTS
from tests.conftest import make_member, make_workspace, owner_principal
from tests.tickets.factories import make_requester, make_ticket, upload

pytestmark = pytest.mark.django_db


def test_files_are_stored_per_workspace_with_a_safe_name(owner) -> None:
    requester = make_requester(owner)
    ticket = create_ticket(
        owner, {"subject": "Logs", "requester_id": requester.pk}, "",
        attachments=[upload("../../etc/pass wd.log", b"abc", "")],
    )  # fmt: skip
    attachment = TicketAttachment.objects.get(message__ticket=ticket)
    assert attachment.filename == "pass wd.log"
    assert attachment.content_type == "application/octet-stream"
    assert attachment.size == 3
    assert attachment.file.name.startswith(f"tickets/{owner.workspace_id}/")
    assert attachment.file.name.endswith("/pass_wd.log")  # storage-safe; the name is kept
    with default_storage.open(attachment.file.name) as handle:
        assert handle.read() == b"abc"


def test_size_and_count_limits_store_nothing(owner, settings) -> None:
    settings.TICKET_ATTACHMENT_MAX_BYTES = 4
    ticket = make_ticket(owner)
    messages = TicketMessage.objects.count()
    with pytest.raises(Invalid) as caught:
        add_note(owner, ticket.pk, "x", attachments=[upload("a", b"1234"), upload("b", b"12345")])
    assert [(e.loc, e.type) for e in caught.value.errors] == [(("attachments", 1), "too_large")]
    with pytest.raises(Invalid) as caught:
        add_note(owner, ticket.pk, "x", attachments=[upload("a", b"1")] * (MAX_ATTACHMENTS + 1))
    assert caught.value.errors[0].type == "too_many"
    assert TicketMessage.objects.count() == messages
    assert TicketAttachment.objects.count() == 0


def test_only_people_who_see_the_ticket_get_the_file(workspace, owner) -> None:
    ticket = make_ticket(owner)
    note = add_note(owner, ticket.pk, "see file", attachments=[upload()])
    attachment = note.attachments.get()
    _, rep = make_member(workspace, "sales_rep")
    assert get_attachment(rep, ticket.pk, attachment.pk) == attachment
    other_ticket = make_ticket(owner)
    from rapport.core.errors import NotFound

    with pytest.raises(NotFound):  # named under another ticket
        get_attachment(owner, other_ticket.pk, attachment.pk)
    with pytest.raises(NotFound):
        get_attachment(owner_principal(make_workspace("Globex")), ticket.pk, attachment.pk)


def test_attachments_follow_their_message_on_merge_and_split(owner) -> None:
    survivor, merged = make_ticket(owner), make_ticket(owner)
    message = add_customer_message(owner, merged.pk, "with file", attachments=[upload()])
    merge_tickets(owner, survivor.pk, merged.pk)
    attachment = TicketAttachment.objects.get(message=message)
    assert get_attachment(owner, survivor.pk, attachment.pk) == attachment
    new = split_message(owner, message.pk)
    assert get_attachment(owner, new.pk, attachment.pk) == attachment


def test_erasing_a_ticket_deletes_its_files(owner, django_capture_on_commit_callbacks) -> None:
    ticket = make_ticket(owner)
    note = add_note(owner, ticket.pk, "x", attachments=[upload()])
    name = note.attachments.get().file.name
    assert default_storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        hard_delete_ticket(owner, ticket.pk)
    assert not default_storage.exists(name)
