"""Free-text skills → canonical skills, and skill-to-skill similarity."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.errors import NotFittedError, SettingsError, UnknownIdError
from matcher.skills.normaliser import SkillMatch, SkillNormaliser

ESCO = Path(__file__).resolve().parents[1] / ".." / "shared" / "bench" / "esco_dev" / "seekers.csv"


@pytest.fixture(scope="module")
def norm() -> SkillNormaliser:
    return SkillNormaliser().fit()


def ids(matches: list[SkillMatch]) -> list[str | None]:
    return [m.skill_id for m in matches]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("会电焊", "welding_arc"),
        ("电焊工", "welding_arc"),
        ("焊接作业", "welding_arc"),
        ("有三年电焊工作经验", "welding_arc"),
        ("焊工（四级）", "welding_arc"),
        ("氩弧焊", "welding_argon"),
        ("会开叉车", "forklift"),
        ("叉车证", "forklift"),
        ("持叉车证", "forklift"),
        ("看大门", "security_guard"),
        ("门卫值守", "security_guard"),
        ("带孩子", "infant_care"),
        ("婴幼儿照护", "infant_care"),
        ("伺候老人", "elderly_care"),
        ("做饭", "cooking_chinese"),
        ("炒菜", "cooking_chinese"),
        ("中式烹调", "cooking_chinese"),
        ("打扫卫生", "cleaning"),
        ("开货车", "driving_truck"),
        ("B2驾照", "driving_truck"),
        ("Ｂ２驾照", "driving_truck"),
        ("开天车", "overhead_crane"),
        ("炼钢", "steelmaking"),
        ("会计", "bookkeeping"),
        ("会计经验", "bookkeeping"),
        ("熟练使用Excel", "spreadsheet"),
        ("arc welding", "welding_arc"),
        ("Forklift Driving", "forklift"),
        ("做过保安", "security_guard"),
    ],
)
def test_hand_checked_cases(norm: SkillNormaliser, text: str, expected: str) -> None:
    assert expected in ids(norm.normalise(text))


def test_exact_match_details(norm: SkillNormaliser) -> None:
    [m] = norm.normalise("会电焊")
    assert m == SkillMatch("welding_arc", "电焊", 1.0, "exact")


def test_homophone_typo_is_fuzzy(norm: SkillNormaliser) -> None:
    [m] = norm.normalise("电汗")
    assert (m.skill_id, m.method) == ("welding_arc", "fuzzy")
    assert 0.8 <= m.score < 1.0
    [m] = norm.normalise("forklif driving")
    assert (m.skill_id, m.method) == ("forklift", "fuzzy")


def test_one_cell_several_skills(norm: SkillNormaliser) -> None:
    got = ids(norm.normalise("电焊氩弧焊都会"))
    assert got == ["welding_arc", "welding_argon"]
    assert ids(norm.normalise("电焊、叉车")) == ["welding_arc", "forklift"]


def test_unknown_skill_kept_as_free_text(norm: SkillNormaliser) -> None:
    assert norm.normalise("弹钢琴") == [SkillMatch(None, "弹钢琴", 0.0, "free")]
    got = norm.normalise("电焊; 弹钢琴")
    assert ids(got) == ["welding_arc", None]
    assert got[1].label == "弹钢琴"
    assert norm.normalise("   ") == []


def test_normalise_many_aligns_and_caches(norm: SkillNormaliser) -> None:
    texts = ["会电焊", None, "看大门", "会电焊", float("nan"), "弹钢琴"]
    out = norm.normalise_many(texts)  # type: ignore[arg-type]
    assert len(out) == len(texts)
    assert ids(out[0]) == ids(out[3]) == ["welding_arc"]
    assert out[1] == [] and out[4] == []
    assert ids(out[5]) == [None]


def test_normalise_many_equals_one_by_one(norm: SkillNormaliser) -> None:
    # its speed (20,000 texts) is measured in benchmarks/unit_speed.py, not asserted here
    rng = np.random.default_rng(0)
    syn = np.array(list(norm.lexicon_.synonyms))
    pre = np.array(["", "会", "熟练", "有", "懂"])
    texts = [f"{p}{s}{i % 7 or ''}" for i, (p, s) in
             enumerate(zip(rng.choice(pre, 400), rng.choice(syn, 400)))]
    many = SkillNormaliser().fit().normalise_many(texts)
    one = SkillNormaliser().fit()
    assert many == [one.normalise(t) for t in texts]


def test_unfitted_and_bad_parameters() -> None:
    with pytest.raises(NotFittedError):
        SkillNormaliser().normalise("电焊")
    with pytest.raises(SettingsError):
        SkillNormaliser(fuzzy_threshold=150).fit()
    with pytest.raises(SettingsError):
        SkillNormaliser(ngram_range=(3, 1)).fit()


def test_courses_for(norm: SkillNormaliser) -> None:
    assert norm.courses_for(["welding_arc", "welding_argon", None, "forklift"]) == ["焊工", "叉车司机"]
    with pytest.raises(UnknownIdError):
        norm.courses_for(["no_such_skill"])


def test_similarity_matrix_properties(norm: SkillNormaliser) -> None:
    texts = ["会电焊", "电焊工", "氩弧焊", "做饭", "弹钢琴", "钢琴演奏", "看大门"]
    m = norm.similarity_matrix(texts, texts)
    dense = m.toarray()
    assert m.shape == (7, 7)
    assert np.allclose(dense, dense.T)
    assert dense.min() >= 0 and dense.max() <= 1
    assert dense[0, 1] == 1.0  # same canonical skill
    assert dense[0, 2] == pytest.approx(norm.related_weight)  # related skills
    assert dense[0, 3] == 0.0  # welding vs cooking
    assert 0.3 <= dense[4, 5] < 1.0  # free text: character n-grams
    assert m.nnz < dense.size


def test_similarity_on_english_free_text(norm: SkillNormaliser) -> None:
    if ESCO.exists():
        skills = pd.read_csv(ESCO, nrows=200)["skills"].str.split("; ").explode().dropna().unique()
        texts = list(skills[:300])
    else:  # pragma: no cover - shared data always present in CI
        texts = ["operate drilling machine", "operate drilling machines", "bake bread"]
    m = norm.similarity_matrix(texts, texts)
    assert m.shape == (len(texts), len(texts))
    assert np.allclose(m.diagonal(), 1.0)
    assert m.nnz < 0.5 * len(texts) ** 2
    pair = norm.similarity_matrix(["operate drilling machine"], ["operate drilling machines", "bake bread"])
    assert pair[0, 0] > 0.8 and pair[0, 1] == 0.0


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_arbitrary_strings_never_crash(text: str) -> None:
    norm = _SHARED.get("n")
    if norm is None:
        norm = _SHARED["n"] = SkillNormaliser().fit()
    out = norm.normalise(text)
    for m in out:
        assert 0.0 <= m.score <= 1.0
        assert m.method in {"exact", "contains", "fuzzy", "ngram", "free"}
    if text.strip() and not out:
        # only separator-only or punctuation-only cells may give nothing
        assert all(not ch.isalnum() for ch in text)


_SHARED: dict[str, SkillNormaliser] = {}
