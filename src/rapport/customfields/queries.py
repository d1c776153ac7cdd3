"""Reads about custom fields, and the expressions lists use to filter and sort on their values.

A record's value of field `key` is filtered and sorted through a queryset alias `cf_<key>`: the
JSON value cast by type, so numbers compare as numbers and dates as dates on SQLite and
PostgreSQL alike.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.db.models.functions import Cast

from rapport.core.api_support import ListParams
from rapport.core.errors import NotFound
from rapport.core.field_specs import CUSTOM_KINDS, FieldSpec
from rapport.core.filters import FilterField, filters_q
from rapport.core.pagination import Page, SortKey, keyset_page, parse_sort
from rapport.core.permissions import Principal, visible
from rapport.customfields.models import CustomField

M = TypeVar("M", bound=models.Model)
PREFIX = "custom."
_FILTER_KIND = {
    "integer": "integer",
    "decimal": "decimal",
    "currency": "decimal",
    "date": "date",
    "datetime": "datetime",
    "boolean": "boolean",
    "user": "id",
}
_CAST_TO: dict[str, models.Field[Any, Any]] = {
    "integer": models.BigIntegerField(),
    "user": models.BigIntegerField(),
    "decimal": models.DecimalField(max_digits=36, decimal_places=12),
    "currency": models.DecimalField(max_digits=36, decimal_places=12),
    "date": models.DateField(),
    "datetime": models.DateTimeField(),
    "boolean": models.BooleanField(),
}
# Multi-select values are lists; they are shown, not filtered or sorted (yet).
UNSORTABLE = {"multi_select", "long_text", "boolean"}


def active_fields(workspace_id: int, object_type: str) -> list[CustomField]:
    """The live definitions of an object type, in display order."""
    return list(
        CustomField.objects.filter(
            workspace_id=workspace_id, object_type=object_type, deleted_at__isnull=True
        ).order_by("position", "id")
    )


LIST_FILTERS = {
    "object_type": FilterField("object_type"),
    "key": FilterField("key"),
    "label": FilterField("label"),
    "field_type": FilterField("field_type"),
    "is_required": FilterField("is_required", "boolean"),
    "created_at": FilterField("created_at", "datetime"),
}
LIST_SORTS = {"object_type", "key", "label", "position", "created_at", "id"}


def list_custom_fields(principal: Principal, params: ListParams) -> Page[CustomField]:
    qs = visible(principal, CustomField.objects.all(), "custom_field")
    qs = qs.filter(filters_q(LIST_FILTERS, params.filter))
    keys = parse_sort(params.sort, LIST_SORTS, "object_type,position")
    return keyset_page(qs, keys, params.limit, params.cursor)


def get_custom_field(principal: Principal, field_id: int) -> CustomField:
    field = (
        visible(principal, CustomField.objects.all(), "custom_field").filter(pk=field_id).first()
    )
    if field is None:
        raise NotFound("custom field not found")
    return field


def alias_of(key: str) -> str:
    return f"cf_{key}"


def value_expression(field: CustomField) -> Any:
    """The field's value in `custom`, cast by type (currency: its amount)."""
    if field.field_type == "currency":
        text: Any = KeyTextTransform("amount", KeyTransform(field.key, "custom"))
    else:
        text = KeyTextTransform(field.key, "custom")
    cast_to = _CAST_TO.get(field.field_type)
    if cast_to is None:
        # Plain text, not a JSON key transform: Django's JSON `__in` lookup would read the
        # filter's values as JSON (SQLite: "malformed JSON").
        return Cast(text, models.TextField())
    return Cast(text, cast_to)


def filter_fields(workspace_id: int, object_type: str) -> dict[str, FilterField]:
    """Filterable custom fields, named `custom.<key>`, on the aliases `with_custom_values` adds."""
    return filter_fields_of(active_fields(workspace_id, object_type))


def filter_fields_of(fields: list[CustomField]) -> dict[str, FilterField]:
    return {
        PREFIX + f.key: FilterField(alias_of(f.key), _FILTER_KIND.get(f.field_type, "text"))
        for f in fields
        if f.field_type != "multi_select"
    }


def sort_names(fields: list[CustomField]) -> set[str]:
    return {PREFIX + f.key for f in fields if f.field_type not in UNSORTABLE}


def with_custom_values(
    queryset: models.QuerySet[M], fields: list[CustomField], keys: list[SortKey]
) -> tuple[models.QuerySet[M], list[SortKey]]:
    """Alias every custom value (annotate the sorted ones) and point sort keys at them."""
    sorted_keys = {k.name.removeprefix(PREFIX) for k in keys if k.name.startswith(PREFIX)}
    by_key = {f.key: f for f in fields if f.field_type != "multi_select"}
    aliases = {alias_of(k): value_expression(f) for k, f in by_key.items() if k not in sorted_keys}
    annotations = {alias_of(k): value_expression(by_key[k]) for k in sorted_keys if k in by_key}
    queryset = queryset.alias(**aliases).annotate(**annotations)
    renamed = [
        SortKey(alias_of(k.name.removeprefix(PREFIX)), k.descending)
        if k.name.startswith(PREFIX)
        else k
        for k in keys
    ]
    return queryset, renamed


def visible_custom(custom: dict[str, Any], fields: list[CustomField]) -> dict[str, Any]:
    """A record's values of live fields only: a deleted field's values stay stored but hidden."""
    live = {f.key for f in fields}
    return {k: v for k, v in (custom or {}).items() if k in live}


def field_specs_of(custom_fields: list[CustomField]) -> list[FieldSpec]:
    """How pages show, edit, filter and sort each live custom field."""
    specs = []
    for field in custom_fields:
        options = field.options if isinstance(field.options, list) else []
        specs.append(
            FieldSpec(
                name=f"{PREFIX}{field.key}",
                label=field.label,
                kind=CUSTOM_KINDS[field.field_type],
                choices=tuple((o["value"], o.get("label") or o["value"]) for o in options),
                sortable=field.field_type not in UNSORTABLE,
                filterable=field.field_type != "multi_select",
                required=field.is_required,
                help_text=field.help_text,
                options=field.options if isinstance(field.options, dict) else {},
            )
        )
    return specs
