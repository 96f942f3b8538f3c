"""Real-browser test of the review queue: staff search the classification and confirm a code
for a title (CSRF on, served by waitress, Debian's chromium). Skipped like test_browser.py when
Playwright or chromium is missing."""
from __future__ import annotations

import pytest

test_browser = pytest.importorskip("test_browser")
live_server, page = test_browser.live_server, test_browser.page
pytestmark = pytest.mark.browser


def test_staff_search_and_confirm_a_code_in_the_browser(live_server, page):
    test_browser.sign_in(page, live_server)
    page.goto(live_server + "/review/")
    assert page.locator("h1").inner_text() == "待审核的职业代码"
    page.goto(live_server + "/review/search?title=" + "小工")
    page.fill("#code-search input[name=q]", "焊工")
    page.click("#code-search button")
    page.wait_for_selector("#code-results")
    test_browser.shot(page, "review_search")
    page.locator("#code-results tr", has_text="6-18-02-04").locator("button").first.click()
    page.wait_for_load_state()
    flash = page.locator("p.flash.info[role=status]").inner_text()
    assert "小工" in flash and "6-18-02-04" in flash
    test_browser.shot(page, "review_confirmed")
