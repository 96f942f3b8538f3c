"""The words workers use reach the canonical skills (issue 14's examples)."""
from __future__ import annotations

import pytest

from matcher.skills.normaliser import SkillNormaliser


@pytest.fixture(scope="module")
def norm() -> SkillNormaliser:
    return SkillNormaliser().fit()


@pytest.mark.parametrize("text, skill", [
    ("烧电焊", "welding_arc"),          # 焊接
    ("开叉车的", "forklift"),           # 叉车驾驶
    ("看图纸", "blueprint_reading"),    # 识读图纸
    ("管仓库", "warehouse_management"),  # 仓储管理
])
def test_worker_words_reach_canonical_skills(norm, text, skill):
    got = norm.normalise(text)
    assert [m.skill_id for m in got] == [skill]
    assert got[0].score >= 0.9
