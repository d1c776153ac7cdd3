"""In a browser (Playwright, Chromium): write an article in the rich-text editor, publish it,
find it, answer "Was this helpful?" in place; the pages work at 375 px wide and break no CSP
rule. Marked e2e: `make test-e2e` runs it."""

from __future__ import annotations

import pytest

from rapport.knowledge.models import Article
from tests.conftest import PASSWORD, make_user, make_workspace
from tests.e2e.conftest import screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_write_publish_find_and_rate_an_article_on_a_phone(page) -> None:
    user = make_user("writer@example.com")
    make_workspace("Acme", owner=user)
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(page, user.email, PASSWORD)
    page.goto("/kb")
    page.get_by_role("link", name="Write the first article").click()
    page.get_by_label("Title").fill("Reset your password")
    editor = page.locator("[contenteditable=true]").first
    editor.click()
    editor.type("Open the sign-in page and choose Forgot password.")
    page.get_by_role("button", name="Publish").click()
    page.wait_for_url("**/kb/articles/*")
    article = Article.objects.get()
    assert article.status == "published" and "Forgot password" in article.body_text
    assert page.locator("h1").inner_text() == "Reset your password"

    page.goto("/kb")
    page.get_by_label("Search articles").fill("passwords")
    page.get_by_label("Search articles").press("Enter")
    assert page.locator(".kb-snippet mark").first.inner_text().lower() == "password"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    screenshot(page, "knowledge-search-375")

    page.get_by_role("link", name="Reset your password").click()
    page.get_by_label("Comment (optional)").fill("Clear, thanks")
    page.get_by_role("button", name="Yes").click()
    page.get_by_text("Thank you for your answer.").wait_for()
    article.refresh_from_db()
    assert article.helpful_count == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "knowledge-article-375")
    assert page.script_errors == []
