"""Forms of the tag Settings pages: they parse input; tags.services validates and decides."""

from __future__ import annotations

from django import forms

DEFAULT_COLOR = "#64748b"


class TagForm(forms.Form):
    name = forms.CharField(label="Name", max_length=60)
    color = forms.CharField(
        label="Colour",
        max_length=7,
        initial=DEFAULT_COLOR,
        widget=forms.TextInput(attrs={"type": "color"}),
    )
