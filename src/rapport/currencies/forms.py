"""Forms of Settings → Currencies: they parse input; currencies.services validates and decides."""

from __future__ import annotations

from typing import Any

from django import forms

from rapport.currencies.codes import currency_choices

MAX_UPLOAD = 5_000_000  # bytes: about 200,000 rows of currency,date,rate


class RateForm(forms.Form):
    """A rate as typed: the rate stays text so a mistake comes back exactly as it was typed."""

    currency = forms.ChoiceField(label="Currency")
    rate_on = forms.DateField(
        label="From",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="The date the rate takes effect; it applies until the currency's next rate.",
    )
    rate = forms.CharField(
        label="Rate", max_length=40, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )

    def __init__(self, *args: Any, base: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "Choose a currency")] + [c for c in currency_choices() if c[0] != base]
        self.fields["currency"].choices = choices  # type: ignore[attr-defined]
        self.fields["rate"].help_text = f"What 1 unit of the currency is worth in {base}."


class BaseCurrencyForm(forms.Form):
    currency = forms.ChoiceField(label="New base currency", choices=currency_choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Its own ids: the page also draws RateForm, whose currency input is "id_currency".
        super().__init__(*args, **{"auto_id": "base_%s", **kwargs})


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="A header row currency,date,rate, then one rate per row, e.g. "
        "EUR,2025-01-31,1.0850 (dates as YYYY-MM-DD).",
    )

    def clean_file(self) -> str:
        """The file's text (UTF-8, with or without a byte order mark)."""
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError("The file is larger than 5 MB; split it.")
        try:
            return str(upload.read().decode("utf-8-sig"))
        except UnicodeDecodeError as exc:
            raise forms.ValidationError("Save the file as CSV in UTF-8 and try again.") from exc
