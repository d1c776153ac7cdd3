"""Forms of Settings > Territories: they parse what was typed (rule lists as comma-separated
text); territories.services validates and decides."""

from __future__ import annotations

from typing import Any

from django import forms

from rapport.territories.matching import Facts
from rapport.territories.models import Territory

Options = list[tuple[str, str]]
LISTS = ("countries", "regions", "postcode_prefixes", "industries")
THEN_CHOICES = [
    ("round_robin", "In turn (round-robin)"),
    ("fewest_open", "The member with the fewest open records"),
]


def split_list(raw: str) -> list[str]:
    return [part.strip() for part in raw.split(",") if part.strip()]


class TerritoryForm(forms.Form):
    name = forms.CharField(label="Name", max_length=100)
    team_id = forms.ChoiceField(label="Team", help_text="The team whose members get its records.")
    countries = forms.CharField(
        label="Countries", required=False, help_text="ISO codes, separated by commas: DE, AT, CH."
    )
    regions = forms.CharField(label="Regions", required=False, help_text="E.g. Bavaria, Tyrol.")
    postcode_prefixes = forms.CharField(
        label="Postcodes starting with", required=False, help_text="E.g. 75, 92, SW1."
    )
    industries = forms.CharField(
        label="Industries", required=False, help_text="The company's industry, e.g. Software."
    )
    min_employees = forms.IntegerField(label="Employees from", required=False, min_value=0)
    max_employees = forms.IntegerField(label="Employees up to", required=False, min_value=0)
    is_active = forms.BooleanField(label="Active: used for assignment", required=False)

    def __init__(self, *args: Any, teams: Options, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["team_id"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Choose a team…"), *teams]

    @classmethod
    def initial_of(cls, territory: Territory) -> dict[str, Any]:
        initial: dict[str, Any] = {name: ", ".join(getattr(territory, name)) for name in LISTS}
        return initial | {
            "name": territory.name,
            "team_id": str(territory.team_id or ""),
            "min_employees": territory.min_employees,
            "max_employees": territory.max_employees,
            "is_active": territory.is_active,
        }

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "team_id": int(data["team_id"]) if data["team_id"] else None,
            **{name: split_list(data[name]) for name in LISTS},
            "min_employees": data["min_employees"],
            "max_employees": data["max_employees"],
            "is_active": data["is_active"],
        }


class MatchTestForm(forms.Form):
    """The test box: a record's facts, to see which territory they fall in."""

    country = forms.CharField(label="Country", required=False, max_length=2)
    region = forms.CharField(label="Region", required=False, max_length=100)
    postal_code = forms.CharField(label="Postcode", required=False, max_length=20)
    industry = forms.CharField(label="Industry", required=False, max_length=100)
    employee_count = forms.IntegerField(label="Employees", required=False, min_value=0)

    def facts(self) -> Facts:
        data = self.cleaned_data
        return Facts(
            country=data["country"].upper(),
            region=data["region"],
            postal_code=data["postal_code"],
            industry=data["industry"],
            employee_count=data["employee_count"],
        )


class AssignmentForm(forms.Form):
    """One kind of ready-made assignment (leads or deals), prefixed with its kind."""

    enabled = forms.BooleanField(label="Switched on", required=False)
    then = forms.ChoiceField(label="Within the territory's team", choices=THEN_CHOICES)
    fallback_team_id = forms.ChoiceField(label="When no territory matches: a team", required=False)
    fallback_user_id = forms.ChoiceField(label="…or else a member", required=False)

    def __init__(self, *args: Any, teams: Options, members: Options, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        team_field, user_field = self.fields["fallback_team_id"], self.fields["fallback_user_id"]
        assert isinstance(team_field, forms.ChoiceField)
        assert isinstance(user_field, forms.ChoiceField)
        team_field.choices = [("", "No team"), *teams]
        user_field.choices = [("", "Nobody: the owner stays"), *members]

    def choice_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "enabled": data["enabled"],
            "then": data["then"],
            "fallback_team_id": int(data["fallback_team_id"]) if data["fallback_team_id"] else None,
            "fallback_user_id": int(data["fallback_user_id"]) if data["fallback_user_id"] else None,
        }
