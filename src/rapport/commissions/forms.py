"""The plan editor's form: plain fields as a Django form, tiers and category rates as numbered
rows (`tier-0-from`, `cat-1-rate`) so the page needs no script to add one."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict

from rapport.commissions.models import CommissionPlan

BLANK_ROWS = 2  # empty rows offered under the filled ones


class PlanForm(forms.Form):
    name = forms.CharField(max_length=100)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    base_rate = forms.CharField(
        label="Base rate (%)", help_text="Paid when the plan has no tiers or the month no quota."
    )
    tier_mode = forms.ChoiceField(
        label="Tiers apply",
        choices=[
            ("retroactive", "To the whole month (retroactive)"),
            ("marginal", "To the part of the month above each tier (marginal)"),
        ],
    )
    effective_from = forms.CharField(
        label="First day", widget=forms.DateInput(attrs={"type": "date"})
    )
    effective_to = forms.CharField(
        label="Last day",
        required=False,
        help_text="Empty: open-ended.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    is_active = forms.BooleanField(label="Active", required=False, initial=True)

    def service_data(self, post: QueryDict) -> dict[str, Any]:
        data: dict[str, Any] = {
            name: post.get(name, "").strip()
            for name in (
                "name",
                "description",
                "base_rate",
                "tier_mode",
                "effective_from",
                "effective_to",
            )
        }
        data["is_active"] = post.get("is_active") == "on"
        data["tiers"] = [{"from": a, "rate": b} for _, a, b in posted_rows(post, "tier", "from")]
        data["category_rates"] = [
            {"category": a, "rate": b} for _, a, b in posted_rows(post, "cat", "category")
        ]
        return data


def posted_rows(post: QueryDict, prefix: str, first: str) -> list[tuple[int, str, str]]:
    """(n, first, rate) of the filled rows `<prefix>-<n>-<first>` / `<prefix>-<n>-rate`."""
    rows = []
    for n in range(100):
        if f"{prefix}-{n}-{first}" not in post:
            break
        a, b = (
            post.get(f"{prefix}-{n}-{first}", "").strip(),
            post.get(f"{prefix}-{n}-rate", "").strip(),
        )
        if a or b:
            rows.append((n, a, b))
    return rows


def plan_initial(plan: CommissionPlan) -> dict[str, Any]:
    return {
        "name": plan.name,
        "description": plan.description,
        "base_rate": plan.base_rate.normalize(),
        "tier_mode": plan.tier_mode,
        "effective_from": plan.effective_from.isoformat(),
        "effective_to": plan.effective_to.isoformat() if plan.effective_to else "",
        "is_active": plan.is_active,
    }


def row_inputs(
    saved: list[tuple[str, str]], errors: dict[str, str], prefix: str
) -> list[dict[str, Any]]:
    """Rows to draw: what was saved or typed, then BLANK_ROWS empty ones, with their errors."""
    rows = [*saved, *[("", "")] * BLANK_ROWS]
    return [
        {
            "n": n,
            "a": a,
            "b": b,
            "error_a": errors.get(f"{prefix}-{n}-a", ""),
            "error_b": errors.get(f"{prefix}-{n}-b", ""),
        }
        for n, (a, b) in enumerate(rows)
    ]
