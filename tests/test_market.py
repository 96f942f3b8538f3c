"""``matcher.market``: the one route to a fitted market, the saved market, the open-post rule and settings."""
from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from matcher.batch import BatchConfig, run_batch
from matcher.core.matcher import open_posts
from matcher.errors import InputFileError, SettingsError
from matcher.market import (StaleMarketError, build_market, hires_from_outcomes, load_market, read_meta,
                            resolve_settings)

SETTINGS = {"occupation": {"use_codes": False}, "reference_date": "2024-06-01"}


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    from matcher.generate import generate_city, write_city

    return write_city(generate_city(150, 60, seed=5), tmp_path_factory.mktemp("city"))


@pytest.fixture(scope="module")
def fitted(files):
    return build_market(files["seekers"], files["vacancies"], settings=SETTINGS)


@pytest.fixture(scope="module")
def batch_out(files, tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("runs") / "nightly"
    rec = run_batch(BatchConfig(files["seekers"], files["vacancies"], out, settings={**SETTINGS, "top_k": 3}))
    return out, rec


def test_settings_are_checked_before_any_file_is_read(tmp_path):
    with pytest.raises(SettingsError, match="top_k"):
        build_market(tmp_path / "missing.csv", tmp_path / "missing.csv", settings={"top_k": 0})
    with pytest.raises(SettingsError, match="Unknown setting"):
        build_market(tmp_path / "missing.csv", tmp_path / "missing.csv", settings={"topk": 3})
    with pytest.raises(InputFileError, match="does not exist"):
        build_market(tmp_path / "missing.csv", tmp_path / "missing.csv")


def test_one_reference_date(files):
    st = resolve_settings({"reference_date": "2023-01-01"}, "2024-02-03")
    assert st.reference_day() == dt.date(2024, 2, 3) and st.reference_date == "2024-02-03"
    assert resolve_settings(None).reference_day() == dt.date.today()
    mk = build_market(files["seekers"], files["vacancies"], settings=SETTINGS, reference_date="2020-01-01")
    assert mk.reference_date == dt.date(2020, 1, 1) and mk.matcher.settings.reference_day() == mk.reference_date
    # ages are computed at the same date the expiry rule uses
    birth = pd.to_datetime(mk.seekers["birth_date"])
    known = birth.notna() & mk.seekers["age"].notna()
    ages = [dt.date(2020, 1, 1).year - b.year - ((1, 1) < (b.month, b.day)) for b in birth[known]]
    assert mk.seekers.loc[known, "age"].astype(int).tolist() == ages


def test_open_post_rule():
    v = pd.DataFrame({"vacancy_id": ["A", "B", "C", "D"], "openings": [2, 1, 3, 1],
                      "expires_on": pd.to_datetime(["2024-05-31", "2024-06-01", None, "2024-07-01"])})
    ok, left = open_posts(v, dt.date(2024, 6, 1))
    assert ok.tolist() == [False, True, True, True] and left.tolist() == [0, 1, 3, 1]
    ok, left = open_posts(v, dt.date(2024, 6, 1), hired={"C": 1, "D": 1})
    assert ok.tolist() == [False, True, True, False] and left.tolist() == [0, 1, 2, 0]
    ok, _ = open_posts(v, dt.date(2024, 6, 1), exclude_expired=False)
    assert ok.all()


def test_hires_from_outcomes_use_the_latest_event_of_each_referral():
    o = pd.DataFrame({"seeker_id": ["S1", "S1", "S2", "S3", "S4"], "vacancy_id": ["V1", "V1", "V1", "V2", "V2"],
                      "date": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-01-05", "2024-01-01", "2024-09-01"]),
                      "outcome": ["interviewed", "hired", "hired", "rejected", "hired"]})
    assert hires_from_outcomes(o) == {"V1": 2, "V2": 1}
    assert hires_from_outcomes(o, dt.date(2024, 6, 1)) == {"V1": 2}


#: A hand-built event log: (seeker, vacancy, date, outcome), in file order.
HIRE_LOG = [
    ("S1", "V1", "2024-01-01", "referred"), ("S1", "V1", "2024-01-10", "hired"),
    ("S1", "V1", "2024-03-10", "employed"),                       # still there at the follow-up call: holds
    ("S2", "V1", "2024-01-05", "hired"), ("S2", "V1", "2024-02-20", "left"),   # left: the opening is free again
    ("S3", "V2", "2024-02-01", "left"), ("S3", "V2", "2024-02-01", "hired"),   # same day: left comes after hired
    ("S4", "V2", "2024-02-01", "hired"), ("S4", "V2", "2024-04-01", "employed"),
    ("S5", "V2", "2024-02-01", "interviewed"),                                  # never hired
    ("S6", "V3", "2024-01-01", "hired"), ("S6", "V3", "2024-03-01", "left"),
    ("S6", "V3", "2024-08-01", "hired"),                                        # hired again after the date
]


def hire_log() -> pd.DataFrame:
    return pd.DataFrame(HIRE_LOG, columns=["seeker_id", "vacancy_id", "date", "outcome"]).assign(
        date=lambda d: pd.to_datetime(d["date"]))


def test_hires_count_hired_and_employed_and_left_releases_the_opening():
    assert hires_from_outcomes(hire_log()) == {"V1": 1, "V2": 1, "V3": 1}
    assert hires_from_outcomes(hire_log(), dt.date(2024, 6, 1)) == {"V1": 1, "V2": 1}
    # before S2 left and before S6 left, both held an opening
    assert hires_from_outcomes(hire_log(), dt.date(2024, 2, 1)) == {"V1": 2, "V2": 1, "V3": 1}


def test_hires_close_filled_posts_everywhere(files):
    mk = build_market(files["seekers"], files["vacancies"], settings=SETTINGS)
    vid = str(mk.vacancies.loc[mk.open_mask, "vacancy_id"].iloc[0])
    openings = int(mk.vacancies.loc[mk.vacancies["vacancy_id"] == vid, "openings"].iloc[0])
    closed = build_market(files["seekers"], files["vacancies"], settings=SETTINGS, hired={vid: openings})
    assert closed.n_open == mk.n_open - 1 and closed.openings_open == mk.openings_open - openings
    m = closed.matcher
    pos = m._vacancy_pos[vid]
    assert np.isneginf(m.score_block(np.arange(3), np.array([pos]))).all()
    assert m.for_vacancy(vid) == [] and m.for_vacancy_summary(vid)["open"] is False
    sid = str(m.features_.seeker_ids[0])
    assert vid not in [x.vacancy_id for x in m.for_seeker(sid, 60)]


def _records(matches):
    return [x.to_dict() for x in matches]


def test_saved_market_answers_exactly_like_the_fitted_one(fitted, tmp_path):
    fitted.save(tmp_path / "mk")
    loaded = load_market(tmp_path / "mk")
    a, b = fitted.matcher, loaded.matcher
    assert loaded.source == "loaded" and loaded.counts() == fitted.counts()
    assert (a.score_block(np.arange(a.features_.n_seekers)) == b.score_block(np.arange(a.features_.n_seekers))).all()
    for sid in a.features_.seeker_ids[:40]:
        assert _records(a.for_seeker(sid, 8)) == _records(b.for_seeker(sid, 8))
    for vid in a.features_.vacancy_ids[:20]:
        assert _records(a.for_vacancy(vid, 8)) == _records(b.for_vacancy(vid, 8))
        assert a.for_vacancy_summary(vid, 8) == b.for_vacancy_summary(vid, 8)
    sid, vid = a.features_.seeker_ids[3], a.features_.vacancy_ids[7]
    assert a.explain(sid, vid).to_dict() == b.explain(sid, vid).to_dict()
    ia, sa = a.top_k_block(np.arange(50), 5)
    ib, sb = b.top_k_block(np.arange(50), 5)
    assert (ia == ib).all() and (sa == sb).all()


def test_saved_market_runs_no_code_and_holds_no_personal_data(fitted, tmp_path):
    folder = fitted.save(tmp_path / "mk")
    assert sorted(p.name for p in folder.iterdir()) == ["features.json", "features.npz", "meta.json",
                                                        "seekers.parquet", "vacancies.parquet"]
    with np.load(folder / "features.npz", allow_pickle=False) as z:   # would raise on any object array
        assert all(z[k].dtype != object for k in z.files)
    cols = set(pd.read_parquet(folder / "seekers.parquet").columns)
    assert not cols & {"name", "id_number", "phone"}
    meta = read_meta(folder)
    assert meta["reference_date"] == "2024-06-01" and meta["settings"]["occupation"]["use_codes"] is False
    assert set(meta["inputs"]) == {"seekers", "vacancies"} and all(len(i["sha256"]) == 64
                                                                   for i in meta["inputs"].values())


def test_stale_or_foreign_markets_are_refused(fitted, files, tmp_path):
    folder = fitted.save(tmp_path / "mk")
    load_market(folder, seekers=files["seekers"], vacancies=files["vacancies"])      # the same files: fine
    other = tmp_path / "other.csv"
    other.write_bytes(Path(files["seekers"]).read_bytes() + b"\n")
    with pytest.raises(StaleMarketError, match="another seekers file") as exc:
        load_market(folder, seekers=other)
    assert "\n" not in str(exc.value)
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    meta["engine_version"] = "0.0.0-other"
    (folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(StaleMarketError, match="engine '0.0.0-other'"):
        load_market(folder)
    with pytest.raises(StaleMarketError, match="No saved market"):
        load_market(tmp_path / "nothing")
    folder2 = fitted.save(tmp_path / "mk2")
    with open(folder2 / "features.npz", "r+b") as fh:
        fh.seek(200)
        fh.write(b"\x00\x01")
    with pytest.raises(StaleMarketError, match="damaged"):
        load_market(folder2)


def test_queries_are_thread_safe_on_one_matcher(fitted):
    m = fitted.matcher
    sids = list(m.features_.seeker_ids[:24])
    vids = list(m.features_.vacancy_ids[:24])
    serial = {("s", s): _records(m.for_seeker(s, 5)) for s in sids}
    serial |= {("v", v): (_records(m.for_vacancy(v, 5)), m.for_vacancy_summary(v, 5)) for v in vids}
    got: dict = {}
    errors: list = []

    def work(i: int) -> None:
        try:
            for s in sids[i::8]:
                got[("s", s)] = _records(m.for_seeker(s, 5))
            for v in vids[i::8]:
                got[("v", v)] = (_records(m.for_vacancy(v, 5)), m.for_vacancy_summary(v, 5))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and got == serial


def test_batch_honours_settings_top_k_and_saves_its_market(batch_out, files):
    out, rec = batch_out
    sm = pd.read_parquet(out / "seeker_matches.parquet")
    vm = pd.read_parquet(out / "vacancy_matches.parquet")
    assert sm.groupby("seeker_id")["rank"].max().max() == 3 and vm.groupby("vacancy_id")["rank"].max().max() == 3
    assert rec["batch"]["top_k"] == 3 and rec["overrides"] == {} and rec["reference_date"] == "2024-06-01"
    assert rec["batch"]["feasible_threshold"] == 0.5 and rec["batch"]["feasible_threshold_source"] == "settings.feasible_score"
    mk = load_market(out, seekers=files["seekers"], vacancies=files["vacancies"])
    assert mk.counts()["open_vacancies"] == rec["counts"]["open_vacancies"]
    # the batch's lists are the saved market's lists
    for sid, grp in list(sm.groupby("seeker_id"))[:30]:
        got = mk.matcher.for_seeker(sid, 3)
        assert [x.vacancy_id for x in got] == grp.sort_values("rank")["vacancy_id"].tolist()
        assert np.allclose([x.score for x in got], grp.sort_values("rank")["score"], atol=1e-6)


def test_cli_flag_overrides_visibly(files, tmp_path):
    from matcher.commands.batch import command

    out = tmp_path / "nightly"
    res = CliRunner().invoke(command, ["--seekers", str(files["seekers"]), "--vacancies", str(files["vacancies"]),
                                       "--out", str(out), "--settings", json.dumps({**SETTINGS, "top_k": 3}),
                                       "--top-k", "2", "--quiet", "--no-market"])
    assert res.exit_code == 0, res.output
    assert "top_k = 2 (from --top-k)" in res.output
    rec = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert rec["overrides"]["top_k"] == {"value": 2, "from": "--top-k", "settings_value": 3}
    assert rec["settings"]["top_k"] == 2 and not (out / "market").exists()
    assert pd.read_parquet(out / "seeker_matches.parquet")["rank"].max() == 2


def test_match_from_the_saved_market(batch_out, files):
    from matcher.commands.match import command

    out, _ = batch_out
    sid = str(pd.read_parquet(out / "seeker_matches.parquet")["seeker_id"].iloc[0])
    fresh = CliRunner().invoke(command, ["--seekers", str(files["seekers"]), "--vacancies", str(files["vacancies"]),
                                         "--settings", json.dumps({**SETTINGS, "top_k": 3}), "--seeker", sid, "--json"])
    saved = CliRunner().invoke(command, ["--market", str(out), "--seeker", sid, "--json"])
    assert fresh.exit_code == 0 and saved.exit_code == 0, fresh.output + saved.output
    assert json.loads(saved.output) == json.loads(fresh.output) and len(json.loads(saved.output)) == 3
    en = CliRunner().invoke(command, ["--market", str(out), "--seeker", sid, "--lang", "en"])
    assert en.exit_code == 0 and f"Posts for seeker {sid} (top 3)" in en.output and "education:" in en.output
    zh = CliRunner().invoke(command, ["--market", str(out), "--seeker", sid])
    assert zh.exit_code == 0 and f"求职者 {sid} 的推荐岗位（前3个）" in zh.output
    bad = CliRunner().invoke(command, ["--market", str(out), "--seeker", sid, "--settings", "{}"])
    assert bad.exit_code != 0 and "--market answers with the settings" in bad.output
