"""Cleaning rules for job titles (matcher.occupations.titles.clean_title)."""
from __future__ import annotations

import pytest

from matcher.occupations.titles import clean_title


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("抖音快手运营（郓城）", "抖音快手运营"),  # location in full-width brackets
        ("机电设计师(中山)", "机电设计师"),  # location in ASCII brackets
        ("抖音房产分析师/选房师+提成70% 月入3万", "抖音房产分析师 选房师"),  # pay promise
        ("电话销售9K+五险一金+8小时双休", "电话销售"),
        ("高薪美甲师6000-12000", "美甲师"),  # 高薪 and pay range
        ("外贸业务员 8k-12k", "外贸业务员"),
        ("渠道销售 底薪+提成", "渠道销售"),
        ("招生顾问双休不加班", "招生顾问"),  # 招生 is kept, 双休/不加班 go
        ("高薪诚聘服务员包吃住", "服务员"),
        ("日薪179-190元直招分拣员", "分拣员"),
        ("新乡西大街急招【人事专员】 五险+包住宿", "人事专员"),  # title inside brackets after 急招
        ("【急招】保洁员", "保洁员"),
        ("星巴克招聘咖啡师", "咖啡师"),  # <company>招聘<title>
        ("湖南振泰实业有限公司招聘焊工", "焊工"),
        ("海南交投保险代理有限公司业务部副经理", "业务部副经理"),  # company-name fragment
        ("🔥🔥保安员🔥", "保安员"),  # emojis
        ("智能硬件工程师(J10623)", "智能硬件工程师"),  # reference number
        ("叉车司机2", "叉车司机"),  # trailing digits
        ("高级Java开发工程师（北京出差）", "高级java开发工程师"),  # English kept, lower-cased
        ("Senior Welder", "senior welder"),
        ("ＣＮＣ操作工", "cnc操作工"),  # NFKC full-width Latin
        ("招聘专员/主管", "招聘专员 主管"),  # 招聘专员 is an occupation, not a shout
        ("C1司机", "c1司机"),  # licence class is not pay
        ("母婴公司招月嫂20-55岁", "招月嫂"),  # age window removed
        # a recruiting shout inside the brackets must not cut the title before it
        ("汽车金融客户经理（全国多地急招/业务量大/政策好）", "汽车金融客户经理"),
        ("阜阳五险市场BD经理单双休", "阜阳 市场bd经理"),  # 单双休 goes whole, not as 单 + 双休
        ("株洲希尔顿高底薪免费住宿实习生", "株洲希尔顿 实习生"),  # 高底薪, 免费住宿
        ("海底捞招聘服务员可以就近安排包吃住包水电", "服务员"),
    ],
)
def test_cleaning_rules(raw: str, clean: str) -> None:
    assert clean_title(raw) == clean


@pytest.mark.parametrize("raw", ["急招", "高薪诚聘", "双休 五险一金", "（郓城）"])
def test_never_empty_when_input_has_text(raw: str) -> None:
    out = clean_title(raw)
    assert out, f"{raw!r} cleaned to an empty string"


@pytest.mark.parametrize("raw", ["", "   ", "🔥🔥", "12345", None, float("nan")])
def test_no_meaningful_text_gives_empty(raw: object) -> None:
    assert clean_title(raw) == ""  # type: ignore[arg-type]


def test_idempotent_on_clean_titles() -> None:
    for raw in ["焊工", "养老护理员", "中式烹调师", "会计", "data analyst"]:
        assert clean_title(raw) == raw
        assert clean_title(clean_title(raw)) == clean_title(raw)
