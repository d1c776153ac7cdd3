"""Forms of the custom-field Settings pages: they parse input; the services validate and decide.

A select field's options are typed one per line, as `value` or `value | Label`; a currency
field's option is its default currency.
"""

from __future__ import annotations

from typing import Any

from django import forms

from rapport.customfields.models import FIELD_TYPES, CustomField
from rapport.customfields.services import SELECT_TYPES

TYPE_LABELS = {
    "text": "Text",
    "long_text": "Long text",
    "integer": "Whole number",
    "decimal": "Decimal number",
    "currency": "Money (amount and currency)",
    "date": "Date",
    "datetime": "Date and time",
    "boolean": "Yes / no",
    "single_select": "Single select",
    "multi_select": "Multi select",
    "url": "Web address",
    "email": "Email",
    "phone": "Phone",
    "user": "User (a member)",
}
OPTIONS_HINT = "Select fields: one option per line, as “value” or “value | Label”."


def options_text(field: CustomField) -> str:
    """A select field's options as the textarea shows them."""
    if not isinstance(field.options, list):
        return ""
    lines = []
    for option in field.options:
        value, label = option["value"], option.get("label") or option["value"]
        lines.append(value if label == value else f"{value} | {label}")
    return "\n".join(lines)


def parse_options(text: str) -> list[dict[str, str]]:
    options = []
    for line in text.splitlines():
        value, _, label = line.partition("|")
        if value.strip():
            options.append({"value": value.strip(), "label": label.strip() or value.strip()})
    return options


class CustomFieldEditForm(forms.Form):
    label = forms.CharField(label="Label", max_length=100)
    options = forms.CharField(
        label="Options",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=OPTIONS_HINT,
    )
    currency = forms.CharField(
        label="Default currency",
        required=False,
        max_length=3,
        help_text="Money fields: the currency used when a value names none, e.g. EUR.",
    )
    help_text = forms.CharField(label="Help text", required=False, max_length=200)
    is_required = forms.BooleanField(label="Required on new records", required=False)

    def __init__(self, *args: Any, field_type: str | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if field_type is not None:  # the type is known: keep only the inputs it uses
            if field_type not in SELECT_TYPES:
                del self.fields["options"]
            if field_type != "currency":
                del self.fields["currency"]

    def options_for(self, field_type: str) -> Any:
        """The service's `options` for this type, or None when the type has none."""
        if field_type in SELECT_TYPES:
            return parse_options(self.cleaned_data.get("options") or "")
        currency = (self.cleaned_data.get("currency") or "").strip()
        if field_type == "currency" and currency:
            return {"currency": currency}
        return None


class CustomFieldCreateForm(CustomFieldEditForm):
    key = forms.CharField(
        label="Key",
        max_length=60,
        help_text="Fixed for good: lower-case letters, digits and _, starting with a letter. "
        "The API and exports name the field custom.<key>.",
    )
    field_type = forms.ChoiceField(
        label="Type",
        choices=[(t, TYPE_LABELS[t]) for t in FIELD_TYPES],
        help_text="Fixed for good once created.",
    )

    field_order = ["label", "key", "field_type", "options", "currency", "help_text", "is_required"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, field_type=None, **kwargs)
