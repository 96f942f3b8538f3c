"""Permits are permits, and honest wages: hand-built pairs through the core and the renderer.

Permits: a certificate a post requires (``certificates_required``, or a
required item naming a certificate) is satisfied only by a certificate the
seeker holds, never by a skill, however similar the texts; a special-operation
permit only by a certificate of the same category (a covering class for
driving licences). A missing permit is a ``permit_missing`` blocker record
carrying the course that leads to it.

Wages: the expectation is compared with the offer at ``wage.basis`` (default
the bottom of the range); wage records carry the range and the expectation,
rendered without overstating either end.
"""
from __future__ import annotations

import pytest

from core_factories import COURSES, SYNONYMS, FakeSkillNormaliser, make_matcher, seeker, vacancy
from matcher.core import MatchSettings
from matcher.core.certificates import driving_class, names_certificate, permit_category, permit_satisfied
from matcher.errors import SettingsError
from matcher.io.settings import read_settings
from matcher.render.reasons import render_reason, render_reasons, wage_comparison, yuan_range


class PermitNormaliser(FakeSkillNormaliser):
    """The fake normaliser, told that some skills and certificates are the same canonical skill — the
    text similarity that used to let the skill 低压电 stand for the permit 低压电工作业证."""

    EXTRA = {"低压电": "S_LV", "低压电工作业证": "S_LV", "电工(四级)": "S_LV", "会计证": "S_ACC",
             "B2驾驶证": "S_DRIVE", "C1驾驶证": "S_DRIVE", "A2驾驶证": "S_DRIVE", "开大车": "S_DRIVE"}
    COURSES = {"S_LV": "低压电工作业培训", "S_DRIVE": "驾驶员培训"}

    def _id(self, text: str) -> str | None:
        return self.EXTRA.get(text.strip()) or SYNONYMS.get(text.strip())

    def courses_for(self, skill_ids: list[str]) -> list[str]:
        return [self.COURSES.get(s) or COURSES[s] for s in skill_ids if s in self.COURSES or s in COURSES]


def _market(settings: dict | None = None):
    seekers = [
        seeker("S_SKILL", skills=["低压电", "电工"]),                # the skill only: never the permit
        seeker("S_CERT", certificates=["电工证"]),                    # an electrician's permit (same category)
        seeker("S_LEVEL", certificates=["电工(四级)"]),               # a vocational level: not the legal permit
        seeker("S_WROTE", skills=["低压电工作业证"]),                 # a certificate written under skills
        seeker("S_ACC_SKILL", skills=["会计"]),
        seeker("S_ACC_CERT", certificates=["会计"]),                  # same text, listed as a certificate
        seeker("S_A2", certificates=["A2驾驶证"]),
        seeker("S_C1", certificates=["C1驾驶证"], skills=["开大车"]),
    ]
    vacancies = [
        vacancy("V_ELEC", title="电工", required_skills=["电工"], certificates_required=["低压电工作业证"]),
        vacancy("V_ACC", title="会计", certificates_required=["会计证"]),
        vacancy("V_TRUCK", title="货车司机", certificates_required=["B2驾驶证"]),
    ]
    return make_matcher(seekers, vacancies, settings, skill_normaliser=PermitNormaliser())


@pytest.fixture(scope="module")
def permits():
    return _market()


def _codes(m, key: str) -> list[str]:
    return [r["code"] for r in m.reasons[key]]


def _blocker(m) -> dict | None:
    return next((r for r in m.reasons["gaps"] if r["code"] == "permit_missing"), None)


def test_text_rules_tell_certificates_from_skills():
    assert names_certificate("低压电工作业证") and names_certificate("特种作业操作证(焊接与热切割)")
    assert names_certificate("焊工(四级)") and names_certificate("C1驾驶证") and names_certificate("中级会计职称")
    assert not names_certificate("低压电工作业") and not names_certificate("电工") and not names_certificate("保证质量")
    assert names_certificate("forklift licence") and names_certificate("First Aid Certificate")
    assert not names_certificate("apply for permits") and not names_certificate("manage licences")
    assert permit_category("特种设备作业人员证(叉车)") == permit_category("叉车证") == "forklift"
    assert permit_category("叉车操作") is None                       # a skill has no permit category
    assert permit_category("电工(四级)") is None                       # a level is not the special-operation permit
    assert driving_class("B2驾驶证") == "B2" and driving_class("驾驶证") is None
    assert permit_satisfied("A2驾驶证", "B2驾驶证") is True            # A2 also allows B2
    assert permit_satisfied("C1驾驶证", "B2驾驶证") is False
    assert permit_satisfied("拖拉机驾驶证", "C1驾驶证") is False
    assert permit_satisfied("电工证", "低压电工作业证") is True
    assert permit_satisfied("焊工证", "低压电工作业证") is False
    assert permit_satisfied("会计证", "健康证") is None                 # no category: the text similarity decides


def test_a_skill_never_satisfies_a_permit(permits):
    m = permits.explain("S_SKILL", "V_ELEC")
    assert [x["required"] for x in m.matched_skills] == ["电工"]      # the skill still covers the skill item
    assert "低压电工作业证" not in str(m.reasons["fits"])              # no "技能对口：低压电工作业证"
    b = _blocker(m)
    assert b == {"code": "permit_missing", "severity": "blocker", "permit": "低压电工作业证",
                 "course": "低压电工作业培训"}
    assert "skill_missing" not in _codes(m, "gaps")                   # the permit is not also a missing skill
    zh, en = render_reasons(m.reasons, "zh")["gaps"][0], render_reasons(m.reasons, "en")["gaps"][0]
    assert zh == "缺少上岗证书：低压电工作业证（须持证上岗，技能不能代替；培训课程：低压电工作业培训）"
    assert en.startswith("Required certificate missing: 低压电工作业证") and "低压电工作业培训" in en


def test_a_certificate_of_the_same_category_satisfies_it(permits):
    m = permits.explain("S_CERT", "V_ELEC")
    assert _blocker(m) is None
    assert {"required": "低压电工作业证", "matched_by": "电工证"} in [
        {k: x[k] for k in ("required", "matched_by")} for x in m.matched_skills]
    # the permit holder covers the post's certificate; the skill-only seeker does not
    assert permits.explain("S_CERT", "V_ELEC").components["skills"] > 0
    wrote = permits.explain("S_WROTE", "V_ELEC")                        # a certificate written under skills counts
    assert _blocker(wrote) is None


def test_a_vocational_level_is_not_the_legal_permit(permits):
    m = permits.explain("S_LEVEL", "V_ELEC")                          # text similarity 1, category differs
    assert _blocker(m)["permit"] == "低压电工作业证"
    assert not [x for x in m.matched_skills if x["required"] == "低压电工作业证"]


def test_same_text_as_skill_or_as_certificate(permits):
    skill, cert = permits.explain("S_ACC_SKILL", "V_ACC"), permits.explain("S_ACC_CERT", "V_ACC")
    assert _blocker(skill)["permit"] == "会计证" and _blocker(cert) is None
    assert cert.components["skills"] > skill.components["skills"]
    assert skill.components["skills"] == 0.0


def test_driving_licence_classes(permits):
    assert _blocker(permits.explain("S_A2", "V_TRUCK")) is None
    c1 = permits.explain("S_C1", "V_TRUCK")                            # C1 and the skill 开大车: not a B2 licence
    assert _blocker(c1)["permit"] == "B2驾驶证" and _blocker(c1)["course"] == "驾驶员培训"


def test_blocker_shows_whatever_the_skills_verdict(permits):
    m = permits.explain("S_SKILL", "V_ELEC")
    assert "skills" not in m.verdicts["fit"] or _blocker(m) is not None
    for sid in ("S_SKILL", "S_LEVEL", "S_C1"):
        for vid in ("V_ELEC", "V_ACC", "V_TRUCK"):
            mm = permits.explain(sid, vid)
            assert all(r.get("severity") == "blocker" for r in mm.reasons["gaps"] if r["code"] == "permit_missing")


def test_for_seeker_and_explain_agree_on_blockers(permits):
    listed = {m.vacancy_id: m for m in permits.for_seeker("S_SKILL", 10)}
    for vid, m in listed.items():
        assert m.reasons == permits.explain("S_SKILL", vid).reasons


# ------------------------------------------------------------------- wages
def _wage_market(basis: str | None = None):
    st = {"wage": {"basis": basis}} if basis else None
    seekers = [seeker("S4000", expected_wage_min=4000.0, expected_wage_max=4000.0)]
    vacancies = [vacancy("V_PIECE", wage_min=2900.0, wage_max=6000.0),     # piece rate: few reach the top
                 vacancy("V_FLAT", wage_min=4000.0, wage_max=4200.0),
                 vacancy("V_LOW", wage_min=1500.0, wage_max=2000.0),
                 vacancy("V_LOWTOP", wage_min=1500.0, wage_max=2500.0),
                 vacancy("V_ONE", wage_min=4500.0)]
    return make_matcher(seekers, vacancies, st)


def _wage_record(m) -> dict:
    return next(r for key in ("fits", "gaps") for r in m.reasons[key] if r.get("dim") == "wage")


def test_default_basis_is_the_bottom_of_the_range():
    assert MatchSettings().wage.basis == "bottom"
    m = _wage_market().explain("S4000", "V_PIECE")
    assert m.wage["status"] == "below" and m.wage["gap"] == -1100 and m.wage["offered"] == 2900
    rec = _wage_record(m)
    assert rec["code"] in ("wage_below", "wage_close") and rec["gap_yuan"] == 1100
    assert (rec["offered_min"], rec["offered_max"], rec["expected"], rec["basis"]) == (2900, 6000, 4000, "bottom")
    assert render_reason(rec, "zh") == "薪资 2,900–6,000（期望 4,000）：底薪低 1,100，上限高 2,000"
    assert render_reason(rec, "en") == "Pay 2,900–6,000 vs expected 4,000: base 1,100 below, top 2,000 above"


def test_the_basis_setting_changes_what_is_compared():
    top = _wage_market("top")
    mid = _wage_market("middle")
    bottom = _wage_market("bottom")
    assert top.explain("S4000", "V_PIECE").wage["status"] == "meets"          # 6,000 >= 4,000: the old, rosy view
    assert mid.explain("S4000", "V_PIECE").wage["offered"] == 4450
    assert bottom.explain("S4000", "V_PIECE").components["wage"] < bottom.explain("S4000", "V_FLAT").components["wage"]
    assert top.explain("S4000", "V_PIECE").components["wage"] == top.explain("S4000", "V_FLAT").components["wage"] == 1
    # a post stating one end only offers that end, whatever the basis
    for mk in (top, mid, bottom):
        assert mk.explain("S4000", "V_ONE").wage["offered"] == 4500


def test_minimum_wage_flag_still_reads_the_top():
    mk = _wage_market()
    assert mk.explain("S4000", "V_LOW").wage["below_minimum"] is True          # 2,000 < 2,100
    assert mk.explain("S4000", "V_LOWTOP").wage["below_minimum"] is False      # top 2,500 >= 2,100


@pytest.mark.parametrize("bad", ["max", "", 1, None])
def test_basis_is_validated(bad):
    with pytest.raises(SettingsError, match="wage.basis"):
        MatchSettings.from_dict({"wage": {"basis": bad}})
    with pytest.raises(SettingsError, match="wage.basis"):
        read_settings('{"wage": {"basis": %s}}' % ("null" if bad is None else repr(bad).replace("'", '"')))


def test_one_number_shows_once():
    assert yuan_range(4000, 4000) == "4,000" and yuan_range(None, 5000) == "5,000" and yuan_range(4000, None) == "4,000"
    assert yuan_range(2900, 6000) == "2,900–6,000" and yuan_range(None, None) == "?"
    rec = {"code": "wage_below", "dim": "wage", "gap_yuan": 500, "offered_min": 4000, "offered_max": 4000,
           "expected": 4500}
    assert render_reason(rec, "zh") == "薪资 4,000（期望 4,500）：低 500"
    assert render_reason(rec, "en") == "Pay 4,000 vs expected 4,500: 500 below"
    assert wage_comparison({"offered_min": 4000, "offered_max": 5000, "expected": 4000}, "zh") == \
        "4,000–5,000（期望 4,000）：底薪持平，上限高 1,000"
    # an older record without the range still renders as before
    assert render_reason({"code": "wage_below", "dim": "wage", "gap_yuan": 520}, "en") == \
        "Pay 520 yuan/month below the expectation"


def test_blockers_render_first_with_their_severity(permits):
    from matcher.render.reasons import render_reason_items

    m = permits.explain("S_LEVEL", "V_ELEC")
    reasons = {**m.reasons, "gaps": [{"code": "no_insurance", "dim": "conditions"}] + m.reasons["gaps"]}
    items = render_reason_items(reasons, "zh")["gaps"]
    assert items[0]["severity"] == "blocker" and items[0]["code"] == "permit_missing"
    assert items[0]["text"].startswith("缺少上岗证书：低压电工作业证")
    assert [x["code"] for x in items[1:]][0] == "no_insurance" and items[1]["severity"] is None
    assert render_reasons(reasons, "en")["gaps"][0].startswith("Required certificate missing")


# ------------------------------------------------------------------ permits written in the post's text
def test_required_certificates_read_from_text():
    from matcher.core.certificates import posted_certificates, required_certificates_in_text as req
    assert req("须持低压电工作业证上岗。包吃住") == ["低压电工作业证"]
    assert req("要求持有特种作业操作证(焊接与热切割)，有经验者优先") == ["特种作业操作证(焊接与热切割)"]
    assert req("需持有电工证和高处作业证") == ["电工证", "高处作业证"]
    assert req("持C1驾驶证上岗；") == ["C1驾驶证"]
    # preferred, not required; no certificate named; a skill, not a certificate
    assert req("持叉车证者优先") == [] and req("有叉车证优先") == [] and req("须持证上岗") == []
    assert req("须具备焊接技能") == [] and req("") == [] and req(None) == []
    # alternatives stay one requirement only when both name the same permit category
    assert req("须持焊工证或焊接与热切割作业证上岗") == ["焊工证或焊接与热切割作业证"]
    assert req("须持电工证或叉车证上岗") == []
    assert posted_certificates(["低压电工作业证"], "须持低压电工作业证上岗") == ["低压电工作业证"]
    assert posted_certificates([], "须持低压电工作业证上岗") == ["低压电工作业证"]


def test_permit_in_the_description_only_is_a_blocker_for_a_skill():
    """The issue's case with the requirement written only in the post's text: the skill 低压电 does not
    satisfy it, an electrician's certificate does; the blocker names the permit."""
    seekers = [seeker("S_SKILL", skills=["低压电", "电工"]), seeker("S_CERT", certificates=["电工证"])]
    vacancies = [vacancy("V_ELEC", title="电工", required_skills=["电工"],
                         description="负责厂区配电维护，须持低压电工作业证上岗。")]
    m = make_matcher(seekers, vacancies, None, skill_normaliser=PermitNormaliser())
    skill = m.explain("S_SKILL", "V_ELEC")
    cert = m.explain("S_CERT", "V_ELEC")
    assert _blocker(skill) is not None and _blocker(skill)["permit"] == "低压电工作业证"
    assert _blocker(cert) is None
    assert cert.score > skill.score
