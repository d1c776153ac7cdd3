"""The email template editor's form: it parses input; emailtemplates.services validates."""

from __future__ import annotations

from django import forms

# The editor previews as you type: input in the subject or body posts the form to the preview.
_PREVIEW_ATTRS = {
    "hx-post": "/settings/email-templates/preview",
    "hx-trigger": "input changed delay:600ms",
    "hx-target": "#email-preview",
    "hx-swap": "outerHTML",
}


class EmailTemplateForm(forms.Form):
    name = forms.CharField(label="Name", max_length=100)
    description = forms.CharField(
        label="Description",
        max_length=500,
        required=False,
        help_text="For your colleagues: when this email is sent.",
    )
    subject = forms.CharField(
        label="Subject",
        max_length=200,
        widget=forms.TextInput(attrs=_PREVIEW_ATTRS),
    )
    body = forms.CharField(
        label="Body",
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 16, "class": "template-body", **_PREVIEW_ATTRS}),
        help_text="Plain text. Merge fields: {{ contact.first_name }}; a fallback: "
        '{{ contact.first_name or "there" }}.',
    )

    def make_read_only(self) -> None:
        """For roles that may only read: the text stays selectable and still feeds the preview."""
        for field in self.fields.values():
            field.widget.attrs["readonly"] = True
