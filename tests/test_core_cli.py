"""``matcher match`` on small files, with the light collaborators patched in (fast)."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from core_factories import FakeCoder, FakeProximity, FakeSkillNormaliser, district_relation
from matcher.commands.match import command
from matcher.core.features import Resources
from matcher.core.matcher import Matcher

SEEKERS = """求职者编号,姓名,性别,年龄,所在区县,学历,技能,证书,工作经历,期望薪资,接受倒班,重点群体
S1,张三,男,52,东区,初中,会电焊,焊工证(中级),炼钢工:20;电焊工:3,3500,是,4045人员
S2,李四,女,24,西区,大专,开叉车,叉车证,叉车司机:2,4000-5000,否,
"""
VACANCIES = """岗位编号,岗位名称,技能要求,学历要求,薪资,工作地点,倒班,包吃住,五险,性别要求
V1,电焊工,焊接;读图,初中,4000-6000元/月,东区,是,否,是,限男性
V2,叉车司机,叉车驾驶,高中,面议,仁和区,否,是,是,
"""


@pytest.fixture()
def files(tmp_path, monkeypatch):
    (tmp_path / "s.csv").write_text(SEEKERS, encoding="utf-8")
    (tmp_path / "v.csv").write_text(VACANCIES, encoding="utf-8")
    monkeypatch.setattr(Matcher, "_resources", lambda self, s, v: Resources(
        FakeSkillNormaliser(), FakeCoder(), FakeProximity(), district_relation))
    return ["--seekers", str(tmp_path / "s.csv"), "--vacancies", str(tmp_path / "v.csv")]


def test_table_for_a_seeker(files):
    res = CliRunner().invoke(command, files + ["--seeker", "S1", "-k", "2"])
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    first = next(l for l in lines if l.strip().startswith("1 "))
    assert "V1" in first and "电焊工" in first
    assert "技能对口：焊接（会电焊）" in res.output and "张三" not in res.output
    assert "性别要求" in res.output


def test_json_for_a_vacancy(files):
    res = CliRunner().invoke(command, files + ["--vacancy", "V1", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert [d["other_id"] for d in data] == ["S1", "S2"] and [d["rank"] for d in data] == [1, 2]
    for d in data:
        assert sum(d["contributions"].values()) == pytest.approx(d["score"], abs=1e-12)
        assert {"matched_skills", "missing_skills", "education", "wage", "flags", "reasons"} <= set(d)


def test_settings_option_and_errors(files):
    res = CliRunner().invoke(command, files + ["--seeker", "S2", "--json", "--settings", '{"top_k": 1}', "-k", "1"])
    assert res.exit_code == 0 and len(json.loads(res.output)) == 1
    bad = CliRunner().invoke(command, files + ["--seeker", "nobody"])
    assert bad.exit_code != 0 and "Unknown seeker_id 'nobody'" in bad.output
    both = CliRunner().invoke(command, files + ["--seeker", "S1", "--vacancy", "V1"])
    assert both.exit_code != 0 and "exactly one" in both.output
