"""The knowledge base's forms: they parse input; knowledge.services validates."""

from __future__ import annotations

from django import forms

from rapport.knowledge.models import ArticleCategory

VISIBILITY_CHOICES = [
    ("internal", "Internal: staff only"),
    ("public", "Public: also customers in the portal"),
]


class ArticleForm(forms.Form):
    """Title, category, visibility and a note; the body is drawn by fields/richtext.html and
    read from the post as `body` (the template keeps what was typed)."""

    title = forms.CharField(label="Title", max_length=200)
    category_id = forms.TypedChoiceField(label="Category", required=False, coerce=int,
                                         empty_value=None)  # fmt: skip
    visibility = forms.ChoiceField(label="Visibility", choices=VISIBILITY_CHOICES)
    note = forms.CharField(
        label="What changed", max_length=300, required=False,
        help_text="For the history, e.g. “New screenshots of the billing page”.",
    )  # fmt: skip

    def __init__(self, *args: object, categories: list[ArticleCategory], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        choices: list[tuple[str | int, str]] = [("", "No category")]
        for category in categories:
            prefix = "— " if category.parent_id else ""
            choices.append((category.pk, f"{prefix}{category.name}"))
        field = self.fields["category_id"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = choices


class CategoryForm(forms.Form):
    name = forms.CharField(label="Name", max_length=100)
    description = forms.CharField(label="Description", max_length=500, required=False)
    parent_id = forms.TypedChoiceField(label="Under", required=False, coerce=int,
                                       empty_value=None)  # fmt: skip
    position = forms.IntegerField(label="Position", min_value=0, required=False)

    def __init__(self, *args: object, parents: list[ArticleCategory], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["parent_id"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "Top level"), *((c.pk, c.name) for c in parents)]
