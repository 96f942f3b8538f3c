"""The city report on the sample data: every section, both languages, self-contained, renders in Chromium."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"
SECTIONS = ("overview", "supply-demand", "unfilled-posts", "unmatched-seekers", "wages", "wage-conversations",
            "education", "compliance", "training", "method")


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    from matcher.io.loader import load_seekers, load_vacancies
    from matcher.market import build_market
    s = load_seekers(SAMPLE / "seekers.csv", reference_date="2026-11-15").frame.iloc[:500]
    v = load_vacancies(SAMPLE / "vacancies.csv").frame.iloc[:200]
    m = build_market(s, v, reference_date="2026-11-15").matcher
    return m, s, v


@pytest.fixture(scope="module")
def report(sample):
    from matcher.report.assemble import ReportOptions, build_report
    m, _, _ = sample
    return build_report(m, ReportOptions(training_sample=120))


def test_report_has_every_section_with_data(report):
    from matcher.report.render import render_html
    html = render_html(report, "both")
    for sid in SECTIONS:
        assert f'id="{sid}"' in html
    meta = report["meta"]
    assert meta["n_seekers"] == 500 and meta["n_vacancies"] == 200
    assert meta["n_unmatched"] > 0 and meta["n_posts_few"] > 0
    # every part holds computed rows on this market
    for key in ("supply_demand", "unfilled_posts", "unmatched_seekers", "wage_picture", "low_pay", "compliance",
                "course_impact", "training"):
        assert len(report[key]) > 0, key
    assert report["post_causes"]["count"].sum() == meta["n_posts_few"]
    assert report["causes_by_group"].set_index("group").loc["all", "seekers"] == meta["n_unmatched"]
    # four charts, embedded
    assert all(report["charts"][k] for k in ("supply_demand", "causes", "wages", "courses"))
    assert html.count('src="data:image/png;base64,') == 4
    # self-contained: no external resources
    assert not re.search(r"""(src|href)=["'](https?:)?//""", html)
    assert "<link" not in html and "<script src" not in html
    # Chinese and English both present, with a toggle
    assert "岗位为何空缺" in html and "Why posts go unfilled" in html and "中文 / English" in html


def test_languages_and_no_personal_data(report, sample):
    from matcher.report.render import render_html
    _, s, _ = sample
    zh = render_html(report, "zh")
    en = render_html(report, "en")
    assert "岗位为何空缺" in zh and "Why posts go unfilled" not in zh
    assert "Why posts go unfilled" in en and "岗位为何空缺" not in en
    names = [n for n in s["name"].dropna().astype(str) if len(n) >= 2]
    phones = [p for p in s["phone"].dropna().astype(str) if len(p) >= 7]
    for text in (zh, en):
        assert not any(n in text for n in names[:200])
        assert not any(p in text for p in phones[:200])


def test_method_table_speaks_words_not_python(report):
    """The parameter table shows no None, True/False or dict reprs: words in the report's language."""
    import re

    from matcher.report.render import render_html
    rep = {**report, "meta": {**report["meta"], "options": {**report["meta"]["options"], "courses": None,
                                                            "charts": False}}}
    for lang, words in (("zh", ["全部课程", "否", "中文和英文", "技能 0.15", "合计"]),
                        ("en", ["all courses", "no", "Chinese and English", "skills 0.15", "total"])):
        html = render_html(rep, lang)
        method = html[html.index('id="method"'):]
        table = re.sub(r"<code>.*?</code>", " ", re.findall(r"<table>.*?</table>", method, re.S)[-1])
        text = re.sub(r"<[^>]+>", " ", table)
        for bad in ("None", "True", "False", "{", "'"):
            assert bad not in text, (lang, bad)
        for w in words:
            assert w in text, (lang, w)
        if lang == "zh":
            assert not re.search(r"[A-Za-z]{3,}", text.replace("sha256", "")), text


def test_unknown_language_is_refused(report):
    from matcher.errors import MatcherError
    from matcher.report.render import render_html
    with pytest.raises(MatcherError, match="lang"):
        render_html(report, "fr")


def test_binding_causes_are_consistent_with_pass_marks(report, sample):
    m, _, _ = sample
    posts = report["unfilled_posts"]
    fails = posts[[f"fails_{c}" for c in ("skills", "education", "wage", "place", "conditions", "occupation")]]
    named = posts["binding"].isin(["skills", "education", "wage", "place", "conditions", "occupation"])
    # the binding dimension is the one failed most often among the post's top candidates
    top = fails.to_numpy().max(axis=1)
    got = np.array([r[f"fails_{b}"] if b in ("skills", "education", "wage", "place", "conditions", "occupation")
                    else 0 for b, (_, r) in zip(posts["binding"], posts.iterrows())])
    assert (got[named.to_numpy()] == top[named.to_numpy()]).all()
    assert ((top == 0) == ~named.to_numpy()).all()
    # few good candidates really means fewer than max(3, openings)
    assert (posts["n_good"] < np.maximum(3, posts["openings"])).all()


def test_training_function_for_one_seeker_page(report, sample):
    from matcher.report.counterfactual import training_suggestions
    m, _, _ = sample
    sug = report["training"]
    sid = sug["seeker_id"].iloc[0]
    one = training_suggestions(m, [sid])
    assert list(one.columns) == ["seeker_id", "rank", "skill_id", "skill", "course", "good_before", "good_after",
                                 "gain", "new_vacancy_ids", "lifted"]
    assert (one["seeker_id"] == sid).all() and len(one) <= 2
    # lifted: every post the course makes a good match, with its score (new_vacancy_ids are its first five)
    for r in one.itertuples(index=False):
        assert len(r.lifted) >= r.gain > 0
        assert list(r.lifted)[:5] == list(r.new_vacancy_ids) and min(r.lifted.values()) >= 0.7
    assert (one["gain"] > 0).all() and one["gain"].is_monotonic_decreasing
    from matcher.errors import UnknownIdError
    with pytest.raises(UnknownIdError):
        training_suggestions(m, ["NO-SUCH-SEEKER"])


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "headless_shell"):
        p = shutil.which(name) or (f"/usr/bin/{name}" if Path(f"/usr/bin/{name}").exists() else None)
        if p:
            return p
    return None


@pytest.mark.browser
def test_html_renders_in_headless_chromium(report, tmp_path):
    exe = _chromium()
    if exe is None:
        pytest.skip("no chromium on PATH or in /usr/bin (install the chromium package to run the screenshot test)")
    from matcher.report.render import render_html
    page = tmp_path / "report.html"
    page.write_text(render_html(report, "both"), encoding="utf-8")
    shot = tmp_path / "shot.png"
    cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1200,2400",
           f"--screenshot={shot}", page.as_uri()]
    proc = subprocess.run(cmd, capture_output=True, timeout=60)
    assert proc.returncode == 0, proc.stderr[-2000:]
    from PIL import Image
    img = np.asarray(Image.open(shot).convert("RGB"), dtype=np.int16)
    assert img.shape[0] >= 2000 and img.shape[1] >= 1100
    # not blank: the dark header band and many distinct colours (text, tables, charts)
    assert (np.abs(img[10:60, 10:600] - np.array([31, 78, 121])).sum(axis=2) < 40).mean() > 0.5
    assert len(np.unique(img.reshape(-1, 3)[::37], axis=0)) > 200


def test_command_writes_the_report(sample, tmp_path, monkeypatch):
    """The CLI end to end on 120 x 60 sample rows (collaborators injected to keep the test fast)."""
    import matcher.market as market_mod
    from click.testing import CliRunner
    from matcher.commands.report import command
    m, _, _ = sample
    r = m.resources_

    class Injected(market_mod.Matcher):
        def __init__(self, settings=None, **kw):
            super().__init__(settings, skill_normaliser=r.skill_normaliser, occupation_coder=r.occupation_coder,
                             occupation_proximity=r.occupation_proximity, district_relation=r.district_relation)
    monkeypatch.setattr(market_mod, "Matcher", Injected)   # the one route fits with it
    sk = tmp_path / "s.csv"
    vc = tmp_path / "v.csv"
    sk.write_text("".join((SAMPLE / "seekers.csv").read_text(encoding="utf-8-sig").splitlines(True)[:121]),
                  encoding="utf-8")
    vc.write_text("".join((SAMPLE / "vacancies.csv").read_text(encoding="utf-8-sig").splitlines(True)[:61]),
                  encoding="utf-8")
    out = tmp_path / "r.html"
    res = CliRunner().invoke(command, ["--seekers", str(sk), "--vacancies", str(vc), "--out", str(out), "--lang", "en",
                                       "--training-sample", "20", "--settings", '{"reference_date": "2026-11-15"}',
                                       "--quiet"])
    assert res.exit_code == 0, res.output
    html = out.read_text(encoding="utf-8")
    assert 'id="training"' in html and "Why posts go unfilled" in html
    # a missing batch folder is a clear error
    res2 = CliRunner().invoke(command, ["--seekers", str(sk), "--vacancies", str(vc), "--out", str(out),
                                        "--batch", str(tmp_path / "nope"), "--quiet"])
    assert res2.exit_code != 0 and "batch folder" in str(res2.exception)


def test_report_reuses_the_batch_market_and_honours_settings(sample, tmp_path):
    """--batch DIR: the batch's saved market (no refit) and lists; the good cut and list length are settings."""
    from click.testing import CliRunner
    from matcher.cli import cli
    from matcher.market import load_market
    from matcher.report.assemble import ReportOptions, build_report
    from matcher.report.pool import read_batch_lists

    sk, vc = tmp_path / "s.csv", tmp_path / "v.csv"
    sk.write_text("".join((SAMPLE / "seekers.csv").read_text(encoding="utf-8-sig").splitlines(True)[:81]),
                  encoding="utf-8")
    vc.write_text("".join((SAMPLE / "vacancies.csv").read_text(encoding="utf-8-sig").splitlines(True)[:41]),
                  encoding="utf-8")
    out = tmp_path / "batch"
    settings = '{"good_score": 0.6, "top_k": 4}'
    res = CliRunner().invoke(cli, ["batch", "--seekers", str(sk), "--vacancies", str(vc), "--reference-date",
                                   "2026-11-15", "--settings", settings, "--out", str(out), "--quiet"])
    assert res.exit_code == 0, res.output
    html = tmp_path / "r.html"
    res = CliRunner().invoke(cli, ["report", "--batch", str(out), "--seekers", str(sk), "--out", str(html),
                                   "--training-sample", "0", "--lang", "en"])
    assert res.exit_code == 0, res.output
    assert "no refit" in res.output and "good_score = 0.6 (from settings)" in res.output
    assert "Reference date 2026-11-15" in html.read_text(encoding="utf-8")
    mk = load_market(out)
    rep = build_report(mk.matcher, ReportOptions(training_sample=0, charts=False), read_batch_lists(out))
    assert rep["meta"]["options"]["threshold"] == 0.6 and rep["meta"]["pool_k"] == 4
    assert (rep["meta"]["n_open"], rep["meta"]["openings"]) == (mk.n_open, mk.openings_open)
    # a flag overrides visibly; settings next to --batch are refused (the saved market has its own)
    res = CliRunner().invoke(cli, ["report", "--batch", str(out), "--out", str(html), "--training-sample", "0",
                                   "--threshold", "0.8"])
    assert res.exit_code == 0 and "good_score = 0.8 (from --threshold)" in res.output
    res = CliRunner().invoke(cli, ["report", "--batch", str(out), "--out", str(html), "--settings", "{}"])
    assert res.exit_code != 0 and "--batch reuses the market" in res.output
    # input files other than the batch's are refused with one line
    res = CliRunner().invoke(cli, ["report", "--batch", str(out), "--seekers", str(vc), "--out", str(html)])
    assert res.exit_code != 0 and "another seekers file" in str(res.exception)


def test_benchmark_smoke(sample):
    from benchmarks.report_speed import run
    m, _, _ = sample
    res = run(300, 120, training_sample=30, resources=m.resources_)
    assert res["report_total_seconds"] > 0 and res["html_bytes"] > 10_000
    assert res["pool_pairs"] > 0
