"""Writes about custom field definitions, and validating records' custom values against them.

A field's `key` and `field_type` never change after creation, so stored values always match
their definition; renaming changes only the `label`. Deleting is soft: values stay in records,
hidden, and the key stays reserved.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from rapport.core.audit import diff, record_change
from rapport.core.errors import Conflict, FieldError, Invalid, NotFound
from rapport.core.lifecycle import check_version
from rapport.core.permissions import Principal, require
from rapport.customfields import values
from rapport.customfields.models import FIELD_TYPES, OBJECT_TYPES, CustomField
from rapport.customfields.queries import active_fields
from rapport.workspaces.models import Membership, Workspace

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
SELECT_TYPES = ("single_select", "multi_select")
EDITABLE = ("label", "options", "is_required", "help_text", "position")


def _snapshot(field: CustomField) -> dict[str, Any]:
    return {
        "object_type": field.object_type,
        "key": field.key,
        "label": field.label,
        "field_type": field.field_type,
        "options": field.options,
        "is_required": field.is_required,
        "help_text": field.help_text,
        "position": field.position,
    }


def _clean_options(field_type: str, options: Any) -> Any:
    if field_type in SELECT_TYPES:
        if not isinstance(options, list) or not options:
            raise Invalid.on("options", "A select field needs a list of options.")
        cleaned, seen = [], set()
        for i, option in enumerate(options):
            value = option.get("value") if isinstance(option, dict) else None
            if not isinstance(value, str) or not value.strip() or value in seen:
                raise Invalid.on(("options", i, "value"), "Each option needs a unique value.")
            seen.add(value)
            cleaned.append({"value": value, "label": str(option.get("label") or value)})
        return cleaned
    if field_type == "currency" and options:
        if not isinstance(options, dict):
            raise Invalid.on("options", 'Currency options look like {"currency": "EUR"}.')
        try:
            return {"currency": values.normalise_currency_code(options.get("currency"))}
        except ValueError as exc:
            raise Invalid.on(("options", "currency"), str(exc)) from exc
    return [] if field_type != "currency" else {}


def _locked(principal: Principal, field_id: int) -> CustomField:
    field = (
        CustomField.objects.select_for_update()
        .filter(workspace_id=principal.workspace_id, pk=field_id, deleted_at__isnull=True)
        .first()
    )
    if field is None:
        raise NotFound("custom field not found")
    return field


@transaction.atomic
def create_custom_field(
    principal: Principal,
    *,
    object_type: str,
    key: str,
    label: str,
    field_type: str,
    options: Any = None,
    is_required: bool = False,
    help_text: str = "",
) -> CustomField:
    require(principal, "create", "custom_field")
    if object_type not in OBJECT_TYPES:
        raise Invalid.on("object_type", f"Choose one of {', '.join(OBJECT_TYPES)}.")
    if field_type not in FIELD_TYPES:
        raise Invalid.on("field_type", f"Choose one of {', '.join(FIELD_TYPES)}.")
    if not KEY_PATTERN.match(key):
        raise Invalid.on("key", "Use lower-case letters, digits and _; start with a letter.")
    if not label.strip():
        raise Invalid.on("label", "A field needs a label.")
    last = CustomField.objects.filter(workspace_id=principal.workspace_id, object_type=object_type)
    field = CustomField(
        workspace_id=principal.workspace_id,
        object_type=object_type,
        key=key,
        label=label.strip(),
        field_type=field_type,
        options=_clean_options(field_type, options),
        is_required=is_required,
        help_text=help_text.strip(),
        position=last.count(),
    )
    try:
        with transaction.atomic():
            field.save()
    except IntegrityError as exc:
        raise Conflict(f"The key {key!r} is already used by a {object_type} field.") from exc
    record_change(principal, "create", "custom_field", field, _snapshot(field))
    return field


@transaction.atomic
def update_custom_field(
    principal: Principal,
    field_id: int,
    changes: dict[str, Any],
    expected_version: int | None = None,
) -> CustomField:
    """Rename, re-describe, change options or required; key and type are fixed for life."""
    field = _locked(principal, field_id)
    require(principal, "edit", "custom_field", field)
    check_version(field, expected_version)
    fixed = sorted(set(changes) - set(EDITABLE))
    if fixed:
        raise Invalid(
            "Some fields cannot be changed.",
            [FieldError((name,), "This cannot be changed after creation.") for name in fixed],
        )
    before = _snapshot(field)
    if "label" in changes and not str(changes["label"] or "").strip():
        raise Invalid.on("label", "A field needs a label.")
    if "options" in changes:
        changes["options"] = _clean_options(field.field_type, changes["options"])
    for name, value in changes.items():
        setattr(field, name, value.strip() if isinstance(value, str) else value)
    field.version += 1
    field.save()
    record_change(principal, "update", "custom_field", field, diff(before, _snapshot(field)))
    return field


@transaction.atomic
def delete_custom_field(principal: Principal, field_id: int) -> None:
    """Hide the field and its values; records keep the values untouched."""
    field = _locked(principal, field_id)
    require(principal, "delete", "custom_field", field)
    field.deleted_at = timezone.now()
    field.version += 1
    field.save(update_fields=["deleted_at", "version"])
    record_change(principal, "delete", "custom_field", field, _snapshot(field))


@transaction.atomic
def reorder_custom_fields(
    principal: Principal, object_type: str, field_ids: list[int]
) -> list[CustomField]:
    """Set the display order of an object type's fields to `field_ids` (all of them, once)."""
    require(principal, "edit", "custom_field")
    fields = {f.pk: f for f in active_fields(principal.workspace_id, object_type)}
    if sorted(field_ids) != sorted(fields):
        raise Invalid.on("field_ids", "List every field of this object type exactly once.")
    for position, field_id in enumerate(field_ids):
        field = fields[field_id]
        if field.position != position:
            before = field.position
            field.position, field.version = position, field.version + 1
            field.save(update_fields=["position", "version"])
            record_change(
                principal, "update", "custom_field", field, {"position": [before, position]}
            )
    return [fields[i] for i in field_ids]


# --- Values ------------------------------------------------------------------------------------


def _clean_value(field: CustomField, raw: Any, workspace: Workspace) -> Any:
    kind = field.field_type
    if kind in values.TEXT_NORMALISERS:
        return values.TEXT_NORMALISERS[kind](raw)
    if kind == "phone":
        return values.normalise_phone(raw, workspace.default_country)
    if kind == "currency":
        return _clean_money(field, raw)
    if kind in SELECT_TYPES:
        return _clean_choice(field, raw)
    if kind == "user":
        user_id = values.normalise_integer(raw)
        if not Membership.objects.filter(
            workspace_id=workspace.pk, user_id=user_id, is_active=True, user__is_active=True
        ).exists():
            raise ValueError("Choose an active member of this workspace.")
        return user_id
    raise ValueError(f"Unsupported field type {kind}.")


def _clean_money(field: CustomField, raw: Any) -> dict[str, str]:
    if not isinstance(raw, dict) or set(raw) - {"amount", "currency"}:
        raise ValueError('Send {"amount": "12.50", "currency": "EUR"}.')
    default = field.options.get("currency") if isinstance(field.options, dict) else None
    currency = raw.get("currency") or default
    if currency is None:
        raise ValueError("Include a currency.")
    return {
        "amount": values.normalise_decimal(raw.get("amount")),
        "currency": values.normalise_currency_code(currency),
    }


def _clean_choice(field: CustomField, raw: Any) -> Any:
    allowed = [o["value"] for o in field.options]
    if field.field_type == "single_select":
        if raw not in allowed:
            raise ValueError(f"Choose one of {', '.join(allowed)}.")
        return raw
    if not isinstance(raw, list) or any(v not in allowed for v in raw):
        raise ValueError(f"Choose a list of values from {', '.join(allowed)}.")
    return [v for v in allowed if v in raw]  # de-duplicated, in the options' order


def clean_custom_values(
    workspace_id: int, object_type: str, values_in: dict[str, Any] | None, *, partial: bool
) -> dict[str, Any]:
    """Validated, normalised custom values; `None` means "clear this value" (partial only).

    Unknown (or deleted) keys are refused; on create (`partial=False`) required fields must
    have a value. Every bad field is reported at once with loc ("custom", key).
    """
    values_in = values_in or {}
    if not isinstance(values_in, dict):
        raise Invalid.on("custom", "Custom values are an object of key -> value.")
    fields = {f.key: f for f in active_fields(workspace_id, object_type)}
    workspace = Workspace.objects.get(pk=workspace_id)
    cleaned: dict[str, Any] = {}
    problems: list[FieldError] = []
    for key, raw in values_in.items():
        field = fields.get(key)
        if field is None:
            problems.append(FieldError(("custom", key), "Unknown custom field.", "unknown"))
        elif raw is None or raw == "" or raw == []:
            if field.is_required:
                problems.append(FieldError(("custom", key), "This field is required.", "required"))
            elif partial:
                cleaned[key] = None
        else:
            try:
                cleaned[key] = _clean_value(field, raw, workspace)
            except ValueError as exc:
                problems.append(FieldError(("custom", key), str(exc)))
    if not partial:
        for key, field in fields.items():
            if field.is_required and key not in values_in:
                problems.append(FieldError(("custom", key), "This field is required.", "required"))
    if problems:
        raise Invalid("Some custom values are not valid.", problems)
    return cleaned


def merge_custom(current: dict[str, Any], cleaned: dict[str, Any]) -> dict[str, Any]:
    """Apply cleaned values to a record's stored ones (None removes a key)."""
    merged = {**(current or {}), **cleaned}
    return {k: v for k, v in merged.items() if v is not None}
