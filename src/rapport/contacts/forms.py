"""What the contact pages show and edit: the standard fields as FieldSpecs, then custom ones."""

from __future__ import annotations

from rapport.contacts.models import CONSENT_STATUSES, LEAD_RATINGS, LEAD_STATUSES, LIFECYCLE_STAGES
from rapport.core.field_specs import FieldSpec, choices_of
from rapport.customfields.models import CustomField
from rapport.customfields.queries import field_specs_of

STANDARD = (
    FieldSpec("first_name", "First name", sortable=True),
    FieldSpec("last_name", "Last name", sortable=True),
    FieldSpec("emails", "Emails", "emails", filter_name="email"),
    FieldSpec("primary_email", "Email", "email", sortable=True, editable=False),
    FieldSpec("phones", "Phones", "phones", filter_name="phone"),
    FieldSpec("job_title", "Job title"),
    FieldSpec("company_id", "Company", "company"),
    FieldSpec(
        "lifecycle_stage",
        "Lifecycle stage",
        "choice",
        choices_of(LIFECYCLE_STAGES),
        sortable=True,
        required=True,
    ),
    FieldSpec("lead_source", "Lead source"),
    FieldSpec("lead_status", "Lead status", "choice", choices_of(LEAD_STATUSES)),
    FieldSpec("unqualified_reason", "Unqualified because"),
    FieldSpec("lead_rating", "Lead rating", "choice", choices_of(LEAD_RATINGS)),
    FieldSpec("owner_id", "Owner", "user"),
    FieldSpec("tags", "Tags", "tags"),
    FieldSpec("street", "Street", filterable=False),
    FieldSpec("city", "City"),
    FieldSpec("region", "Region"),
    FieldSpec("postal_code", "Postal code", filterable=False),
    FieldSpec("country", "Country", sortable=True, help_text="Two-letter code, e.g. GB"),
    FieldSpec("birthday", "Birthday", "date", sortable=True),
    FieldSpec(
        "consent_status", "Marketing consent", "choice", choices_of(CONSENT_STATUSES), required=True
    ),
    FieldSpec("consent_source", "Consent source"),
    FieldSpec("consent_at", "Consent changed", "datetime", editable=False, filterable=False),
    FieldSpec("created_at", "Created", "datetime", sortable=True, editable=False),
    FieldSpec("updated_at", "Updated", "datetime", sortable=True, editable=False),
)
# After the Name column, which every list shows first and links to the record.
DEFAULT_COLUMNS = ("primary_email", "company_id", "lifecycle_stage", "owner_id", "updated_at")
# The fields a new contact's form asks for (the rest are edited on the record page).
CREATE_FIELDS = ("first_name", "last_name", "emails", "phones", "job_title", "company_id",
                 "lifecycle_stage", "lead_source", "owner_id", "tags")  # fmt: skip
# The record page's header shows these; the rest are listed under "About".
HEADER_FIELDS = ("job_title", "company_id", "primary_email")


def contact_specs(custom_fields: list[CustomField]) -> list[FieldSpec]:
    """Standard fields, then the workspace's live custom fields in their order."""
    return [*STANDARD, *field_specs_of(custom_fields)]
