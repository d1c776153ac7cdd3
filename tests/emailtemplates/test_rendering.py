"""Rendering: merge fields, fallbacks, the sandbox's three fences, size limits, line numbers."""

from __future__ import annotations

from typing import Any

import pytest

from rapport.core.errors import Invalid
from rapport.emailtemplates import rendering
from rapport.emailtemplates.rendering import EmailContent, check_template, render_email

pytestmark = pytest.mark.django_db  # the autouse cache fixture uses the database cache

CONTEXT: dict[str, Any] = {
    "contact": {
        "first_name": "Ada",
        "last_name": "",
        "full_name": "Ada",
        "custom": {"plan": "Gold", "seats": 12, "items": "listed"},
    },
    "company": {"name": "Analytical Engines", "custom": {}},
    "workspace": {"name": "Acme"},
}


def _body(body: str, context: dict[str, Any] | None = None) -> str:
    return render_email(EmailContent("Subject", body), CONTEXT if context is None else context).body


def _problems(field: str, source: str) -> list[tuple[list[str | int], str]]:
    with pytest.raises(Invalid) as caught:
        check_template(field, source)
    return [(list(e.loc), e.msg) for e in caught.value.errors]


def test_merge_fields_custom_values_and_conditions_render() -> None:
    body = (
        "Hello {{ contact.first_name }} of {{ company.name }},\n"
        "{% if contact.custom.seats > 10 %}\n"
        "Your {{ contact.custom.plan | upper }} plan covers {{ contact.custom.seats }} seats.\n"
        "{% endif %}\n"
        "{{ workspace.name }}\n"
    )
    assert _body(body) == (
        "Hello Ada of Analytical Engines,\nYour GOLD plan covers 12 seats.\nAcme\n"
    )


def test_a_custom_key_named_like_a_dict_method_reads_the_value() -> None:
    assert _body("{{ contact.custom.items }}|{{ contact.custom['items'] }}") == "listed|listed"


@pytest.mark.parametrize(
    "body",
    [
        '{{ contact.last_name or "there" }}',
        '{{ contact.last_name | default("there", true) }}',
        '{{ user.first_name or "there" }}',  # no user in the context at all
        '{{ company.custom.missing or "there" }}',
    ],
)
def test_fallbacks_cover_empty_and_missing_fields(body: str) -> None:
    assert _body(body) == "there"


def test_a_missing_object_renders_empty_and_its_fields_too() -> None:
    assert _body("[{{ contact.first_name }}|{{ company.name }}]", {}) == "[|]"


def test_subject_becomes_one_line() -> None:
    content = EmailContent("Hi {{ contact.first_name }}\n  and   welcome ", "x")
    assert render_email(content, CONTEXT).subject == "Hi Ada and welcome"


def test_plain_text_is_not_html_escaped() -> None:
    context = {"contact": {"first_name": "<Ada & Co>"}}
    assert _body("{{ contact.first_name }}", context) == "<Ada & Co>"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("{{ contact.__class__ }}", "Line 1: contact.__class__ is not a merge field"),
        ("{{ contact['__class__'] }}", "Line 1: contact.__class__ is not a merge field"),
        ("{{ ''.__class__.__mro__ }}", "Line 1: only merge fields have fields, not '__mro__'"),
        (
            "{{ cycler.__init__.__globals__ }}",
            "Line 1: unknown merge field 'cycler'; use contact, company, owner, user, workspace",
        ),
        (
            "{{ self._TemplateReference__context }}",
            "Line 1: unknown merge field 'self'; use contact, company, owner, user, workspace",
        ),
        ("{{ contact.custom._secret }}", "Line 1: contact.custom has no field '_secret'"),
        ("{{ lipsum() }}", "Line 1: calling functions is not supported in email templates"),
        (
            "{{ contact.first_name.upper() }}",
            "Line 1: calling functions is not supported in email templates",
        ),
        ("{{ contact.first_name | attr('__class__') }}", "Line 1: unknown filter 'attr'"),
        ("x\n{% for c in 'abc' %}{{ c }}{% endfor %}", "Line 2: loops ({% for %}) are not"),
        ("{% macro m() %}{% endmacro %}", "Line 1: macros are not supported"),
        ("{% set x = 1 %}", "Line 1: {% set %} is not supported in email templates"),
        ("{% include 'settings.py' %}", "Line 1: {% include %}, {% import %}, {% extends %}"),
        ("{{ 'x' * 100000000 }}", "Line 1: only + and - are supported in calculations"),
        ("{{ 9 ** 9 ** 9 }}", "Line 1: only + and - are supported in calculations"),
    ],
)
def test_sandbox_escapes_are_refused_with_their_line(body: str, message: str) -> None:
    ((loc, msg),) = _problems("body", body)
    assert loc == ["body"]
    assert msg.startswith(message)


def test_the_environment_reads_only_dict_keys_even_without_the_check() -> None:
    """The second fence: a template that skipped check_template still reaches no Python."""
    payloads = (
        "{{ contact.__class__ }}{{ ''.__class__.__mro__ }}{{ contact.items }}"
        "{{ contact.first_name.upper }}{{ contact.custom.__len__ }}{{ cycler }}{{ range }}"
        "{{ contact }}"
    )
    template = rendering._ENV.from_string(payloads)
    assert template.render(CONTEXT) == ""


def test_syntax_errors_name_the_field_and_line() -> None:
    assert _problems("body", "Hello\n{{ contact.first_name }\n") == [
        (["body"], "Line 2: unexpected '}'")
    ]
    assert _problems("subject", "{% if contact.first_name %}Hi") == [
        (["subject"], "Line 1: Unexpected end of template. Jinja was looking for the following "
         "tags: 'elif' or 'else' or 'endif'. The innermost block that needs to be closed is 'if'.")
    ]  # fmt: skip


def test_every_misspelt_field_is_reported_by_line() -> None:
    assert _problems("body", "{{ contact.frist_name }}\n{{ compnay.name }}\n{{ user.phone }}") == [
        (["body"], "Line 1: contact.frist_name is not a merge field"),
        (["body"], "Line 2: unknown merge field 'compnay'; use contact, company, owner, user, "
         "workspace"),
        (["body"], "Line 3: user.phone is not a merge field"),
    ]  # fmt: skip


def test_pathological_sources_are_refused_not_crashed_on() -> None:
    deep = "{{ " + "(" * 3000 + "1" + ")" * 3000 + " }}"
    long_number = "{{ 1" + "0" * 5000 + " }}"
    for source in (deep, long_number):
        ((loc, msg),) = _problems("body", source)
        assert (loc, msg) == (
            ["body"],
            "The template is nested too deeply or holds too long a number.",
        )


def test_output_past_the_limit_is_refused() -> None:
    big = {"contact": {"custom": {"notes": "x" * 60_000}}}
    assert len(_body("{{ contact.custom.notes }}", big)) == 60_000
    with pytest.raises(Invalid) as caught:
        _body("{{ contact.custom.notes }}{{ contact.custom.notes }}", big)
    assert [(e.loc, e.msg) for e in caught.value.errors] == [
        (("body",), "The rendered body is longer than 100,000 characters.")
    ]


def test_a_value_breaking_an_expression_is_reported_with_its_line() -> None:
    with pytest.raises(Invalid) as caught:
        _body("ok\n{{ contact.custom.score + 1 }}")
    assert [(e.loc, e.msg) for e in caught.value.errors] == [
        (("body",), "Line 2: this expression cannot be worked out with this record's values")
    ]
    assert _body("{{ contact.custom.seats + 1 }}") == "13"
