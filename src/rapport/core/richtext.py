"""Safe rich text: what users and customers write is sanitised with nh3 before it is stored.

Rich text arrives as HTML from the editor (`fields/richtext.html`), from inbound email, or as plain
text from a form without JavaScript or from the API. `clean_html` turns any of them into HTML
that holds only the tags below, links only to web, mail and phone addresses, and opens links
safely. `html_to_text` gives the plain text of stored HTML for search, email text parts and
previews.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import nh3

TAGS = frozenset(
    {
        "p", "br", "strong", "b", "em", "i", "u", "s", "a", "ul", "ol", "li", "blockquote",
        "code", "pre", "h2", "h3", "h4", "hr", "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "th": {"colspan", "rowspan"}, "td": {"colspan", "rowspan"}}
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
_TAG = re.compile(
    r"</?(p|br|div|span|strong|b|em|i|u|s|a|ul|ol|li|h[1-6]|blockquote|pre|code|table|thead|tbody"
    r"|tr|td|th|html|body|img|hr|font|center)\b[^>]*>",
    re.IGNORECASE,
)
_PARAGRAPHS = frozenset(
    {"p", "div", "blockquote", "pre", "h2", "h3", "h4", "hr", "table", "ul", "ol"}
)
_LINES = frozenset({"br", "tr"})


def looks_like_html(value: str) -> bool:
    """True when `value` holds an HTML tag we know ("<you>" in plain text is not one)."""
    return bool(_TAG.search(value))


def text_to_html(value: str) -> str:
    """Plain text as paragraphs: blank lines split paragraphs, single newlines become <br>."""
    paragraphs = [p.strip("\n") for p in re.split(r"\n\s*\n", value.replace("\r\n", "\n"))]
    return "".join(
        "<p>" + "<br>".join(html.escape(line) for line in p.split("\n")) + "</p>"
        for p in paragraphs
        if p.strip()
    )


def clean_html(value: str) -> str:
    """Sanitised HTML for `value`, which may be HTML or plain text ("" stays "")."""
    if not value.strip():
        return ""
    source = value if looks_like_html(value) else text_to_html(value)
    cleaned = nh3.clean(
        source,
        tags=set(TAGS),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return cleaned.strip()


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "head", "title"):
            self.skip += 1
        elif tag in _PARAGRAPHS:
            self.parts.append("\n\n")
        elif tag in _LINES:
            self.parts.append("\n")
        elif tag == "li":
            self.parts.append("\n- ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "head", "title"):
            self.skip = max(0, self.skip - 1)
        elif tag in _PARAGRAPHS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def html_to_text(value: str) -> str:
    """The readable text of HTML: blocks on their own lines, at most one blank line between."""
    parser = _TextExtractor()
    parser.feed(value)
    parser.close()
    text = "".join(parser.parts)
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
