"""The convert-lead form and the inbox's status form."""

from __future__ import annotations

from django import forms

from rapport.contacts.models import LEAD_STATUSES
from rapport.deals.models import CONTACT_ROLES

STATUS_LABELS = {
    "": "Not set",
    "new": "New",
    "attempting_contact": "Attempting contact",
    "connected": "Connected",
    "qualified": "Qualified",
    "unqualified": "Unqualified",
}
ROLE_LABELS = {r: r.replace("_", " ").capitalize() for r in CONTACT_ROLES}
STAGE_CHOICES = (
    ("opportunity", "Opportunity"),
    ("sales_qualified", "Sales qualified"),
    ("customer", "Customer"),
)


class LeadStatusForm(forms.Form):
    lead_status = forms.ChoiceField(
        choices=[(s, STATUS_LABELS[s]) for s in ("", *LEAD_STATUSES)], required=False
    )
    unqualified_reason = forms.CharField(max_length=200, required=False)


class ConvertForm(forms.Form):
    """`company` is "current", "none", "new" or a matching company's id."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    company = forms.CharField()
    new_company_name = forms.CharField(max_length=200, required=False, label="New company name")
    new_company_domain = forms.CharField(max_length=253, required=False, label="Its domain")
    create_deal = forms.BooleanField(required=False, initial=True, label="Create a deal")
    deal_name = forms.CharField(max_length=200, required=False, label="Deal name")
    stage_id = forms.IntegerField(required=False, label="Pipeline and stage")
    amount = forms.DecimalField(max_digits=18, decimal_places=2, required=False, min_value=0)
    currency = forms.CharField(max_length=3, required=False)
    expected_close_on = forms.DateField(
        required=False, label="Expected close", widget=forms.DateInput(attrs={"type": "date"})
    )
    role = forms.ChoiceField(
        choices=list(ROLE_LABELS.items()), initial="decision_maker", label="Their role"
    )
    lifecycle_stage = forms.ChoiceField(
        choices=STAGE_CHOICES, initial="opportunity", label="Move the contact to"
    )

    def conversion_data(self) -> dict[str, object]:
        """The service's input from the cleaned form."""
        data = self.cleaned_data
        out: dict[str, object] = {"lifecycle_stage": data["lifecycle_stage"]}
        company = data["company"]
        if company == "none":
            out["company_id"] = None
        elif company == "new":
            domains = [data["new_company_domain"]] if data["new_company_domain"] else None
            new = {"name": data["new_company_name"]}
            out["new_company"] = new | ({"domains": domains} if domains else {})
        elif company.isdigit():
            out["company_id"] = int(company)
        if data["create_deal"]:
            deal = {
                "name": data["deal_name"] or None,
                "stage_id": data["stage_id"],
                "amount": data["amount"],
                "currency": data["currency"] or None,
                "expected_close_on": data["expected_close_on"],
                "role": data["role"],
            }
            out["deal"] = {k: v for k, v in deal.items() if v is not None}
        return out
