"""The sample-data generator: a simulated Panzhihua labour market."""
from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from matcher.commands.generate import command as generate_command
from matcher.generate import (
    DISTRICTS,
    EDUCATION_SPELLINGS,
    GROUP_SHARES,
    MIN_WAGE,
    UNKNOWN_EDUCATION,
    City,
    generate_city,
    load_trades,
    write_city,
)
from matcher.errors import SettingsError
from matcher.occupations.taxonomy import detailed_occupations
from matcher.schema import SEEKER_COLUMNS, VACANCY_COLUMNS

SPELLING_TO_LEVEL = {text: level for level, forms in EDUCATION_SPELLINGS.items() for text, _ in forms}


@pytest.fixture(scope="module")
def city() -> City:
    return generate_city(20_000, 4_000, seed=11)


@pytest.fixture(scope="module")
def small_files(tmp_path_factory):
    out = tmp_path_factory.mktemp("city")
    c = generate_city(1_200, 400, seed=5, n_outcomes=150)
    return c, write_city(c, out)


def _clean(frame: pd.DataFrame, planted: list[dict], file: str) -> pd.DataFrame:
    """Rows that are not planted rejects."""
    rows = {p["row"] for p in planted if p["file"] == file and p["kind"] == "reject"}
    excel_rows = np.arange(len(frame)) + 2
    return frame[~np.isin(excel_rows, list(rows))]


def test_same_seed_gives_identical_bytes(tmp_path):
    a = write_city(generate_city(600, 200, seed=3), tmp_path / "a")
    b = write_city(generate_city(600, 200, seed=3), tmp_path / "b")
    c = write_city(generate_city(600, 200, seed=4), tmp_path / "c")
    for name in ("seekers", "vacancies", "outcomes", "seekers_gb18030", "planted"):
        assert a[name].read_bytes() == b[name].read_bytes(), name
    assert a["seekers"].read_bytes() != c["seekers"].read_bytes()


def test_shapes_and_columns(city):
    planted = city.planted_rejects
    n_rej = {f: sum(p["file"] == f and p["kind"] == "reject" for p in planted)
             for f in ("seekers.csv", "vacancies.csv", "outcomes.csv")}
    assert len(city.seekers) == 20_000 + n_rej["seekers.csv"]
    assert len(city.vacancies) == 4_000 + n_rej["vacancies.csv"]
    assert len(city.outcomes) == 2_000 + n_rej["outcomes.csv"]
    assert {c.name for c in SEEKER_COLUMNS} <= set(city.seekers.columns)
    required_v = {c.name for c in VACANCY_COLUMNS} - {"wage_min", "wage_max", "age_requirement"}
    assert required_v <= set(city.vacancies.columns)
    assert list(city.outcomes.columns) == ["seeker_id", "vacancy_id", "date", "outcome"]
    for frame in (city.seekers, city.vacancies, city.outcomes):  # raw text cells only
        assert all(isinstance(v, str) for v in frame.to_numpy().ravel())
    clean = _clean(city.seekers, planted, "seekers.csv")
    assert clean["seeker_id"].is_unique and (clean["seeker_id"] != "").all()


def test_group_shares(city):
    truth = city.seeker_truth
    shares = truth["group"].value_counts(normalize=True)
    for group, share in GROUP_SHARES.items():
        assert shares[group] == pytest.approx(share, abs=0.002)
    for flag, share in (("zero_employment_family", 0.03), ("disabled", 0.02), ("veteran", 0.02)):
        assert truth[flag].mean() == pytest.approx(share, abs=0.002)
    # the 4045 group is women 40+ / men 50+, and hardly anyone else qualifies by gender, age and registration
    g = truth[truth["is_4045"]]
    assert ((g["female"] & (g["age"] >= 40)) | (~g["female"] & (g["age"] >= 50))).all()
    assert 0.15 <= truth["qualifies_4045"].mean() <= 0.20
    # the cells say so too: 4045 people are registered, and most declare it
    seekers = _clean(city.seekers, city.planted_rejects, "seekers.csv")
    seekers = seekers[seekers["seeker_id"].isin(g["seeker_id"])]
    assert (seekers["registered_on"] != "").all()
    declared = seekers["priority_groups"].str.contains("4045")
    assert 0.6 < declared.mean() < 0.9  # some qualify without saying so


def test_rural_migrant_education_matches_survey(city):
    ids = city.seeker_truth.loc[city.seeker_truth["rural_migrant"], "seeker_id"]
    seekers = _clean(city.seekers, city.planted_rejects, "seekers.csv")
    rows = seekers[seekers["seeker_id"].isin(ids)]
    levels = rows["education"].map(SPELLING_TO_LEVEL).dropna()  # as written in the cells
    assert len(levels) > 0.9 * len(ids)
    assert (levels <= 1).mean() == pytest.approx(0.9582, abs=0.012)  # junior middle or less
    assert (levels >= 3).mean() == pytest.approx(0.0038, abs=0.003)  # college or more
    hukou = rows["hukou"][rows["hukou"] != ""]
    assert hukou.isin(["农村", "rural", "农村户口", "农业"]).all()
    # and nobody else is rural
    others = seekers[~seekers["seeker_id"].isin(ids) & (seekers["hukou"] != "")]
    assert not others["hukou"].isin(["农村", "rural", "农村户口", "农业"]).any()


def test_cells_use_varied_real_world_spellings(city):
    s, v = city.seekers, city.vacancies
    wages = s["expected_wage"]
    assert (wages == "面议").any() and wages.str.contains("千以上").any() and wages.str.fullmatch(r"[\d.]+K").any()
    assert wages.str.contains("[０-９]").any()
    vw = v["wage"]
    for pattern in (r"元/月$", r"^[\d.]+千-[\d.]+千$", r"^[\d.]+K-[\d.]+K$", r"元/天$", r"^年薪[\d.]+万$", r"^面议$",
                    r"^底薪\d+\+提成$", r"[０-９]"):
        assert vw.str.contains(pattern).any(), pattern
    assert {"初中", "初级中学", "中专", "职高", "技校", "高中", "大专", "专科", "高职", "本科", "大学本科", "研究生",
            "high school"} <= set(s["education"])
    assert set(s["accepts_shift_work"]) >= {"是", "否", "Y", "N", "1", "0", "接受"}
    assert s["priority_groups"].str.contains("4045人员").any()
    assert s["priority_groups"].str.contains("rural_migrant").any()
    assert s["district"].isin(["东区", "攀枝花市东区", "仁和", "米易县"]).sum() > 0
    assert s["district"].str.contains("会理|华坪").any()
    assert s["experience"].str.contains(r"^[^:：;；]+[:：]\d+", regex=True).any()
    assert s["registered_on"].str.contains("年").any() and s["registered_on"].str.contains("/").any()
    ids = s["id_number"][s["id_number"] != ""]
    assert ids.str.fullmatch(r"510400\d{11}[\dX]").all()
    phones = s["phone"][s["phone"] != ""]
    assert phones.str.fullmatch(r"1[3-9]\d{9}").all()


def test_vacancies_look_like_the_city(city):
    v = city.vacancy_truth
    assert set(v["district"]) == set(DISTRICTS)
    assert v["public_welfare"].mean() == pytest.approx(0.05, abs=0.005)
    assert 0.03 <= v["gender_restricted"].mean() <= 0.07
    assert 0.05 <= v["expired"].mean() <= 0.4
    assert (v["true_wage_min"] >= MIN_WAGE).all() and (v["true_wage_max"] <= 15_000).all()
    sectors = v["sector"].value_counts(normalize=True)
    for sector in ("steel", "mining", "chemicals", "construction", "transport", "services", "care", "agriculture",
                   "ecommerce", "office"):
        assert sectors.get(sector, 0) > 0.01, sector
    welfare = v[v["public_welfare"]]
    assert set(welfare["trade"]) <= {t.key for t in load_trades() if t.welfare}
    raw = city.vacancies
    assert raw["title"].str.contains("急招电焊工（包吃住）", regex=False).any()
    assert raw["title"].str.contains("保洁阿姨").any()
    assert raw["gender_requirement"].isin(["限男", "女"]).any()
    openings = pd.to_numeric(raw["openings"], errors="coerce").dropna()
    assert openings.between(1, 20).all() and openings.median() <= 2


def test_vacancy_codes_are_real_and_written_for_about_half(city):
    codes = set(detailed_occupations()["code"])
    assert {t.csco for t in load_trades()} <= codes
    clean = _clean(city.vacancies, city.planted_rejects, "vacancies.csv")
    written = clean["csco_code"][clean["csco_code"] != ""]
    assert written.isin(codes).all()
    assert 0.4 < len(written) / len(clean) < 0.6
    # a written code is the code of the post's trade
    truth = city.vacancy_truth.set_index("vacancy_id")["csco_code"]
    first = clean.drop_duplicates("vacancy_id")
    first = first[first["csco_code"] != ""]
    assert (first["csco_code"].to_numpy() == truth.loc[first["vacancy_id"]].to_numpy()).all()


def test_outcomes_reference_existing_ids_and_favour_good_fits(city):
    o = _clean(city.outcomes, city.planted_rejects, "outcomes.csv")
    assert o["seeker_id"].isin(city.seeker_truth["seeker_id"]).all()
    assert o["vacancy_id"].isin(city.vacancy_truth["vacancy_id"]).all()
    assert not o.duplicated(["seeker_id", "vacancy_id"]).any()
    english = o["outcome"][o["outcome"].str.fullmatch(r"[a-z]+")]
    assert set(english) == {"referred", "interviewed", "hired", "rejected", "declined"}
    s = city.seeker_truth.set_index("seeker_id")
    v = city.vacancy_truth.set_index("vacancy_id")
    same_trade = s.loc[o["seeker_id"], "desired_trade"].to_numpy() == v.loc[o["vacancy_id"], "trade"].to_numpy()
    assert same_trade.mean() > 0.5  # staff refer to fitting posts far more than chance
    hired = o["outcome"].isin(["hired", "录用", "已录用"]).to_numpy()
    assert hired[same_trade].mean() > hired[~same_trade].mean()


def test_planted_rows_are_where_the_list_says(city):
    planted = city.planted_rejects
    frames = {"seekers.csv": city.seekers, "vacancies.csv": city.vacancies, "outcomes.csv": city.outcomes}
    reasons = {(p["file"], p["reason"]) for p in planted}
    seeker_reasons = ("missing_id", "duplicate_id", "bad_birth_date", "bad_expected_wage")
    assert {("seekers.csv", r) for r in seeker_reasons} <= reasons
    assert {("vacancies.csv", r) for r in ("missing_id", "duplicate_id", "empty_title")} <= reasons
    assert ("outcomes.csv", "unknown_seeker") in reasons
    for file in frames:
        assert sum(p["file"] == file and p["kind"] == "reject" for p in planted) >= 3
    for p in planted:
        row = frames[p["file"]].iloc[p["row"] - 2]
        assert row[p["column"]] == p["value"], p
        id_col = "seeker_id" if p["file"] == "seekers.csv" else "vacancy_id"
        if p["reason"] == "missing_id":
            assert row[id_col] == "" and p["id"] is None
        elif p["reason"] == "duplicate_id":
            first = frames[p["file"]].index[frames[p["file"]][id_col] == p["id"]][0]
            assert first < p["row"] - 2  # the first copy comes earlier; the planted one is the second
        elif p["reason"] == "empty_title":
            assert row["title"] == ""
        elif p["reason"] == "unknown_seeker":
            assert p["id"] not in set(city.seeker_truth["seeker_id"])
        elif p["reason"] == "bad_birth_date":
            assert pd.isna(pd.to_datetime(row["birth_date"], errors="coerce", format="%Y-%m-%d"))
            assert row["age"] == ""
        elif p["reason"] == "unknown_education":
            assert row["education"] in UNKNOWN_EDUCATION
        assert p["kind"] == ("warning" if p["reason"].startswith(("bad_", "unknown_e")) else "reject")


def test_clean_city_plants_nothing():
    c = generate_city(1_000, 300, seed=2, dirty=False)
    assert c.planted_rejects == []
    assert len(c.seekers) == 1_000 and len(c.vacancies) == 300 and len(c.outcomes) == 100
    assert c.seekers["seeker_id"].is_unique and (c.vacancies["title"] != "").all()
    assert not c.seekers["education"].isin(UNKNOWN_EDUCATION).any()


def test_gb18030_copy_has_chinese_headers(small_files):
    c, paths = small_files
    data = paths["seekers_gb18030"].read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    text = data.decode("gb18030")
    header = next(csv.reader(io.StringIO(text)))
    assert header[:3] == ["求职者编号", "姓名", "身份证号"]
    assert header == [next(col.zh[0] for col in SEEKER_COLUMNS if col.name == name) for name in c.seekers.columns]
    copy = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    assert len(copy) == len(c.seekers)
    assert copy.iloc[:, 0].tolist() == c.seekers["seeker_id"].tolist()
    main = pd.read_csv(paths["seekers"], dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert list(main.columns) == list(c.seekers.columns)
    assert main.equals(c.seekers)  # the frame holds exactly the cells written


def test_cli_writes_the_files(tmp_path):
    result = CliRunner().invoke(generate_command, ["--seekers", "300", "--vacancies", "100", "--seed", "1",
                                                   "--out", str(tmp_path), "--outcomes", "40"])
    assert result.exit_code == 0, result.output
    for name in ("seekers.csv", "vacancies.csv", "outcomes.csv", "seekers_gb18030.csv", "planted_rows.csv"):
        assert (tmp_path / name).exists()
    outcomes = pd.read_csv(tmp_path / "outcomes.csv", dtype=str)
    assert len(outcomes) == 40 + 3  # three planted unknown references
    clean = CliRunner().invoke(generate_command, ["--seekers", "300", "--vacancies", "100", "--out",
                                                  str(tmp_path / "c"), "--clean"])
    assert clean.exit_code == 0 and "Planted 0 reject rows" in clean.output
    bad = CliRunner().invoke(generate_command, ["--seekers", "-5", "--vacancies", "1", "--out", str(tmp_path)])
    assert bad.exit_code != 0


def test_bad_arguments_raise_settings_error():
    with pytest.raises(SettingsError, match="n_seekers"):
        generate_city(-1, 10)
    with pytest.raises(SettingsError, match="n_outcomes"):
        generate_city(10, 10, n_outcomes=-3)


def test_tiny_and_empty_cities_work():
    c = generate_city(0, 0, seed=1)
    assert len(c.seekers) == 0 and len(c.vacancies) == 0 and len(c.outcomes) == 0
    c = generate_city(5, 3, seed=1)
    assert len(c.outcomes) <= 5


def test_large_city_is_written(city, tmp_path):
    """20,000 x 4,000 (the module fixture) generates and writes; the timing is in benchmarks, not here."""
    assert len(city.seeker_truth) == 20_000 and len(city.vacancy_truth) == 4_000
    paths = write_city(city, tmp_path)
    assert paths["seekers"].stat().st_size > 1_000_000
