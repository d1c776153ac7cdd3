"""The builder's inputs of each step type (see automation.controls and automation.forms)."""

from __future__ import annotations

from collections.abc import Callable

from rapport.automation.choices import Options
from rapport.automation.controls import BuilderForm, Control


def _update_field(form: BuilderForm, p: str) -> list[Control]:
    chosen = form.choices.field(form.value(f"{p}-field"))
    controls = [form.field_select(f"{p}-field", "Field", form.choices.writable_fields)]
    if chosen is not None and chosen.is_user:
        options: Options = (("", "Nobody"), *form.choices.members)
        controls.append(form.control(f"{p}-value", "Value", "select", options=options))
    elif chosen is not None and chosen.kind == "boolean":
        options = (("true", "Yes"), ("false", "No"))
        controls.append(form.control(f"{p}-value", "Value", "select", options=options))
    elif chosen is not None and chosen.options and chosen.value_kind != "list":
        options = (("", "Empty"), *chosen.options)
        controls.append(form.control(f"{p}-value", "Value", "select", options=options))
    else:
        hint = "Separate values with commas." if chosen and chosen.value_kind == "list" else ""
        datalist = form.datalist(chosen)
        controls.append(form.control(f"{p}-value", "Value", hint=hint, datalist=datalist))
    return controls


def _assign_owner(form: BuilderForm, p: str) -> list[Control]:
    modes = (("user", "A member"), ("round_robin", "A team, in turn"),
             ("fewest_open", "The team member with the fewest open records"),
             ("territory", "By territory: the matching territory's team"))  # fmt: skip
    controls = [form.control(f"{p}-mode", "Assign to", "select", options=modes, refresh=True)]
    mode = form.value(f"{p}-mode")
    if mode == "user":
        controls.append(
            form.control(f"{p}-user_id", "Member", "select", options=form.choices.members)
        )
    elif mode == "territory":
        controls += _by_territory(form, p)
    else:
        controls.append(form.control(f"{p}-team_id", "Team", "select", options=form.choices.teams))
    return controls


def _by_territory(form: BuilderForm, p: str) -> list[Control]:
    how: Options = (("round_robin", "In turn (round-robin)"),
                    ("fewest_open", "The member with the fewest open records"))  # fmt: skip
    hint = "When no territory matches, or its team has nobody available (away members are skipped)."
    teams: Options = (("", "No fallback team"), *form.choices.teams)
    members: Options = (("", "Nobody: the owner stays"), *form.choices.members)
    return [
        form.control(f"{p}-then", "Within the team", "select", options=how),
        form.control(f"{p}-fallback_team_id", "Else a team", "select", options=teams, hint=hint),
        form.control(f"{p}-fallback_user_id", "Else a member", "select", options=members),
    ]


def _tag(form: BuilderForm, p: str) -> list[Control]:
    form.datalists["tag-names"] = tuple((name, name) for name in form.choices.tags)
    return [form.control(f"{p}-tag", "Tag", datalist="tag-names")]


def _create_task(form: BuilderForm, p: str) -> list[Control]:
    c = form.control
    people: Options = (("owner", "The record's owner"), *form.choices.members)
    priorities: Options = (("low", "Low"), ("normal", "Normal"), ("high", "High"))
    return [
        c(f"{p}-subject", "Subject"),
        c(f"{p}-due_in_days", "Due in (days)", "number"),
        c(f"{p}-assignee", "Assignee", "select", options=people),
        c(f"{p}-priority", "Priority", "select", options=priorities),
        c(f"{p}-body", "Details", "textarea"),
    ]


def _create_activity(form: BuilderForm, p: str) -> list[Control]:
    kinds: Options = (
        ("note", "Note"),
        ("call", "Call"),
        ("meeting", "Meeting"),
        ("email", "Email"),
    )
    return [
        form.control(f"{p}-kind", "Kind", "select", options=kinds),
        form.control(f"{p}-subject", "Subject"),
        form.control(f"{p}-body", "Text", "textarea"),
    ]


def _send_email(form: BuilderForm, p: str) -> list[Control]:
    to: Options = (
        ("contact", "The contact"),
        ("owner", "The record's owner"),
        ("user", "A member"),
    )
    hint = "" if form.choices.templates else "Write one first under Settings / Email templates."
    controls = [
        form.control(f"{p}-template_id", "Email template", "select",
                     options=form.choices.templates, hint=hint),
        form.control(f"{p}-to", "To", "select", options=to, refresh=True),
    ]  # fmt: skip
    if form.value(f"{p}-to") == "user":
        controls.append(
            form.control(f"{p}-user_id", "Member", "select", options=form.choices.members)
        )
    return controls


def _notify(form: BuilderForm, p: str) -> list[Control]:
    who: Options = (("owner", "The record's owner"), ("users", "Chosen members"))
    controls = [form.control(f"{p}-recipients", "Notify", "select", options=who, refresh=True)]
    if form.value(f"{p}-recipients") == "users":
        members = form.choices.members
        controls.append(
            form.control(f"{p}-recipient_ids", "Members", "checkboxes", options=members)
        )
    controls += [form.control(f"{p}-title", "Title"), form.control(f"{p}-body", "Text", "textarea")]
    return controls


def _create_record(form: BuilderForm, p: str) -> list[Control]:
    kinds: Options = (
        ("company", "A company (for a contact)"),
        ("contact", "A contact (at a company)"),
        ("deal", "A deal (for a contact or company)"),
    )
    hint = "One field a line, e.g. name: Acme Ltd"
    return [
        form.control(f"{p}-object_type", "Create", "select", options=kinds),
        form.control(f"{p}-fields", "Fields", "textarea", hint=hint),
    ]


def _http_post(form: BuilderForm, p: str) -> list[Control]:
    return [
        form.control(f"{p}-url", "URL", "url", hint="The record is sent as JSON."),
        form.control(f"{p}-timeout_seconds", "Timeout (seconds)", "number"),
    ]


def _wait(form: BuilderForm, p: str) -> list[Control]:
    modes: Options = (("duration", "For a while"), ("until", "Until a date of the record"))
    c = form.control
    controls = [c(f"{p}-wait_for", "Wait", "select", options=modes, refresh=True)]
    if form.value(f"{p}-wait_for") == "until":
        return [
            *controls,
            form.field_select(f"{p}-until_field", "Date field", form.choices.date_fields),
            c(f"{p}-offset_days", "Days from the date", "number"),
            c(f"{p}-at", "At", "time"),
        ]
    return controls + [
        c(f"{p}-{unit}", unit.capitalize(), "number") for unit in ("days", "hours", "minutes")
    ]


STEP_INPUTS: dict[str, Callable[[BuilderForm, str], list[Control]]] = {
    "update_field": _update_field,
    "assign_owner": _assign_owner,
    "add_tag": _tag,
    "remove_tag": _tag,
    "create_task": _create_task,
    "create_activity": _create_activity,
    "send_email": _send_email,
    "notify": _notify,
    "create_record": _create_record,
    "http_post": _http_post,
    "wait": _wait,
}
