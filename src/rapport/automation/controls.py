"""The workflow builder's inputs: each with its name, value, choices and errors, read from the
form's values (`builder.post_from_definition`), and the book of the services' errors by input.

An error finds its input through `builder.input_name`; one about a whole step, group or list
goes to that block, and every error is also listed above the form with where it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from rapport.automation.builder import input_name
from rapport.automation.choices import BuilderChoices, FieldChoice, Options
from rapport.core.errors import FieldError


@dataclass
class Control:
    """One input. `refresh`: changing it redraws the builder (other inputs depend on it)."""

    name: str
    label: str
    widget: str = "text"  # text, textarea, number, time, url, select, checkbox, checkboxes
    value: str = ""
    values: tuple[str, ...] = ()
    options: Options = ()
    errors: list[str] = field(default_factory=list)
    refresh: bool = False
    hint: str = ""
    datalist: str = ""
    autofocus: bool = False


@dataclass(frozen=True)
class SummaryItem:
    where: str
    message: str
    anchor: str


class ErrorBook:
    """The services' errors by input name: inputs take theirs, blocks get the rest."""

    def __init__(self, errors: Sequence[FieldError]) -> None:
        self.entries = [(input_name(e.loc), e.msg) for e in errors]
        self.taken: set[int] = set()
        self.blocks: dict[str, tuple[str, list[str]]] = {}
        self.labels: dict[str, str] = {}
        self.general: list[str] = []

    def take(self, name: str, label: str) -> list[str]:
        self.labels[name] = label
        found = [i for i, (n, _) in enumerate(self.entries) if n == name]
        self.taken.update(found)
        return [self.entries[i][1] for i in found]

    def block(self, name: str, label: str) -> list[str]:
        self.blocks[name] = (label, [])
        return self.blocks[name][1]

    def _block_of(self, name: str) -> str:
        parts = name.split("-")
        while parts and "-".join(parts) not in self.blocks:
            parts.pop()
        return "-".join(parts)

    def settle(self) -> list[SummaryItem]:
        """Give blocks the errors no input took; the summary of every error."""
        summary = []
        for i, (name, message) in enumerate(self.entries):
            block = self._block_of(name)
            where, bucket = self.blocks.get(block, (self.labels.get(name, ""), self.general))
            if i not in self.taken:
                bucket.append(message)
            summary.append(SummaryItem(where, message, name if i in self.taken else block))
        return summary


def _with_current(options: Options, value: str, blank: str) -> Options:
    """The choices, plus what the form holds when it is not one of them (kept, not lost)."""
    known = {v for v, _ in options}
    if value in known:
        return options
    if value == "":
        return (("", blank), *options)
    return (*options, (value, f"{value} (not available)"))


class BuilderForm:
    """Makes the builder's inputs from the form's values, the choices and the errors; the input
    first named under `focus` (a step or condition just added) gets the focus."""

    def __init__(
        self, values: dict[str, list[str]], choices: BuilderChoices, book: ErrorBook, focus: str
    ) -> None:
        self.values = values
        self.choices = choices
        self.book = book
        self.focus = focus
        self.datalists: dict[str, Options] = {}

    def value(self, name: str) -> str:
        return (self.values.get(name) or [""])[-1]

    def control(self, name: str, label: str, widget: str = "text", **extra: Any) -> Control:
        control = Control(name, label, widget, self.value(name), **extra)
        control.values = tuple(self.values.get(name) or ())
        control.errors = self.book.take(name, label)
        if widget == "select":
            control.options = _with_current(control.options, control.value, "Choose…")
        if self.focus and name.startswith(self.focus + "-"):
            control.autofocus, self.focus = True, ""
        return control

    def field_select(self, name: str, label: str, fields: Sequence[FieldChoice]) -> Control:
        return self.control(name, label, "select", options=_field_options(fields), refresh=True)

    def datalist(self, chosen: FieldChoice | None) -> str:
        if chosen is None or not chosen.options:
            return ""
        list_id = "values-" + chosen.name.replace(".", "__")
        self.datalists[list_id] = chosen.options
        return list_id


def _field_options(fields: Sequence[FieldChoice]) -> Options:
    return tuple((f.name, f.label) for f in fields)
