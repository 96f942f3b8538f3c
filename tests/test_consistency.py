"""One market, one answer: every face says the same thing (issue 12, "a consistency test").

A small market from the generator (with an outcome log, so hires close posts)
and one reference date go through

* ``matcher batch`` (its ``seeker_matches`` file and ``run.json``),
* ``matcher match --json``, answered from the batch's saved market and, for
  one seeker, by a full refit from the files,
* the web UI: the files imported into a fresh database, an admin signed in,
  the seeker pages and the overview read over the Flask test client (no
  nightly batch configured, so the web fits its own market from the
  database),
* the city report's data (:func:`matcher.report.assemble.build_report` on a
  market built from the same files, and its scoring of the listed pairs).

They must agree on each seeker's list (order, scores, reasons) and on the
number of open posts and openings, and all name the same reference date.
"""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from matcher.cli import cli
from matcher.generate import generate_city, write_city
from matcher.render.reasons import render_reasons, render_summary

REF = "2026-11-15"
N_SEEKERS, N_VACANCIES = 160, 60
PASSWORD = "correct horse battery"


def _invoke(args: list[str]) -> str:
    res = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert res.exit_code == 0, res.output
    return res.output


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    root = tmp_path_factory.mktemp("consistency")
    files = write_city(generate_city(N_SEEKERS, N_VACANCIES, seed=23, n_outcomes=40), root / "data")
    inputs = ["--seekers", str(files["seekers"]), "--vacancies", str(files["vacancies"]),
              "--outcomes", str(files["outcomes"])]
    out = root / "batch"
    _invoke(["batch", *inputs, "--reference-date", REF, "--out", str(out), "--quiet"])
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    lists = pd.read_parquet(out / "seeker_matches.parquet")
    # seekers with lists: a few with the longest lists, in id order (deterministic)
    sids = sorted(lists["seeker_id"].astype(str).unique())[:6]
    cli_json = {sid: json.loads(_invoke(["match", "--market", str(out), "--seeker", sid, "--json"])) for sid in sids}
    refit = json.loads(_invoke(["match", *inputs, "--reference-date", REF, "--seeker", sids[0], "--json"]))
    return {"root": root, "files": files, "inputs": inputs, "out": out, "run": run, "lists": lists,
            "sids": sids, "cli": cli_json, "refit": refit}


def test_match_from_saved_market_equals_a_refit(world):
    assert world["refit"] == world["cli"][world["sids"][0]]


def test_batch_lists_equal_match_json(world):
    lists = world["lists"]
    for sid, got in world["cli"].items():
        assert got, sid
        rows = lists[lists["seeker_id"].astype(str) == sid].sort_values("rank")
        assert rows["vacancy_id"].astype(str).tolist() == [m["vacancy_id"] for m in got], sid
        assert rows["rank"].tolist() == [m["rank"] for m in got]
        np.testing.assert_allclose(rows["score"].to_numpy(), [m["score"] for m in got], atol=5e-7)
        assert rows["reason"].tolist() == [render_summary(m["verdicts"], "zh") for m in got]


class _SeekerPage(HTMLParser):
    """The ranked posts of a seeker page: vacancy id, shown score and reason lines, in page order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.posts: list[dict] = []
        self.footer = ""
        self._in: str | None = None
        self._depth_reasons = 0
        self._buf = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = (a.get("class") or "").split()
        if tag == "li" and "match" in cls and "data-vacancy" in a:
            self.posts.append({"vacancy_id": a["data-vacancy"], "score": None, "reasons": []})
        elif tag == "span" and "score" in cls and self.posts and self.posts[-1]["score"] is None:
            self._in, self._buf = "score", ""
        elif tag == "div" and "reasons" in cls and self.posts:
            self._depth_reasons = 1
        elif tag == "div" and self._depth_reasons:
            self._depth_reasons += 1
        elif tag == "ul" and self._depth_reasons:
            self.posts[-1]["reasons"].append([])
        elif tag == "li" and self._depth_reasons:
            self._in, self._buf = "reason", ""
        elif tag == "footer" and a.get("id") == "market-info":
            self._in, self._buf = "footer", ""

    def handle_endtag(self, tag):
        if self._in == "score" and tag == "span":
            self.posts[-1]["score"] = self._buf.strip()
            self._in = None
        elif self._in == "reason" and tag == "li":
            self.posts[-1]["reasons"][-1].append(self._buf.strip())
            self._in = None
        elif self._in == "footer" and tag == "footer":
            self.footer = self._buf.strip()
            self._in = None
        elif tag == "div" and self._depth_reasons:
            self._depth_reasons -= 1

    def handle_data(self, data):
        if self._in:
            self._buf += data


def _web(world, name: str, batch_dir: str | None):
    """A fresh web app over the imported files, its seeker pages (admin) and overview as HTML."""
    from webui import create_app
    from webui.auth import create_user
    from webui.db import new_session
    from webui.store import import_files

    root, files = world["root"], world["files"]
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "WTF_CSRF_ENABLED": False,
                      "DATABASE_URL": f"sqlite:///{root / (name + '.db')}", "INSTANCE_PATH": str(root / name),
                      "MATCH_SETTINGS": {"reference_date": REF}, "BATCH_DIR": batch_dir,
                      "REFIT_IN_BACKGROUND": False})
    session = new_session(app)
    try:
        import_files(session, files["seekers"], files["vacancies"], files["outcomes"])
        create_user(session, "admin", PASSWORD, "admin", hash_method="pbkdf2:sha256:1000")
    finally:
        session.close()
    client = app.test_client()
    assert client.post("/auth/login", data={"username": "admin", "password": PASSWORD}).status_code == 302
    pages = {}
    for sid in world["sids"]:
        # every open post (the page's defaults would hide shift work from seekers who refuse it)
        r = client.get(f"/seekers/{sid}?f=1&shift=1")
        assert r.status_code == 200
        p = _SeekerPage()
        p.feed(r.get_data(as_text=True))
        pages[sid] = p
    overview = client.get("/overview/").get_data(as_text=True)
    return {"app": app, "pages": pages, "overview": overview}


@pytest.fixture(scope="module")
def web(world):
    """No nightly batch configured: the web fits its own market from the database."""
    w = _web(world, "web", None)
    assert w["app"].extensions["matcher_cache"]._fitted.market.source == "fitted"
    yield w
    w["app"].extensions["matcher_engine"].dispose()


def test_web_seeker_page_equals_match_json(world, web):
    for sid, got in world["cli"].items():
        page = web["pages"][sid]
        k = len(page.posts)
        top_k = web["app"].extensions["matcher_cache"]._fitted.matcher.settings.top_k
        assert web["app"].config["MATCHES_K"] is None      # the web lists as long as the settings say
        assert k > 0 and k == min(len(got), top_k), sid
        assert [p["vacancy_id"] for p in page.posts] == [m["vacancy_id"] for m in got][:k], sid
        assert [p["score"] for p in page.posts] == [f"{m['score']:.2f}" for m in got][:k], sid
        for p, m in zip(page.posts, got):
            r = render_reasons(m["reasons"], "zh")
            assert p["reasons"] == [x for x in (r["fits"], r["gaps"], r["fixes"]) if x], (sid, m["vacancy_id"])


def test_open_posts_and_reference_date_agree(world, web):
    from matcher.market import build_market, load_market
    from matcher.report.assemble import ReportOptions, build_report
    from matcher.report.pool import read_batch_lists

    run = world["run"]
    saved = load_market(world["out"])
    files = world["files"]
    built = build_market(files["seekers"], files["vacancies"], outcomes=files["outcomes"], reference_date=REF)
    assert saved.counts() == built.counts()
    n_open, openings = built.n_open, built.openings_open
    assert 0 < n_open < N_VACANCIES          # the date and the hires close some posts
    # batch
    assert run["market"]["open_vacancies"] == n_open and run["market"]["openings_open"] == openings
    assert run["counts"]["open_vacancies"] == n_open
    # report (its own market from the files, and from the batch's saved market and lists)
    opts = ReportOptions(training_sample=0, charts=False)
    for market, lists in ((built, None), (saved, read_batch_lists(world["out"]))):
        meta = build_report(market.matcher, opts, lists)["meta"]
        assert (meta["n_open"], meta["openings"], meta["reference_date"]) == (n_open, openings, REF)
    # web: the overview's counts and the footer's date
    counts = re.search(r'<ul class="counts">(.*?)</ul>', web["overview"], re.S).group(1)
    shown = [int(x) for x in re.findall(r"<li><strong>(\d+)</strong>", counts)]
    # seekers, 4045 persons, open posts (/ all posts), openings, referrals, hired
    assert shown[2:4] == [n_open, openings]
    assert REF in counts
    for page in web["pages"].values():
        assert REF in page.footer and str(n_open) in page.footer and str(openings) in page.footer


def test_report_scores_the_listed_pairs_as_the_lists_do(world):
    from matcher.market import load_market
    from matcher.report.scoring import grid_scores

    m = load_market(world["out"]).matcher
    spos = {s: i for i, s in enumerate(m.seekers_["seeker_id"].astype(str))}
    vpos = {v: i for i, v in enumerate(m.vacancies_["vacancy_id"].astype(str))}
    pairs = [(spos[sid], vpos[x["vacancy_id"]], x["score"]) for sid, got in world["cli"].items() for x in got]
    sc = grid_scores(m, np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs]))
    np.testing.assert_allclose(sc.score, [p[2] for p in pairs], atol=1e-6)
    # the contributions add up to the score, as in the JSON
    total = sum(sc.contributions[d] for d in sc.contributions)
    np.testing.assert_allclose(total, sc.score, atol=1e-5)


def test_web_reuses_the_batch_market_when_it_matches_the_import(world, web):
    """With the batch folder configured, the web loads the batch's saved market (no refit) and says the same."""
    w = _web(world, "web_batch", str(world["out"]))
    try:
        cache = w["app"].extensions["matcher_cache"]
        assert cache._fitted.market.source == "loaded", cache.saved_market_note
        for sid, page in w["pages"].items():
            assert [(p["vacancy_id"], p["score"], p["reasons"]) for p in page.posts] == \
                [(p["vacancy_id"], p["score"], p["reasons"]) for p in web["pages"][sid].posts], sid
        assert re.search(r'<ul class="counts">(.*?)</ul>', w["overview"], re.S).group(1) == \
            re.search(r'<ul class="counts">(.*?)</ul>', web["overview"], re.S).group(1)
    finally:
        w["app"].extensions["matcher_engine"].dispose()
