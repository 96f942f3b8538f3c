"""Security flows in a real browser (Chromium via Playwright, CSRF on): an admin
resets a password, the user must change it before anything else, signing out
ends the session (the back button shows nothing), and a hostile URL gives the
localised error page with a request id. Skipped like test_browser.py when
Playwright or Chromium is missing."""
from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser
pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

from test_browser import live_server, page, shot, sign_in  # noqa: E402,F401  (fixtures)

TEMP = "harbour lantern 314"
NEW = "quiet maple river 27"


def test_reset_forces_a_password_change_and_sign_out_ends_the_session(live_server, page):  # noqa: F811
    sign_in(page, live_server, "admin")
    page.goto(live_server + "/auth/users")
    row = page.locator("tr", has_text="west")
    row.locator("input[name=password]").fill(TEMP)
    row.locator("button", has_text="重置").click()
    page.wait_for_load_state()
    assert "密码已重置" in page.content()
    page.click("#sign-out")
    page.wait_for_load_state()

    page.fill("#username", "west")
    page.fill("#password", TEMP)
    page.click("#sign-in")
    page.wait_for_load_state()
    assert page.url.endswith("/auth/password")
    assert "继续使用前必须设置新密码" in page.content()
    page.goto(live_server + "/vacancies/")
    assert page.url.endswith("/auth/password")  # nothing else until it is changed
    page.fill("#current_password", TEMP)
    page.fill("#new_password", "west-password-123")
    page.fill("#confirm_password", "west-password-123")
    page.click("#change-password")
    page.wait_for_load_state()
    assert "密码不得包含用户名" in page.content()
    page.fill("#current_password", TEMP)
    page.fill("#new_password", NEW)
    page.fill("#confirm_password", NEW)
    page.click("#change-password")
    page.wait_for_load_state()
    assert "/auth/" not in page.url and "密码已修改" in page.content()
    shot(page, "security_password_changed")

    page.goto(live_server + "/seekers/")
    page.click("#sign-out")
    page.wait_for_load_state()
    page.go_back()
    page.reload()
    assert "/auth/login" in page.url  # the ended session opens nothing


def test_hostile_url_gives_the_localised_error_page(live_server, page):  # noqa: F811
    sign_in(page, live_server, "admin")
    page.goto(live_server + "/vacancies/?page=99999999999999999999")
    text = page.inner_text("main")
    assert "不是 0 到 10000 之间的整数" in text
    assert re.search(r"请求编号: [0-9a-f]{12}", text)
    page.goto(live_server + "/seekers/S0001?f=1&min_wage=1e400")
    assert page.locator("#min-wage-unreadable").is_visible()      # the filter is ignored, with a note
    shot(page, "security_error_page")
