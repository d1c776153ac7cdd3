"""What the company pages show and edit: the standard fields as FieldSpecs, then custom ones."""

from __future__ import annotations

from rapport.core.field_specs import FieldSpec
from rapport.customfields.models import CustomField
from rapport.customfields.queries import field_specs_of

STANDARD = (
    FieldSpec("name", "Name", sortable=True, required=True),
    FieldSpec("domains", "Domains", "domains", filter_name="domain"),
    FieldSpec("industry", "Industry"),
    FieldSpec("employee_count", "Employees", "integer", sortable=True),
    FieldSpec("annual_revenue", "Annual revenue", "decimal", sortable=True),
    FieldSpec(
        "annual_revenue_currency",
        "Revenue currency",
        filterable=False,
        help_text="Three-letter code, e.g. EUR; the workspace's currency when left empty",
    ),
    FieldSpec("phone", "Phone", "phone"),
    FieldSpec("website", "Website", "url"),
    FieldSpec("owner_id", "Owner", "user"),
    FieldSpec("tags", "Tags", "tags"),
    FieldSpec("street", "Street", filterable=False),
    FieldSpec("city", "City"),
    FieldSpec("region", "Region"),
    FieldSpec("postal_code", "Postal code", filterable=False),
    FieldSpec("country", "Country", sortable=True, help_text="Two-letter code, e.g. GB"),
    FieldSpec("created_at", "Created", "datetime", sortable=True, editable=False),
    FieldSpec("updated_at", "Updated", "datetime", sortable=True, editable=False),
)
# After the Name column, which every list shows first and links to the record.
DEFAULT_COLUMNS = ("domains", "industry", "employee_count", "country", "owner_id", "updated_at")
# The fields a new company's form asks for (the rest are edited on the record page).
CREATE_FIELDS = ("name", "domains", "industry", "employee_count", "annual_revenue",
                 "annual_revenue_currency", "phone", "website", "country", "owner_id",
                 "tags")  # fmt: skip


def company_specs(custom_fields: list[CustomField]) -> list[FieldSpec]:
    """Standard fields, then the workspace's live custom fields in their order."""
    return [*STANDARD, *field_specs_of(custom_fields)]
