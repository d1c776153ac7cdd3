"""Template filters of the ticket pages."""

from __future__ import annotations

from django import template

from rapport.tickets.pages.display import label

register = template.Library()


@register.filter
def ticket_label(value: str) -> str:
    """A status, priority, type or channel as people read it ("pending" -> "Pending customer")."""
    return label(value or "")


@register.filter
def file_size(size: int) -> str:
    """Bytes as people read them: 512 B, 14 KB, 2.3 MB."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{round(size / 1024)} KB"
    return f"{size / (1024 * 1024):.1f} MB"
