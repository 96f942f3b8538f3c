"""One training rule: the seeker page's box and the match list's course fixes cannot contradict.

Both come from the same counterfactual rows
(:func:`matcher.report.counterfactual.training_suggestions`, re-scoring the
seeker with each course skill added); :func:`course_fixes` puts a course on a
listed post exactly when that course turns the post into a good match. Checked
on the shipped sample for several seekers, including S0000001, where the box
used to say that no course helps while match #10 said "参加培训：保洁员".
"""
from __future__ import annotations

from pathlib import Path

import pytest

from matcher.core import Matcher
from matcher.io.loader import load_seekers, load_vacancies
from matcher.render.reasons import render_reasons
from matcher.report.counterfactual import course_fixes, training_suggestions

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"
GOOD = 0.7
TOP = 5
SEEKERS = ["S0000001", "S0000002", "S0000003", "S0000010", "S0000025", "S0000040", "S0000077", "S0000123"]


@pytest.fixture(scope="module")
def sample_matcher() -> Matcher:
    return Matcher().fit(load_seekers(SAMPLE / "seekers.csv").frame, load_vacancies(SAMPLE / "vacancies.csv").frame)


def _course_fixes(match: dict) -> list[dict]:
    return [r for r in match["reasons"]["fixes"] if r["code"] == "course"]


def test_box_and_list_agree_on_the_sample(sample_matcher):
    m = sample_matcher
    known = set(m.features_.seeker_ids.tolist())
    seen_fix = seen_empty = 0
    for sid in [s for s in SEEKERS if s in known]:
        matches = [x.to_dict() for x in m.for_seeker(sid, 10)]
        # the core never suggests a course on its own
        assert not any(_course_fixes(x) for x in matches)
        rows = training_suggestions(m, [sid], threshold=GOOD, top=TOP).to_dict("records")
        box = {r["course"]: r for r in rows}
        listed = course_fixes(matches, rows, threshold=GOOD)
        assert [x["vacancy_id"] for x in listed] == [x["vacancy_id"] for x in matches]
        for x in listed:
            fixes = _course_fixes(x)
            # every course the list suggests is in the box, and lifts this very post over the good cut
            for f in fixes:
                assert f["course"] in box, (sid, x["vacancy_id"], f)
                assert x["vacancy_id"] in box[f["course"]]["lifted"]
                assert f["score_after"] >= GOOD > x["score"]
            # every box course that lifts a listed (not yet good) post is shown on it
            for course, r in box.items():
                if x["vacancy_id"] in r["lifted"] and x["score"] < GOOD:
                    assert course in {f["course"] for f in fixes}, (sid, x["vacancy_id"], course)
            seen_fix += bool(fixes)
            texts = render_reasons(x["reasons"], "zh")["fixes"]
            assert sum(t.startswith("参加培训：") for t in texts) == len(fixes)
        if not rows:
            seen_empty += 1
            assert not any(_course_fixes(x) for x in listed)   # "no course helps" and no course on any post
        for r in rows:
            assert r["gain"] > 0 and r["good_after"] - r["good_before"] == r["gain"]
            assert len(r["lifted"]) >= r["gain"] > 0
    assert seen_empty >= 1 and seen_fix >= 1   # both situations are exercised


def test_s0000001_no_course_helps_and_none_is_suggested(sample_matcher):
    m = sample_matcher
    matches = [x.to_dict() for x in m.for_seeker("S0000001", 10)]
    rows = training_suggestions(m, ["S0000001"], threshold=GOOD, top=TOP).to_dict("records")
    listed = course_fixes(matches, rows, threshold=GOOD)
    courses = {f["course"] for x in listed for f in _course_fixes(x)}
    assert courses <= {r["course"] for r in rows}
    # a missing skill's course is still shown, as a fact about the skill, not as advice
    missing = [r for x in listed for r in x["reasons"]["gaps"] if r["code"] == "skill_missing" and r["course"]]
    for r in missing:
        assert r["course"] in render_reasons({"gaps": [r]}, "zh")["gaps"][0]
