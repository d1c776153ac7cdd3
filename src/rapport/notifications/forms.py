"""The notification settings form: per kind, in the app and by email (a checkbox each)."""

from __future__ import annotations

from typing import Any

from django import forms

from rapport.notifications.kinds import KINDS
from rapport.notifications.queries import Preference

CHANNELS = {"in_app": "in the app", "by_email": "by email"}


def choice_name(kind: str, channel: str) -> str:
    return f"{kind}__{channel}"


class PreferencesForm(forms.Form):
    """One checkbox per kind and channel; an unticked box (absent from the post) means off."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in KINDS.values():
            for channel, words in CHANNELS.items():
                label = f"{kind.label}: {words}"
                self.fields[choice_name(kind.key, channel)] = forms.BooleanField(
                    label=label,
                    required=False,
                    widget=forms.CheckboxInput(attrs={"aria-label": label}),
                )

    @staticmethod
    def initial_of(preferences: list[Preference]) -> dict[str, bool]:
        initial = {}
        for p in preferences:
            initial[choice_name(p.kind, "in_app")] = p.in_app
            initial[choice_name(p.kind, "by_email")] = p.by_email
        return initial

    def rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        """Rows of the settings table: a kind's label and its two checkboxes."""
        return [
            (kind.label, self[choice_name(key, "in_app")], self[choice_name(key, "by_email")])
            for key, kind in KINDS.items()
        ]

    def choices(self) -> dict[str, dict[str, bool]]:
        """The cleaned form as set_preferences takes it."""
        return {
            key: {channel: self.cleaned_data[choice_name(key, channel)] for channel in CHANNELS}
            for key in KINDS
        }
