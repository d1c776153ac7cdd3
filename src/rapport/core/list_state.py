"""A list page's state in its URL: chosen columns, filter terms, sort and cursor.

The URL is the list's whole state, so a list can be bookmarked, shared, reloaded and saved as
a view. Filters use the API's `field:operator:value` terms; the page's filter form posts them as
three parallel inputs (`f_field`, `f_op`, `f_value`) that are zipped back into terms here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from django.http import QueryDict

from rapport.core.field_specs import FieldSpec
from rapport.core.filters import OPERATORS

PAGE_SIZE = 50
OPERATOR_LABELS = {
    "eq": "is", "neq": "is not", "contains": "contains", "starts-with": "starts with",
    "gt": "after / more than", "gte": "on or after / at least", "lt": "before / less than",
    "lte": "on or before / at most", "in": "is any of", "is-empty": "is empty",
}  # fmt: skip


@dataclass(frozen=True)
class FilterRow:
    field: str
    op: str
    value: str


@dataclass(frozen=True)
class ListState:
    columns: tuple[str, ...]
    filters: tuple[str, ...]
    sort: str
    cursor: str | None = None
    view_id: int | None = None

    @staticmethod
    def view_in(query: QueryDict) -> int | None:
        """The saved view the URL names, if any."""
        view = query.get("view", "")
        return int(view) if view.isdigit() else None

    @classmethod
    def from_query(
        cls,
        query: QueryDict,
        default_columns: Sequence[str],
        saved: tuple[Sequence[str], Sequence[str], str] | None = None,
    ) -> ListState:
        """The state the URL gives; a saved view's (columns, filters, sort) when the URL names
        a view and sets nothing else (so following a view's link opens it as it was saved)."""
        explicit = {"col", "columns", "filter", "f_field", "sort"} & set(query)
        if saved is not None and not explicit:
            columns, filters, sort = saved
            return cls(
                columns=tuple(columns) or tuple(default_columns),
                filters=tuple(filters),
                sort=sort,
                view_id=cls.view_in(query),
            )
        chosen = query.getlist("col") or query.get("columns", "").split(",")
        columns = tuple(c for c in chosen if c) or tuple(default_columns)
        filters = [t for t in query.getlist("filter") if t.strip()]
        rows = zip(
            query.getlist("f_field"), query.getlist("f_op"), query.getlist("f_value"), strict=False
        )
        for name, op, value in rows:
            if name and op in OPERATORS and (value.strip() or op == "is-empty"):
                filters.append(f"{name}:{op}:{value.strip() or 'true'}")
        return cls(
            columns=columns,
            filters=tuple(filters),
            sort=query.get("sort", "").strip(),
            cursor=query.get("cursor") or None,
            view_id=cls.view_in(query),
        )

    def query_string(self, **changes: object) -> str:
        """This state as a URL query, with `changes` applied (cursor is dropped unless given)."""
        state = replace(self, cursor=None)
        state = replace(state, **changes)  # type: ignore[arg-type]
        params: list[tuple[str, str]] = [("columns", ",".join(state.columns))]
        params += [("filter", term) for term in state.filters]
        if state.sort:
            params.append(("sort", state.sort))
        if state.view_id:
            params.append(("view", str(state.view_id)))
        if state.cursor:
            params.append(("cursor", state.cursor))
        return urlencode(params)

    def filter_rows(self) -> list[FilterRow]:
        rows = []
        for term in self.filters:
            name, _, rest = term.partition(":")
            op, _, value = rest.partition(":")
            rows.append(FilterRow(name, op, "" if op == "is-empty" else value))
        return rows

    def sort_link(self, spec: FieldSpec) -> tuple[str, str]:
        """(query string, aria-sort) for a column header: ascending, then descending."""
        current = self.sort.split(",")[0] if self.sort else ""
        if current == spec.name:
            return self.query_string(sort=f"-{spec.name}"), "ascending"
        if current == f"-{spec.name}":
            return self.query_string(sort=spec.name), "descending"
        return self.query_string(sort=spec.name), "none"


def column_choices(state: ListState, specs: Sequence[FieldSpec]) -> list[dict[str, object]]:
    """Every field as a column choice: the chosen ones first, in order, with move-up links."""
    chosen = [s for name in state.columns for s in specs if s.name == name]
    rest = [s for s in specs if s.name not in state.columns]
    choices: list[dict[str, object]] = []
    for i, spec in enumerate(chosen):
        up = ""
        if i > 0:
            order = list(state.columns)
            j = order.index(spec.name)
            order[j - 1], order[j] = order[j], order[j - 1]
            up = state.query_string(columns=tuple(order))
        choices.append({"spec": spec, "checked": True, "up": up})
    choices += [{"spec": spec, "checked": False, "up": ""} for spec in rest]
    return choices


def visible_columns(state: ListState, specs: Sequence[FieldSpec]) -> list[FieldSpec]:
    """The chosen columns that exist (a deleted custom field's column quietly drops out)."""
    by_name = {spec.name: spec for spec in specs}
    return [by_name[name] for name in state.columns if name in by_name]
