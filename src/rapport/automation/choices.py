"""What the workflow builder offers to choose from, with labels: the record type's fields (for
conditions, for update_field, date fields), and the workspace's members, teams, tags and email
templates. The workflow page uses the same labels to say a workflow in words."""

from __future__ import annotations

from dataclasses import dataclass

from rapport.activities.forms import LINK_FILTERS
from rapport.activities.forms import LIST_FIELDS as ACTIVITY_SPECS
from rapport.automation.describe import Names
from rapport.automation.record_types import RECORD_TYPES, RecordType
from rapport.companies.forms import STANDARD as COMPANY_SPECS
from rapport.contacts.forms import STANDARD as CONTACT_SPECS
from rapport.core.api_support import ListParams
from rapport.core.field_specs import FieldSpec
from rapport.core.permissions import Principal
from rapport.customfields.models import CustomField
from rapport.customfields.queries import PREFIX, active_fields, field_specs_of, filter_fields_of
from rapport.deals.forms import STANDARD as DEAL_SPECS
from rapport.emailtemplates.queries import visible_email_templates
from rapport.tags.queries import list_tags
from rapport.tickets.field_specs import STANDARD as TICKET_SPECS
from rapport.workspaces.queries import list_teams, member_labels

Options = tuple[tuple[str, str], ...]  # (value, label) of a <select>
SPECS: dict[str, tuple[FieldSpec, ...]] = {
    "contact": CONTACT_SPECS,
    "company": COMPANY_SPECS,
    "deal": DEAL_SPECS,
    "activity": (*ACTIVITY_SPECS, *LINK_FILTERS),
    "ticket": TICKET_SPECS,
}
RELATED_LABELS = {
    "contact": "Contact",
    "company": "Company",
    "owner": "Owner",
    "stage": "Stage",
    "requester": "Requester",
    "assignee": "Assignee",
}
EXTRA_LABELS = {"id": "Id", "tag_id": "Tag (id)", "email": "Email", "full_name": "Name"}
DATE_TYPES = {"date", "datetime"}
PICKER_LIMIT = 200  # tags and templates offered


@dataclass(frozen=True)
class FieldChoice:
    """A field of the record type. `kind` is its filter kind (text, integer, id, boolean ...);
    `value_kind` how update_field's value is read back (see builder._typed_value)."""

    name: str
    label: str
    kind: str = "text"
    options: Options = ()
    value_kind: str = "text"
    is_user: bool = False  # its value is a member's id (owner, assignee, a user custom field)


@dataclass(frozen=True)
class BuilderChoices:
    object_type: str | None
    condition_fields: tuple[FieldChoice, ...] = ()
    writable_fields: tuple[FieldChoice, ...] = ()
    date_fields: tuple[FieldChoice, ...] = ()
    members: Options = ()
    teams: Options = ()
    templates: Options = ()
    tags: tuple[str, ...] = ()

    def field(self, name: str) -> FieldChoice | None:
        everything = (*self.condition_fields, *self.writable_fields, *self.date_fields)
        return next((f for f in everything if f.name == name), None)

    def names(self) -> Names:
        fields = {f.name: f.label for f in (*self.date_fields, *self.writable_fields)}
        fields |= {f.name: f.label for f in self.condition_fields}
        return Names(
            fields=fields,
            users={int(k): v for k, v in self.members},
            teams={int(k): v for k, v in self.teams},
            templates={int(k): v for k, v in self.templates},
        )


def _specs_by_name(object_type: str, custom: list[CustomField]) -> dict[str, FieldSpec]:
    specs = [*SPECS.get(object_type, ()), *field_specs_of(custom)]
    by_name = {spec.filter_key or spec.name: spec for spec in specs}
    return by_name | {spec.name: spec for spec in specs}


def field_label(name: str, specs: dict[str, FieldSpec]) -> str:
    """ "company.industry" -> "Company: Industry"; custom fields by their label."""
    head, _, rest = name.partition(".")
    if rest and head in RELATED_LABELS and head != "custom":
        other = _specs_by_name(head, []) if head in SPECS else {}
        return f"{RELATED_LABELS[head]}: {field_label(rest, other)}"
    spec = specs.get(name)
    if spec is not None:
        return spec.label
    return EXTRA_LABELS.get(name) or name.removesuffix("_id").replace("_", " ").capitalize()


def _value_kind(kind: str, spec: FieldSpec | None) -> str:
    if spec is not None and spec.kind == "multi_choice":
        return "list"
    return {"id": "integer", "integer": "integer", "boolean": "boolean"}.get(kind, "text")


def _fields(kind: RecordType, custom: list[CustomField]) -> tuple[tuple[FieldChoice, ...], ...]:
    specs = _specs_by_name(kind.object_type, custom)
    filters = {**kind.filters, **filter_fields_of(custom)}

    def choice(name: str) -> FieldChoice:
        spec, filter_kind = specs.get(name), filters[name].kind if name in filters else "text"
        options = spec.choices if spec is not None else ()
        is_user = spec is not None and spec.kind == "user"
        label = field_label(name, specs)
        return FieldChoice(
            name, label, filter_kind, options, _value_kind(filter_kind, spec), is_user
        )

    custom_dates = [PREFIX + f.key for f in custom if f.field_type in DATE_TYPES]
    return (
        tuple(choice(name) for name in filters),
        tuple(choice(name) for name in (*kind.writable, *(PREFIX + f.key for f in custom))),
        tuple(choice(name) for name in (*kind.dates, *custom_dates)),
    )


def load_choices(principal: Principal, object_type: str | None) -> BuilderChoices:
    """Everything the builder's selects offer, for a trigger on `object_type` (or none)."""
    kind = RECORD_TYPES.get(object_type or "")
    fields: tuple[tuple[FieldChoice, ...], ...] = ((), (), ())
    if kind is not None:
        custom = active_fields(principal.workspace_id, kind.object_type) if kind.has_custom else []
        fields = _fields(kind, custom)
    templates = visible_email_templates(principal).order_by("name", "pk")
    tags = list_tags(
        principal, ListParams(filter=[], sort="name", limit=PICKER_LIMIT, cursor=None, fields=None)
    )
    return BuilderChoices(
        object_type=kind.object_type if kind else None,
        condition_fields=fields[0],
        writable_fields=fields[1],
        date_fields=fields[2],
        members=tuple((str(k), v) for k, v in member_labels(principal, active_only=True).items()),
        teams=tuple((str(team.pk), team.name) for team in list_teams(principal)),
        templates=tuple(
            (str(pk), name) for pk, name in templates.values_list("pk", "name")[:PICKER_LIMIT]
        ),
        tags=tuple(tag.name for tag in tags.items),
    )
