"""The merge fields a template can use: each object's field names, with the editor's labels.

`queries.merge_context` fills exactly these keys (those the principal may view), the save-time
check in rendering.py refuses any other name, and the editor lists them as help. `custom`
holds the record's custom field values by key, so its keys depend on the workspace.
"""

from __future__ import annotations

CUSTOM = "custom"
_PERSON = (
    ("first_name", "First name"),
    ("full_name", "Full name"),
    ("email", "Email"),
)

MERGE_FIELDS: dict[str, tuple[tuple[str, str], ...]] = {
    "contact": (
        ("first_name", "First name"),
        ("last_name", "Last name"),
        ("full_name", "Full name"),
        ("email", "Primary email"),
        ("phone", "Primary phone"),
        ("job_title", "Job title"),
        ("city", "City"),
        ("country", "Country code"),
        ("lifecycle_stage", "Lifecycle stage"),
        ("owner_name", "Owner's name"),
        (CUSTOM, "Custom fields, by key"),
    ),
    "company": (
        ("name", "Name"),
        ("domain", "Domain"),
        ("industry", "Industry"),
        ("city", "City"),
        (CUSTOM, "Custom fields, by key"),
    ),
    "owner": _PERSON,  # the owner of the contact, else of the company
    "user": _PERSON,  # the member the email goes to (a workflow's user recipient)
    "workspace": (("name", "Name"),),
}
OBJECT_LABELS = {
    "contact": "Contact",
    "company": "Company (the contact's, unless another is chosen)",
    "owner": "Owner of the contact or company",
    "user": "User the email goes to (in a preview: you)",
    "workspace": "Workspace",
}


def is_merge_field(name: str, field: str) -> bool:
    return any(field == known for known, _ in MERGE_FIELDS.get(name, ()))
