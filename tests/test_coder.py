"""Occupation coder: hand-checked title -> CSCO 2022 code cases and estimator behaviour."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from matcher.errors import InputFileError, NotFittedError
from matcher.occupations.coder import OccupationCoder, default_coder, fit_temperature
from matcher.occupations.taxonomy import load_taxonomy


@pytest.fixture(scope="module")
def coder() -> OccupationCoder:
    return default_coder()


@pytest.fixture(scope="module")
def taxonomy_only() -> OccupationCoder:
    return OccupationCoder().fit(None)


# Hand-checked against csco22.csv: the code an employment-service clerk would choose.
TOP1 = [
    ("电焊工", "6-18-02-04"),  # 焊工
    ("氩弧焊工", "6-18-02-04"),  # 焊工
    ("叉车司机", "6-30-05-01"),  # 起重装卸机械操作工 (forklifts are lifting/handling machinery)
    ("保安", "4-07-05-01"),  # 保安员
    ("小区保安 包吃住", "4-07-05-01"),
    ("保洁员", "4-09-08-01"),  # 保洁员
    ("育婴员", "4-10-01-03"),  # 保育师 (育婴员 was merged into 保育师 in 2022)
    ("养老护理员", "4-10-01-05"),
    ("中式烹调师", "4-03-02-01"),
    ("厨师", "4-03-02-01"),  # 中式烹调师
    ("中式面点师", "4-03-02-02"),
    ("炼钢工", "6-17-02-02"),
    ("高炉炼铁工", "6-17-01-06"),
    ("收银员", "4-01-02-04"),
    ("超市收银（郓城）急招", "4-01-02-04"),
    ("会计", "2-06-03-00"),  # 会计专业人员
    ("电工", "6-31-01-03"),
    ("快递员", "4-02-07-08"),
    ("仓库管理员", "4-02-06-01"),  # 仓储管理员
    ("美发师", "4-10-03-02"),
    ("美容师", "4-10-03-01"),
    ("钢筋工", "6-29-01-04"),
    ("架子工", "6-29-01-05"),
    ("砌筑工", "6-29-01-01"),
    ("餐厅服务员", "4-03-02-05"),
    ("普工", "6-00-00-00"),  # production workers, coded at major-group level
    ("销售经理", "2-06-07-02"),  # 市场营销专业人员
]

TOP3 = [
    ("抖音快手客服 不加班", {"4-04-05-03", "4-01-06-01"}),  # 呼叫中心服务员 / 电子商务师
    ("淘宝客服", {"4-04-05-03", "4-01-06-01"}),
    ("货车司机", {"4-02-02-02"}),  # 道路货运汽车驾驶员
    ("外卖骑手", {"4-10-08-01", "4-02-07-08"}),  # 网约配送员 / 快递员
    ("月嫂", {"4-10-01-06", "4-10-01-03"}),  # 家政服务员 / 保育师
    ("出纳", {"2-06-03-00", "3-01-01-01"}),
    ("维修电工+五险一金", {"6-31-01-03"}),  # 电工 (the former 维修电工 qualification)  # 会计专业人员 / 行政办事员
]


@pytest.mark.parametrize(("title", "code"), TOP1)
def test_hand_checked_top1(coder: OccupationCoder, title: str, code: str) -> None:
    pred = coder.predict([title], k=3)[0]
    assert pred[0][0] == code, f"{title}: expected {code}, got {pred}"


@pytest.mark.parametrize(("title", "codes"), TOP3)
def test_hand_checked_top3(coder: OccupationCoder, title: str, codes: set[str]) -> None:
    pred = [c for c, _ in coder.predict([title], k=3)[0]]
    assert codes & set(pred), f"{title}: expected one of {codes} in the top 3, got {pred}"


def test_taxonomy_only_finds_exact_names(taxonomy_only: OccupationCoder) -> None:
    for title, code in [("焊工", "6-18-02-04"), ("养老护理员", "4-10-01-05"), ("炼钢工", "6-17-02-02")]:
        assert taxonomy_only.predict([title], k=1)[0][0][0] == code
    assert taxonomy_only.n_training_titles_ == 0


def test_unfitted_raises() -> None:
    with pytest.raises(NotFittedError):
        OccupationCoder().predict(["焊工"])
    with pytest.raises(NotFittedError):
        OccupationCoder().predict_frame(["焊工"])


def test_scores_are_calibrated_probabilities(coder: OccupationCoder) -> None:
    titles = ["焊工", "抖音快手客服 不加班", "月入3万", "", "welder", "投标预算员"]
    for pred in coder.predict(titles, k=10):
        assert len(pred) == 10
        scores = np.array([s for _, s in pred])
        assert np.all((scores >= 0) & (scores <= 1))
        assert np.all(np.diff(scores) <= 1e-12), "scores must not increase with rank"
        assert scores.sum() <= 1 + 1e-9
        assert len({c for c, _ in pred}) == 10


def test_deterministic(taxonomy_only: OccupationCoder) -> None:
    titles = ["电焊工", "保安", "收银", "welder"]
    again = OccupationCoder().fit(None)
    assert again.predict(titles, k=5) == taxonomy_only.predict(titles, k=5)
    np.testing.assert_array_equal(again.decision_function(titles), taxonomy_only.decision_function(titles))


def test_english_titles_get_low_scores(coder: OccupationCoder) -> None:
    # The classification is Chinese only: an English title carries little
    # evidence and must come out with a low, flat score that callers can ignore.
    for pred in coder.predict(["senior welder", "software engineer", "nurse"], k=3):
        assert pred[0][1] < 0.2, pred
    assert coder.predict(["电焊工"], k=1)[0][0][1] > 0.5


def test_predict_frame_columns(coder: OccupationCoder) -> None:
    frame = coder.predict_frame(["焊工", "保安员"], k=4)
    assert list(frame.columns) == ["input", "rank", "code", "name", "score"]
    assert len(frame) == 8
    assert frame["rank"].tolist() == [1, 2, 3, 4, 1, 2, 3, 4]
    tax = load_taxonomy().set_index("code")["name"]
    assert all(tax[c] == n for c, n in zip(frame["code"], frame["name"]))


def test_bad_training_data_is_reported() -> None:
    with pytest.raises(InputFileError, match="expected_code"):
        OccupationCoder().fit(pd.DataFrame({"job_name": ["焊工"]}))
    with pytest.raises(InputFileError, match="9-99-99-99"):
        OccupationCoder().fit(pd.DataFrame({"job_name": ["焊工"], "expected_code": ["9-99-99-99"]}))


def test_bad_arguments(coder: OccupationCoder) -> None:
    with pytest.raises(TypeError):
        coder.predict("焊工")
    with pytest.raises(ValueError):
        coder.predict(["焊工"], k=0)
    with pytest.raises(ValueError):
        OccupationCoder(C=0).fit(None)


def test_fit_temperature_prefers_sharper_when_scores_are_right() -> None:
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 20, size=400)
    scores = rng.normal(size=(400, 20))
    scores[np.arange(400), labels] += 3.0  # the right code is clearly ahead
    sharp = fit_temperature(scores, labels)
    scores_noisy = rng.normal(size=(400, 20))
    scores_noisy[np.arange(400), labels] += 0.3
    assert sharp < fit_temperature(scores_noisy, labels)


# ---- the code-titles command -------------------------------------------------
def test_code_titles_command_gb18030_csv(tmp_path) -> None:
    from click.testing import CliRunner

    from matcher.commands.code_titles import command

    src = tmp_path / "titles.csv"
    src.write_bytes("岗位名称,其他\n电焊工,1\n保安（郓城）急招,2\n".encode("gb18030"))
    out = tmp_path / "coded.csv"
    result = CliRunner().invoke(command, ["--in", str(src), "--column", "岗位名称", "--top-k", "3", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for Excel
    table = pd.read_csv(out, encoding="utf-8-sig", dtype={"code": str})
    assert list(table.columns) == ["input", "rank", "code", "name", "score", "confidence", "decision", "source"]
    assert len(table) == 6
    assert set(table["source"]) == {"model"}
    # one decision per input, repeated on each of its rank rows
    assert table.groupby("input")["decision"].nunique().eq(1).all()
    assert set(table["decision"]) <= {"auto", "review"}
    assert "coded automatically" in result.output and "to review" in result.output
    assert table.loc[0, "code"] == "6-18-02-04"
    assert table.loc[3, "code"] == "4-07-05-01"


def test_code_titles_command_learns_the_files_own_codes(tmp_path) -> None:
    """--code-column: coded rows keep their code and teach identical uncoded titles (2+ alike)."""
    from click.testing import CliRunner

    from matcher.commands.code_titles import command

    office = "4-02-05-01"  # the office codes its station porters (小红帽) as 装卸搬运工
    src = tmp_path / "posts.csv"
    src.write_text("title,csco_code\n小红帽（急招）,%s\n小红帽,%s\n小红帽 包住,\n"
                   "单号,%s\n单号 急招,\n电焊工,\n" % (office, office, office), encoding="utf-8")
    out = tmp_path / "coded.csv"
    result = CliRunner().invoke(command, ["--in", str(src), "--column", "title", "--code-column", "csco_code",
                                          "--top-k", "3", "--out", str(out)])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out, encoding="utf-8-sig", dtype={"code": str})
    first = table[table["rank"] == 1].set_index("input")
    assert list(first.loc[["小红帽（急招）", "小红帽"], "source"]) == ["given", "given"]
    assert first.loc["小红帽（急招）", "confidence"] == 1.0
    # two coded copies alike: the uncoded copy takes the office's code, with the measured precision
    assert (first.loc["小红帽 包住", "code"], first.loc["小红帽 包住", "decision"],
            first.loc["小红帽 包住", "source"]) == (office, "auto", "office")
    assert 0.9 <= first.loc["小红帽 包住", "confidence"] < 1.0
    # a single coded copy is not enough (83 % on the development titles): the model decides
    assert first.loc["单号 急招", "source"] == "model"
    assert first.loc["电焊工", "source"] == "model"
    assert "3 carry a code in the file" in result.output and "1 like the office's identical titles" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_text("title,csco_code\n焊工,9-99-99-99\n", encoding="utf-8")
    wrong = CliRunner().invoke(command, ["--in", str(bad), "--column", "title", "--code-column", "csco_code",
                                         "--out", str(out)])
    assert wrong.exit_code != 0 and "9-99-99-99" in wrong.output and "csco_code" in wrong.output
    missing = CliRunner().invoke(command, ["--in", str(bad), "--column", "title", "--code-column", "code",
                                           "--out", str(out)])
    assert missing.exit_code != 0 and "'code' not found" in missing.output


def test_code_titles_command_errors(tmp_path) -> None:
    from click.testing import CliRunner

    from matcher.commands.code_titles import command

    runner = CliRunner()
    missing = runner.invoke(command, ["--in", str(tmp_path / "nope.csv"), "--column", "t", "--out", str(tmp_path / "o.csv")])
    assert missing.exit_code != 0 and "nope.csv" in missing.output
    src = tmp_path / "t.csv"
    src.write_text("title\n焊工\n", encoding="utf-8")
    wrong = runner.invoke(command, ["--in", str(src), "--column", "job", "--out", str(tmp_path / "o.csv")])
    assert wrong.exit_code != 0
    assert "job" in wrong.output and "title" in wrong.output and "t.csv" in wrong.output


def test_the_engine_codes_posts_like_the_posts_the_office_already_coded():
    """The matching core tells the coder the codes its input already carries: a vague title that the
    office coded alike on two posts takes that code on the third, uncoded post (as in the review queue)."""
    import pandas as pd

    from matcher.core.matcher import Matcher
    from matcher.occupations.coder import default_coder

    coder = default_coder()
    title, code = "储备干部", "4-01-02-01"
    assert coder.predict([title], 1)[0][0][0] != code        # the model alone would not say so
    vacancies = pd.DataFrame({"vacancy_id": ["V1", "V2", "V3"], "title": [title] * 3,
                              "csco_code": [code, code, None]})
    seekers = pd.DataFrame({"seeker_id": ["S1"], "desired_titles": [["电焊工"]]})
    m = Matcher(occupation_coder=coder).fit(seekers, vacancies)
    F = m.features_
    lst = list(F.vacancy_code_list)
    assert [lst[i] for i in F.vacancy_code.tolist()] == [code, code, code]
