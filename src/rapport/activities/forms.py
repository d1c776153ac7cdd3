"""Forms of the activity pages: the quick actions on a record, and the activities list's fields.

The quick actions parse what the browser posts into the service's input (the API's field names);
the rules themselves live in activities.kinds and activities.services, so the pages and the API
agree. Datetimes are read in the workspace's time zone: the view activates it around the form.
The list's fields are FieldSpecs (core.field_specs), filterable and sortable exactly as
activities.queries allows, like the contact and company lists.
"""

from __future__ import annotations

from email.utils import parseaddr
from typing import Any

from django import forms

from rapport.activities.kinds import DIRECTIONS, PRIORITIES
from rapport.activities.models import KINDS
from rapport.activities.queries import FILTER_FIELDS, SORT_FIELDS
from rapport.core.field_specs import FieldSpec, choices_of

# The quick actions a record page offers: kind -> the button's (and the form's) title.
QUICK_ACTIONS = {
    "call": "Log a call",
    "note": "Add a note",
    "meeting": "Schedule a meeting",
    "task": "Create a task",
}
# The fields each quick action asks for, in order.
QUICK_FIELDS = {
    "call": ("subject", "direction", "occurred_at", "duration_minutes", "outcome", "body"),
    "note": ("body", "occurred_at"),
    "meeting": ("subject", "occurred_at", "ends_at", "attendees", "body"),
    "task": ("subject", "due_at", "priority", "assignee", "body"),
}
# Service error locations -> form field names, where they differ.
ERROR_NAMES = {"duration_seconds": "duration_minutes", "assignee_id": "assignee"}
OUTCOMES = ("Connected", "Left voicemail", "No answer", "Busy", "Wrong number")
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends and shows


def _when(label: str, required: bool = False) -> forms.DateTimeField:
    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT)
    return forms.DateTimeField(label=label, required=required, widget=widget)


def _choices(values: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(value, value.capitalize()) for value in values]


class QuickActivityForm(forms.Form):
    """One quick action; only the fields of its kind (QUICK_FIELDS) are kept."""

    subject = forms.CharField(label="Subject", max_length=200, required=False)
    body = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    occurred_at = _when("When")
    ends_at = _when("Ends")
    attendees = forms.CharField(
        label="Attendees",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One per line: an email, or Name <email>.",
    )
    direction = forms.ChoiceField(label="Direction", choices=_choices(DIRECTIONS))
    duration_minutes = forms.IntegerField(
        label="Duration (minutes)", required=False, min_value=0, max_value=24 * 60
    )
    outcome = forms.CharField(
        label="Outcome",
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"list": "activity-outcomes"}),
    )
    due_at = _when("Due")
    priority = forms.ChoiceField(label="Priority", choices=_choices(PRIORITIES))
    assignee = forms.TypedChoiceField(
        label="Assignee", coerce=int, required=False, empty_value=None
    )

    def __init__(self, kind: str, members: dict[int, str], *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "activity-%s")
        super().__init__(*args, **kwargs)
        self.kind = kind
        wanted = QUICK_FIELDS[kind]
        self.fields = {name: self.fields[name] for name in wanted}
        if kind == "note":
            self.fields["body"].label, self.fields["body"].required = "Note", True
        if kind == "meeting":
            self.fields["subject"].label = "Title"
            self.fields["occurred_at"].label, self.fields["occurred_at"].required = "Starts", True
        if kind == "task":
            self.fields["subject"].label, self.fields["subject"].required = "Task", True
            self.initial.setdefault("priority", "normal")
            assignee = self.fields["assignee"]
            assert isinstance(assignee, forms.TypedChoiceField)
            assignee.choices = [("", "Nobody"), *members.items()]
        if kind == "call":
            self.initial.setdefault("direction", "outbound")
        if kind in ("call", "note"):
            self.fields["occurred_at"].help_text = "Leave empty for now."

    def focus(self) -> None:
        """Put the cursor in the first field with a problem, or else the first field."""
        names = [name for name in self.fields if name in self.errors] or list(self.fields)
        self.fields[names[0]].widget.attrs["autofocus"] = True

    def service_fields(self) -> dict[str, Any]:
        """The cleaned input as the service takes it; empty values are left to its defaults."""
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        if "duration_minutes" in data:
            data["duration_seconds"] = data.pop("duration_minutes") * 60
        if "assignee" in self.fields:  # "Nobody" is a choice, not "the default assignee"
            data["assignee_id"] = data.pop("assignee", None)
        if "attendees" in data:
            data["attendees"] = parse_attendees(data["attendees"])
        return data


def parse_attendees(raw: str) -> list[dict[str, str]]:
    """One attendee a line, "ada@example.com" or "Ada Lovelace <ada@example.com>".

    A line that is not an address is passed on as typed, so the service names it as invalid.
    """
    rows = []
    for line in (line.strip() for line in raw.splitlines()):
        if not line:
            continue
        name, email = parseaddr(line)
        rows.append({"email": email or line, "name": name})
    return rows


# --- The activities list ------------------------------------------------------------------------


def _spec(name: str, label: str, kind: str = "text", **options: Any) -> FieldSpec:
    """A read-only list field, filterable and sortable exactly when activities.queries allows."""
    return FieldSpec(
        name,
        label,
        kind,
        filterable=name in FILTER_FIELDS,
        sortable=name in SORT_FIELDS,
        editable=False,
        **options,
    )


# The list's columns. "record" is not in the API body: the page adds the contact or company
# the activity is on, as {"url", "name"} (see activities.views).
LIST_FIELDS = (
    _spec("kind", "Kind", "choice", choices=choices_of(KINDS)),
    _spec("subject", "Subject"),
    _spec("record", "Record", "record"),
    _spec("occurred_at", "When", "datetime"),
    _spec("owner_id", "Owner", "user"),
    _spec("due_at", "Due", "datetime"),
    _spec("assignee_id", "Assignee", "user"),
    _spec("priority", "Priority", "choice", choices=choices_of(PRIORITIES)),
    _spec("is_done", "Done", "boolean"),
    _spec("direction", "Direction", "choice", choices=choices_of(DIRECTIONS)),
    _spec("outcome", "Outcome"),
    _spec("duration_seconds", "Duration", "duration"),
    _spec("ends_at", "Ends", "datetime"),
    _spec("done_at", "Completed", "datetime"),
    _spec("created_at", "Created", "datetime"),
    _spec("updated_at", "Updated", "datetime"),
)
# Filters without a column: the record an activity is on, by id (the Record column shows it).
LINK_FILTERS = (_spec("contact_id", "Contact (id)"), _spec("company_id", "Company (id)"))
# After the Activity column (kind and subject, linking to the record), which every list shows.
DEFAULT_COLUMNS = ("occurred_at", "record", "owner_id", "due_at", "is_done")
# The list's quick filters: label -> the filter terms they set.
QUICK_FILTERS = {
    "Calls": ("kind:eq:call",),
    "Notes": ("kind:eq:note",),
    "Meetings": ("kind:eq:meeting",),
    "Emails": ("kind:eq:email",),
    "Tasks": ("kind:eq:task",),
    "Open tasks": ("kind:eq:task", "is_done:eq:false"),
    "Done tasks": ("kind:eq:task", "is_done:eq:true"),
}
