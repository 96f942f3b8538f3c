"""Occupation proximity: the transfer paths between trades."""
from __future__ import annotations


import numpy as np
import pytest

from matcher.errors import NotFittedError, SettingsError, UnknownIdError
from matcher.occupations.proximity import OccupationProximity
from matcher.occupations.taxonomy import load_taxonomy

STEELMAKER = "6-17-02-02"
IRON = "6-17-01-06"
ROLLING = "6-17-09-02"
CASTING = "6-17-02-03"
ACCOUNTANT = "2-06-03-00"
WELDER = "6-18-02-04"
RIVETER = "6-18-01-11"
COOK = "4-03-02-01"
GUARD = "4-07-05-01"
SCREENER = "4-07-05-02"
FIRE_OPERATOR = "4-07-05-03"
NURSE = "2-05-08-01"


@pytest.fixture(scope="module")
def prox() -> OccupationProximity:
    # the fit's speed is measured in benchmarks/unit_speed.py, not asserted here
    return OccupationProximity().fit()


def test_steelmaker_transfer_paths(prox: OccupationProximity) -> None:
    far = prox.similarity(STEELMAKER, ACCOUNTANT)
    for near in (IRON, ROLLING, CASTING):
        assert prox.similarity(STEELMAKER, near) > far + 0.1
    related = [code for code, _ in prox.related(STEELMAKER, 10)]
    assert CASTING in related
    assert all(code.startswith("6-17") for code in related[:5])


def test_welder_and_guard(prox: OccupationProximity) -> None:
    assert prox.similarity(WELDER, RIVETER) > prox.similarity(WELDER, COOK) + 0.1
    assert prox.similarity(WELDER, RIVETER) > prox.similarity(WELDER, ACCOUNTANT) + 0.1
    for near in (SCREENER, FIRE_OPERATOR):
        assert prox.similarity(GUARD, near) > prox.similarity(GUARD, NURSE) + 0.1
    assert FIRE_OPERATOR in [c for c, _ in prox.related(GUARD, 5)]


def test_matrix_properties(prox: OccupationProximity) -> None:
    codes = [STEELMAKER, IRON, WELDER, GUARD, ACCOUNTANT, "6-17-00-00", "6-17-02-00"]
    m = prox.matrix(codes, codes)
    assert m.shape == (7, 7)
    assert np.allclose(m, m.T)
    assert np.allclose(np.diag(m), 1.0)
    assert m.min() >= 0 and m.max() <= 1
    # group codes compare at their own level: the minor group is nearer than the middle group
    assert m[0, 6] > m[0, 5] > m[0, 4]


def test_missing_and_unknown_codes(prox: OccupationProximity) -> None:
    m = prox.matrix([STEELMAKER, None, ""], [IRON, STEELMAKER])
    assert m[1].sum() == 0 and m[2].sum() == 0 and m[0, 1] == 1.0
    with pytest.raises(UnknownIdError, match="9-99-99-99"):
        prox.similarity(STEELMAKER, "9-99-99-99")
    with pytest.raises(UnknownIdError):
        prox.related("nonsense")


def test_related_sorted_and_excludes_itself(prox: OccupationProximity) -> None:
    rel = prox.related(WELDER, 15)
    assert len(rel) == 15
    assert WELDER not in [c for c, _ in rel]
    scores = [s for _, s in rel]
    assert scores == sorted(scores, reverse=True)


def test_weights_change_the_blend() -> None:
    tax = load_taxonomy()
    small = tax[tax["code"].str.startswith(("6-17", "2-06"))]
    text_only = OccupationProximity(w_hierarchy=0, w_skills=0, w_text=1).fit(taxonomy=small)
    hier_only = OccupationProximity(w_hierarchy=1, w_skills=0, w_text=0).fit(taxonomy=small)
    assert hier_only.similarity(STEELMAKER, IRON) == pytest.approx(0.45)
    assert hier_only.similarity(STEELMAKER, CASTING) == pytest.approx(0.7)
    assert text_only.similarity(STEELMAKER, IRON) != pytest.approx(0.45)


def test_unfitted_and_bad_weights() -> None:
    with pytest.raises(NotFittedError):
        OccupationProximity().similarity(STEELMAKER, IRON)
    with pytest.raises(SettingsError):
        OccupationProximity(w_hierarchy=-1).fit()
    with pytest.raises(SettingsError):
        OccupationProximity(0, 0, 0).fit()
