import pytest

from rapport.core.richtext import clean_html, html_to_text

pytestmark = pytest.mark.django_db  # the autouse cache fixture uses the database cache


def test_scripts_handlers_and_unsafe_links_are_removed():
    dirty = (
        '<p onclick="steal()">Hi <script>alert(1)</script><a href="javascript:alert(1)">x</a>'
        '<a href="https://example.com">site</a><img src="https://t.example/p.gif"></p>'
    )
    cleaned = clean_html(dirty)
    assert "script" not in cleaned and "onclick" not in cleaned and "<img" not in cleaned
    assert "javascript:" not in cleaned
    assert '<a href="https://example.com" rel="noopener noreferrer nofollow">site</a>' in cleaned


def test_plain_text_becomes_escaped_paragraphs():
    assert clean_html("Hello <you>\nsecond line\n\nNew para") == (
        "<p>Hello &lt;you&gt;<br>second line</p><p>New para</p>"
    )
    assert clean_html("  \n ") == ""


def test_allowed_formatting_is_kept():
    source = "<h2>Title</h2><ul><li><strong>bold</strong></li></ul><blockquote>q</blockquote>"
    assert clean_html(source) == source


def test_html_to_text_keeps_blocks_on_lines():
    text = html_to_text("<p>Hello&nbsp;there</p><ul><li>one</li><li>two</li></ul><p>Bye</p>")
    assert text.split("\n") == ["Hello there", "", "- one", "- two", "", "Bye"]
