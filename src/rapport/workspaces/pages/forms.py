"""Forms of the Settings pages: they parse what was typed; the services validate and decide."""

from __future__ import annotations

import zoneinfo
from typing import Any

import phonenumbers
from django import forms

from rapport.core.permissions import ACTIONS, SCOPES
from rapport.workspaces.models import Role
from rapport.workspaces.roles import OBJECT_TYPES

NO_SCOPE = ""  # a grid cell without a grant
SCOPE_CHOICES = [(NO_SCOPE, "None"), *((scope, scope.capitalize()) for scope in SCOPES)]
AUDIT_OBJECT_TYPES = (
    "contact",
    "company",
    "activity",
    "tag",
    "custom_field",
    "saved_view",
    "email_template",
    "user",
    "invitation",
    "team",
    "role",
    "token",
    "workspace",
)
AUDIT_ACTIONS = (
    "create",
    "update",
    "edit",
    "delete",
    "restore",
    "hard_delete",
    "accept",
    "export",
    "reset_password",
)


def _choices(values: tuple[str, ...], blank: str) -> list[tuple[str, str]]:
    return [("", blank), *((v, v.replace("_", " ").capitalize()) for v in values)]


def time_zone_choices(current: str) -> list[tuple[str, str]]:
    names = sorted(zoneinfo.available_timezones() | {current})
    return [(name, name.replace("_", " ")) for name in names]


def country_choices() -> list[tuple[str, str]]:
    regions = sorted(phonenumbers.SUPPORTED_REGIONS)
    return [(r, f"{r} (+{phonenumbers.country_code_for_region(r)})") for r in regions]


class WorkspaceProfileForm(forms.Form):
    name = forms.CharField(label="Workspace name", max_length=200)
    time_zone = forms.ChoiceField(
        label="Time zone", help_text="Dates and times on pages are shown in this zone."
    )
    default_country = forms.ChoiceField(
        label="Default country",
        help_text="Phone numbers typed without a country code are read as this country's.",
    )

    def __init__(self, *args: Any, time_zone: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = time_zone_choices(time_zone)  # type: ignore[attr-defined]
        self.fields["default_country"].choices = country_choices()  # type: ignore[attr-defined]


def role_choices(roles: list[Role]) -> list[tuple[str, str]]:
    return [(role.key, role.name) for role in roles]


class InviteForm(forms.Form):
    email = forms.EmailField(label="Email", max_length=254)
    role = forms.ChoiceField(label="Role")

    def __init__(self, *args: Any, roles: list[Role], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = role_choices(roles)  # type: ignore[attr-defined]


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label="Role")

    def __init__(self, *args: Any, roles: list[Role], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = role_choices(roles)  # type: ignore[attr-defined]


class AwayForm(forms.Form):
    """Away through a day (empty: not away); a post with `back` clears it. The inputs are
    drawn by settings/users.html and settings/notifications.html."""

    away_until = forms.DateField(label="Away until", required=False)


def grant_name(object_type: str, action: str) -> str:
    return f"{object_type}__{action}"


class RoleForm(forms.Form):
    """A role's name and its grid of object type x action -> scope (a select per cell)."""

    name = forms.CharField(label="Role name", max_length=100)

    def __init__(self, *args: Any, read_only: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for object_type in OBJECT_TYPES:
            for action in ACTIONS:
                label = f"{object_type.replace('_', ' ').capitalize()}: {action}"
                self.fields[grant_name(object_type, action)] = forms.ChoiceField(
                    label=label,
                    choices=SCOPE_CHOICES,
                    required=False,
                    disabled=read_only,
                    widget=forms.Select(attrs={"aria-label": label}),
                )
        self.fields["name"].disabled = read_only

    @staticmethod
    def initial_of(role: Role) -> dict[str, str]:
        initial = {"name": role.name}
        for object_type, actions in role.grants.items():
            for action, scope in actions.items():
                initial[grant_name(object_type, action)] = scope
        return initial

    def grid(self) -> list[tuple[str, list[forms.BoundField]]]:
        """Rows of the grant table: an object type and its bound selects, one per action."""
        return [(t, [self[grant_name(t, a)] for a in ACTIONS]) for t in OBJECT_TYPES]

    def grants(self) -> dict[str, dict[str, str]]:
        """The cleaned grid as a role's grants, leaving out the cells set to None."""
        grants: dict[str, dict[str, str]] = {}
        for object_type in OBJECT_TYPES:
            for action in ACTIONS:
                scope = self.cleaned_data.get(grant_name(object_type, action)) or NO_SCOPE
                if scope != NO_SCOPE:
                    grants.setdefault(object_type, {})[action] = scope
        return grants


class TeamForm(forms.Form):
    name = forms.CharField(label="Team name", max_length=100)


class TeamMembersForm(forms.Form):
    name = forms.CharField(label="Team name", max_length=100)
    members = forms.TypedMultipleChoiceField(
        label="Members",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Only active members can be in a team.",
    )

    def __init__(self, *args: Any, member_choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].choices = member_choices  # type: ignore[attr-defined]


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Token name", max_length=100, help_text="Say where it is used, e.g. “Zapier”."
    )
    can_write = forms.BooleanField(
        label="Allow writes (create, edit, delete); leave unticked for a read-only token",
        required=False,
    )


class AuditFilterForm(forms.Form):
    """The audit log's filters; all optional, every one that is set must match."""

    object_type = forms.ChoiceField(
        label="Object type", required=False, choices=_choices(AUDIT_OBJECT_TYPES, "Any type")
    )
    action = forms.ChoiceField(
        label="Action", required=False, choices=_choices(AUDIT_ACTIONS, "Any action")
    )
    actor = forms.TypedChoiceField(label="Actor", required=False, coerce=int, empty_value=None)
    object_id = forms.IntegerField(label="Object id", required=False, min_value=1)
    since = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label="To (inclusive)", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, actors: dict[int, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "Anyone"), *actors.items()]
        self.fields["actor"].choices = choices  # type: ignore[attr-defined]
