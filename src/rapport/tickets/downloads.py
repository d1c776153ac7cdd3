"""Serving an attachment's file to someone allowed to see its ticket (the API and the pages
both answer with this): always a download, never rendered by the browser."""

from __future__ import annotations

from django.http import FileResponse

from rapport.core.errors import NotFound
from rapport.tickets.models import TicketAttachment

# Types a browser could run or render as a page from our origin: served as plain bytes.
ACTIVE_TYPES = ("text/html", "application/xhtml+xml", "image/svg+xml", "text/xml",
                "application/xml", "text/javascript", "application/javascript")  # fmt: skip


def attachment_response(attachment: TicketAttachment) -> FileResponse:
    """The file as an attachment (Content-Disposition), with nosniff and a sandboxing CSP."""
    content_type = attachment.content_type.split(";")[0].strip().lower()
    if content_type in ACTIVE_TYPES or not content_type:
        content_type = "application/octet-stream"
    try:
        handle = attachment.file.open("rb")
    except OSError:
        raise NotFound("The file is missing from storage.") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.filename,
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response
