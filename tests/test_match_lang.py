"""``matcher match --lang en|zh``: the text table renders the reason records; --json keeps the codes."""
from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from core_factories import FakeCoder, FakeProximity, FakeSkillNormaliser, district_relation
from matcher.commands.match import command
from matcher.core.features import Resources
from matcher.core.matcher import Matcher
from matcher.core.reasons import CODES

SEEKERS = """求职者编号,姓名,性别,年龄,所在区县,学历,技能,证书,工作经历,期望薪资,接受倒班,重点群体
S1,张三,男,52,东区,初中,会电焊,焊工证(中级),炼钢工:20;电焊工:3,3500,否,4045人员
"""
VACANCIES = """岗位编号,岗位名称,技能要求,学历要求,薪资,工作地点,倒班,包吃住,五险,性别要求
V1,电焊工,焊接;读图,高中,3000-3200元/月,西区,是,否,否,
V2,叉车司机,叉车驾驶,大专,面议,盐边县,否,是,是,
"""
DATA = ("电焊工", "叉车司机", "会电焊", "焊接", "读图", "叉车驾驶", "机械识图培训", "焊工培训", "叉车司机培训")


@pytest.fixture()
def files(tmp_path, monkeypatch):
    (tmp_path / "s.csv").write_text(SEEKERS, encoding="utf-8")
    (tmp_path / "v.csv").write_text(VACANCIES, encoding="utf-8")
    monkeypatch.setattr(Matcher, "_resources", lambda self, s, v: Resources(
        FakeSkillNormaliser(), FakeCoder(), FakeProximity(), district_relation))
    return ["--seekers", str(tmp_path / "s.csv"), "--vacancies", str(tmp_path / "v.csv"), "--seeker", "S1"]


def test_english_table_reads_as_english(files):
    res = CliRunner().invoke(command, files + ["--lang", "en"])
    assert res.exit_code == 0, res.output
    table = res.output[res.output.index("\n") + 1:]   # the heading line belongs to the command, not the table
    assert "gaps: " in table and "Pay " in table
    for line in table.splitlines():
        rest = line
        for item in sorted(DATA, key=len, reverse=True):
            rest = rest.replace(item, "")
        assert not re.search(r"[\u3400-\u9fff\uff00-\uffef]", rest), line


def test_chinese_table_and_json_codes(files):
    zh = CliRunner().invoke(command, files)
    assert zh.exit_code == 0 and "差距：" in zh.output and "岗位需倒班，本人不接受倒班" in zh.output
    js = CliRunner().invoke(command, files + ["--json", "--lang", "en"])
    data = json.loads(js.output)
    codes = [r["code"] for d in data for k in ("fits", "gaps", "fixes") for r in d["reasons"][k]]
    assert codes and set(codes) <= set(CODES) and "shift_conflict" in codes
    assert all("verdicts" in d for d in data)
