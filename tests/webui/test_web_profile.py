"""The seeker-page profiler (benchmarks/web_profile.py): phase accounting and the snapshot check."""
from __future__ import annotations

import time

import pytest

from benchmarks import web_profile


def test_nested_phases_are_charged_to_the_innermost_only():
    clock = web_profile.PhaseClock()
    with clock.phase("template"):
        time.sleep(0.02)
        with clock.phase("db"):
            time.sleep(0.03)
        time.sleep(0.01)
    t = clock.totals
    assert 0.025 <= t["db"] < 0.06
    assert 0.025 <= t["template"] < 0.06          # 20 + 10 ms, not the 60 ms the phase lasted
    assert t["scoring"] == 0.0
    wrapped = clock.wrap("scoring", lambda x: x + 1)
    assert wrapped(1) == 2 and t is clock.totals and clock.totals["scoring"] > 0


def test_normalise_blanks_only_what_changes_per_request():
    page = ('<input type="hidden" name="csrf_token" value="abc.def">'
            '<div class="list-switch" id="list-switch"><span>x</span>'
            '<span class="muted">Nightly batch of 2026-12-02 05:58</span></div><p>2026-12-02 05:58</p>')
    out = web_profile.normalise(page)
    assert 'value="abc.def"' not in out and 'value=""' in out
    assert '<span class="muted"></span>' in out and "<p>2026-12-02 05:58</p>" in out


@pytest.mark.slow
def test_profile_and_snapshot_round_trip(tmp_path):
    """A small market end to end: phases add up to the page time; a snapshot checks clean against itself
    and a changed page is reported."""
    res = web_profile.main(["--seekers", "150", "--vacancies", "60", "--pages", "4", "--rounds", "1"])
    ms = res["ms_per_page"]
    assert set(web_profile.PHASES) <= set(ms) and ms["total"] > 0
    assert abs(sum(ms[p] for p in web_profile.PHASES) - ms["total"]) < 0.05 * ms["total"] + 0.1
    assert ms["scoring"] > 0 and ms["template"] > 0
    snap = tmp_path / "snap"
    args = ["--seekers", "150", "--vacancies", "60", "--snapshot-seekers", "6"]
    assert web_profile.main(args + ["--snapshot", str(snap)])["pages"] == 12
    assert web_profile.main(args + ["--check", str(snap)])["n_differ"] == 0
    victim = sorted(snap.glob("en_*.html"))[0]
    victim.write_text(victim.read_text(encoding="utf-8").replace("</ol>", "</ol> ", 1), encoding="utf-8")
    assert web_profile.main(args + ["--check", str(snap)])["n_differ"] == 1
