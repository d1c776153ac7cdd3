"""The merge fields of canned responses and macro messages, with the editor's labels.

`queries.reply_context` fills exactly these keys (those the agent may view); rendering.py
refuses any other name when a response or macro is saved.
"""

from __future__ import annotations

MERGE_FIELDS: dict[str, tuple[tuple[str, str], ...]] = {
    "requester": (
        ("first_name", "First name"),
        ("last_name", "Last name"),
        ("full_name", "Full name"),
        ("email", "Primary email"),
    ),
    "company": (("name", "Name"),),
    "ticket": (
        ("number", "Number"),
        ("subject", "Subject"),
        ("status", "Status"),
        ("priority", "Priority"),
        ("type", "Type"),
    ),
    "agent": (
        ("name", "Full name"),
        ("first_name", "First name"),
        ("email", "Email"),
    ),
    "workspace": (("name", "Name"),),
}
OBJECT_LABELS = {
    "requester": "Requester (the ticket's contact)",
    "company": "Requester's company",
    "ticket": "Ticket",
    "agent": "Agent (who sends the reply)",
    "workspace": "Workspace",
}


def is_merge_field(name: str, field: str) -> bool:
    return any(field == known for known, _ in MERGE_FIELDS.get(name, ()))


def merge_field_help() -> list[tuple[str, list[tuple[str, str]]]]:
    """(object label, [("{{ requester.first_name }}", "First name"), ...]) for the editors."""
    return [
        (OBJECT_LABELS[name], [(f"{{{{ {name}.{key} }}}}", label) for key, label in fields])
        for name, fields in MERGE_FIELDS.items()
    ]
