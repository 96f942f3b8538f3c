"""Fairness on the shipped sample data: protected attributes never lower a score.

Each protected attribute (gender, age / birth date, ethnicity, household
registration) is flipped for EVERY seeker in the raw sample file, the file is
loaded through the normal loader (so derived groups change too), and the full
seeker × vacancy score matrix is compared with the original.

With the priority policy off, scores must be identical. With it on, the only
difference allowed is the explicit, visible ``priority`` contribution on
public-welfare posts (a raise for the hard-to-employ, never a cut for anyone
else's protected attribute).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from matcher.core import Matcher
from matcher.io.loader import load_seekers, load_vacancies

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"
N_SEEKERS = 600  # every seeker of a 600-row slice keeps the test quick; the slice is the file's head


def _flip(raw: pd.DataFrame, attribute: str, rng: np.random.Generator) -> pd.DataFrame:
    out = raw.copy()
    if attribute == "gender":
        out["gender"] = out["gender"].map({"男": "女", "女": "男", "M": "F", "F": "M"}).fillna("女")
    elif attribute == "age":
        # shift everybody's age by 15 years, both through age and birth date
        age = pd.to_numeric(out["age"], errors="coerce")
        out["age"] = (age + 15).map(lambda a: "" if pd.isna(a) else str(int(a)))
        birth = pd.to_datetime(out["birth_date"], errors="coerce", format="mixed")
        out["birth_date"] = (birth - pd.DateOffset(years=15)).dt.strftime("%Y-%m-%d").fillna("")
    elif attribute == "ethnicity":
        out["民族"] = rng.choice(["汉族", "彝族", "傈僳族", "苗族", "回族"], size=len(out))
    elif attribute == "hukou":
        out["hukou"] = out["hukou"].map({"城镇": "农村", "农村": "城镇", "urban": "rural", "rural": "urban"}).fillna("农村")
    return out


@pytest.fixture(scope="module")
def market(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("fair")
    raw = pd.read_csv(SAMPLE / "seekers.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig").head(N_SEEKERS)
    raw = raw[raw["seeker_id"] != ""].drop_duplicates("seeker_id")
    raw["民族"] = "汉族"
    base = tmp / "base.csv"
    raw.to_csv(base, index=False)
    vac = load_vacancies(SAMPLE / "vacancies.csv").frame
    return tmp, raw, base, vac


def _scores(path: Path, vac: pd.DataFrame, priority: bool) -> tuple[np.ndarray, np.ndarray]:
    seekers = load_seekers(path).frame
    m = Matcher({"priority": {"enabled": priority}}).fit(seekers, vac)
    idx = np.arange(len(seekers))
    return m.score_block(idx), seekers["seeker_id"].to_numpy()


@pytest.mark.parametrize("attribute", ["gender", "age", "ethnicity", "hukou"])
def test_flipping_a_protected_attribute_never_changes_a_score(market, attribute):
    tmp, raw, base, vac = market
    flipped = tmp / f"flip_{attribute}.csv"
    _flip(raw, attribute, np.random.default_rng(0)).to_csv(flipped, index=False)
    before, ids_a = _scores(base, vac, priority=False)
    after, ids_b = _scores(flipped, vac, priority=False)
    assert (ids_a == ids_b).all()
    finite = np.isfinite(before)
    assert (np.isfinite(after) == finite).all()
    np.testing.assert_array_equal(before[finite], after[finite])


def test_with_priority_on_only_the_visible_boost_differs(market):
    tmp, raw, base, vac = market
    flipped = tmp / "flip_gender_age.csv"
    rng = np.random.default_rng(1)
    _flip(_flip(raw, "gender", rng), "hukou", rng).to_csv(flipped, index=False)
    before, _ = _scores(base, vac, priority=True)
    after, _ = _scores(flipped, vac, priority=True)
    finite = np.isfinite(before)
    diff = np.abs(before[finite] - after[finite])
    welfare = np.broadcast_to(vac["public_welfare"].fillna(False).to_numpy(bool), before.shape)[finite]
    assert (diff[~welfare] == 0).all(), "a protected attribute changed a score outside the priority policy"
    assert diff.max() <= Matcher().settings.priority.public_welfare_boost + 1e-6  # float32 scores
