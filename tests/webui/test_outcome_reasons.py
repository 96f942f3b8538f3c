"""The seeker page shows the outcome reason (matcher.outcomes.rank) in both languages, through matcher.render."""
from __future__ import annotations

import itertools
import math

import pytest

from conftest import base_config, login
from webui import create_app
from webui.engine import MatcherCache


def _model():
    """A small hand-set outcome model: P(hire) 0.3 and P(stay 180 days) 0.7 for every pair."""
    from matcher import __version__
    from matcher.outcomes.features import PAIR_FEATURES
    from matcher.outcomes.model import FORMAT, FORMAT_VERSION, OutcomeModel
    from matcher.vocab import STAY_GAPS

    n = len(PAIR_FEATURES)
    eta = math.log(-math.log(0.7) / 180)           # constant daily hazard giving 70 % at 180 days
    return OutcomeModel({
        "format": FORMAT, "format_version": FORMAT_VERSION, "engine_version": __version__,
        "features": list(PAIR_FEATURES), "position": "rank_feature", "reference_rank": 1,
        "scaler": {"mean": [0.0] * n, "scale": [1.0] * n},
        "hire": {"coef": [0.0] * (n + 2), "intercept": math.log(0.3 / 0.7), "rank_terms": ["log_rank", "from_search"],
                 "calibration": {"x": [], "y": [], "kind": "identity"}},
        "stay": {"period_coef": [0.0, 0.0], "coef": [0.0] * n, "intercept": eta, "person_periods": 0,
                 "calibration": {"x": [], "y": [], "kind": "identity"}},
        "history": {"overall": 0.2, "post": {}, "employer": {}},
        "window": {"first": "2026-01-01", "until": "2026-11-01"}, "sizes": {"spells": 321},
        # 70 % of 98 similar spells, whatever the pair's condition gaps (all posts)
        "similar": {"min_spells": 30, "min_known": 20, "gaps": list(STAY_GAPS), "group_level": "middle",
                    "cells": {"*|" + "".join(b): [98, 80, 0.7] for b in itertools.product("01", repeat=4)}},
    })


@pytest.fixture
def outcome_client(db_path, tmp_path):
    # the product path: settings name the model folder; the web's market comes from build_market
    model_dir = tmp_path / "model"
    _model().save(model_dir)
    cache = MatcherCache(settings={"outcomes": {"model": str(model_dir)}}, background=False)
    app = create_app(base_config(db_path, tmp_path, cache))
    client = app.test_client()
    assert login(client, "admin").status_code == 302
    yield client
    app.extensions["matcher_engine"].dispose()


def test_seeker_page_shows_the_outcome_reason_in_chinese_and_english(outcome_client):
    zh = outcome_client.get("/seekers/S0000").data.decode()
    assert "在各类岗位中，" in zh and "的求职者 180 天仍在岗约 70%（依据 98 段就业记录）" in zh
    outcome_client.post("/lang", data={"lang": "en"})
    en = outcome_client.get("/seekers/S0000").data.decode()
    assert "Across all posts, seekers with" in en
    assert "still in the job after 180 days in about 70% of cases (from 98 recorded jobs)" in en
