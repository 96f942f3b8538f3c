"""Real-browser tests: Playwright drives headless Chromium (Debian's package)
against the app served by waitress on 127.0.0.1, with CSRF on — as staff use it.

Screenshots are saved to ``tests/artifacts/``. Skipped (with the reason)
when Playwright or ``/usr/bin/chromium`` is missing; ``webui/ci_setup.sh``
installs Chromium.
"""
from __future__ import annotations

import re
import shutil
import threading
from pathlib import Path

import pytest
from conftest import PASSWORD, base_config

from webui import create_app
from webui.engine import warm_up

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = pytest.mark.browser

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} not found: install Debian's chromium (webui/ci_setup.sh does)",
                allow_module_level=True)


@pytest.fixture
def live_server(template_db, tmp_path, matcher_cache):
    """The app on a free port of 127.0.0.1, served by waitress in a thread."""
    import waitress.server

    db = tmp_path / "matcher.db"
    shutil.copy(template_db, db)
    app = create_app(base_config(db, tmp_path, matcher_cache, WTF_CSRF_ENABLED=True))
    warm_up(app)  # as `matcher serve` does: fit before accepting requests
    server = waitress.server.create_server(app, host="127.0.0.1", port=0, threads=4)
    stopping = threading.Event()

    def run() -> None:
        try:
            server.run()
        except OSError:  # the socket closed under the loop at shutdown
            if not stopping.is_set():
                raise

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    stopping.set()
    server.close()
    thread.join(timeout=5)
    app.extensions["matcher_engine"].dispose()


@pytest.fixture
def page():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        pg = context.new_page()
        pg.set_default_timeout(30_000)
        yield pg
        context.close()
        browser.close()


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def sign_in(page, base: str, username: str = "admin") -> None:
    page.goto(base + "/")
    assert "/auth/login" in page.url
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("#sign-in")
    page.wait_for_load_state()


def test_refer_a_4045_seeker_and_record_hired(live_server, page):
    page.goto(live_server + "/seekers/")
    assert "/auth/login" in page.url  # nothing without signing in
    shot(page, "01_sign_in")
    sign_in(page, live_server)
    assert "/auth/login" not in page.url

    # search the 4045 persons
    page.goto(live_server + "/seekers/")
    page.select_option("#group", "4045")
    page.click("#search-button")
    page.wait_for_selector("#seeker-results")
    assert "/seekers/" == page.url[len(live_server):]  # the criteria stayed out of the URL
    shot(page, "02_search_4045")
    first = page.locator("#seeker-results tbody tr").first
    seeker_id = first.locator("a").inner_text().strip()
    assert "4045" in first.inner_text()

    # open their matches
    first.locator("a").click()
    page.wait_for_selector("#matches")
    assert page.url.endswith(f"/seekers/{seeker_id}")
    assert "*" in page.inner_text("#seeker-name")  # the name is masked
    top = page.locator("#matches li.match").first
    vacancy_id = top.get_attribute("data-vacancy")
    assert top.locator("svg.scorebar").count() == 1
    shot(page, "03_seeker_matches")

    # refer them to the top post
    top.locator(".refer-button").click()
    page.wait_for_selector("#outcome-form")
    assert page.inner_text("#referral-status").strip() == "已推荐"
    shot(page, "04_referral")

    # record "hired"
    page.select_option("#outcome", "hired")
    page.click("#record-outcome")
    page.wait_for_selector("#referral-status")
    assert page.inner_text("#referral-status").strip() == "已录用"

    # see it in the seeker's history
    page.click("#referral-seeker")
    page.wait_for_selector("#referral-history")
    row = page.locator("#referral-history tbody tr", has_text=vacancy_id)
    assert row.count() == 1 and "已录用" in row.inner_text()
    shot(page, "05_history")

    # and in the post's history
    page.goto(f"{live_server}/vacancies/{vacancy_id}")
    assert seeker_id in page.inner_text("#referral-history")
    shot(page, "06_vacancy")


def test_english_switch_and_sign_out(live_server, page):
    sign_in(page, live_server)
    page.goto(live_server + "/overview/")
    page.click("button[name=lang][value=en]")
    page.wait_for_load_state()
    assert re.search(r"Overview", page.inner_text("h1"))
    assert page.locator("figure.chart").count() >= 4
    shot(page, "07_overview_en")
    page.click("#sign-out")
    page.wait_for_load_state()
    assert "/auth/login" in page.url
    page.goto(live_server + "/overview/")
    assert "/auth/login" in page.url


def test_follow_up_flow(live_server, page, tmp_path):
    """Sign in -> refer -> hired -> (40 days pass) -> the 30-day call is due -> record 回访 -> left with a reason."""
    import datetime as dt

    from sqlalchemy import create_engine, text

    sign_in(page, live_server, "east")          # a counsellor of 东区 works the case: the name is shown
    page.goto(live_server + "/seekers/S0005")
    page.wait_for_selector("#matches")
    assert "*" not in page.inner_text("#seeker-name")
    top = page.locator("#matches li.match").first
    top.locator(".refer-button").click()
    page.wait_for_selector("#outcome-form")
    referral_id = int(page.url.rstrip("/").split("/")[-1])
    assert "推荐列表" in page.inner_text("#referral-rank")       # the rank and the list were recorded
    page.select_option("#outcome", "hired")
    page.click("#record-outcome")
    page.wait_for_selector("#followup")
    assert page.inner_text("#referral-status").strip() == "已录用"

    # 40 days pass: move the referral and the hire back in time in the database
    engine = create_engine(f"sqlite:///{tmp_path / 'matcher.db'}")
    shift = dt.timedelta(days=40)
    with engine.begin() as conn:
        made = conn.execute(text("SELECT created_at FROM referrals WHERE id = :i"), {"i": referral_id}).scalar_one()
        made = dt.datetime.fromisoformat(str(made))
        conn.execute(text("UPDATE referrals SET created_at = :d WHERE id = :i"), {"d": made - shift, "i": referral_id})
        conn.execute(text("UPDATE outcome_events SET date = :d WHERE referral_id = :i"),
                     {"d": (dt.date.today() - shift).isoformat(), "i": referral_id})
    engine.dispose()

    page.click("#nav-followups")
    page.wait_for_selector("#followups-due")
    row = page.locator(f"tr.followup-row[data-referral='{referral_id}']")
    assert row.count() == 1 and "30 天回访" in row.inner_text()
    shot(page, "08_followups_due")
    row.locator("select.followup-result").select_option("employed")
    row.locator("button.record-followup").click()
    page.wait_for_load_state()
    assert "回访已登记" in page.inner_text("main")
    assert page.locator(f"tr.followup-row[data-referral='{referral_id}']").count() == 0   # next call in 90 days

    # the person leaves later: recorded on the referral page with the reason
    page.goto(f"{live_server}/referrals/{referral_id}")
    form = page.locator(f"#followup-form-{referral_id}")
    form.locator("select.followup-result").select_option("left")
    form.locator("select.followup-reason").select_option("commute")
    form.locator("button.record-followup").click()
    page.wait_for_selector("#referral-status")
    assert page.inner_text("#referral-status").strip() == "已离职"
    assert "路远" in page.inner_text("ol.events")
    shot(page, "09_followup_left")


def test_english_header_fits_one_line_at_1280_and_chart_labels_are_whole(live_server, page):
    sign_in(page, live_server)                    # the admin has the most links
    page.goto(live_server + "/overview/")
    page.click("button[name=lang][value=en]")
    page.wait_for_load_state()
    boxes = [page.locator(sel).bounding_box() for sel in ("header.top .brand", "header.top nav", "header.top .session")]
    tops = {round(b["y"]) for b in boxes}
    assert page.locator("header.top").bounding_box()["height"] < 60 and max(tops) - min(tops) < 12, boxes
    for label in page.locator("figure.chart text.chart-label").all():   # no label runs into its bar
        text_box = label.bounding_box()
        bar = label.locator("xpath=following-sibling::*[1]").bounding_box()
        assert text_box["x"] + text_box["width"] <= bar["x"] + 1, label.text_content()
        assert "…" not in label.text_content()
    shot(page, "10_header_en_1280")
