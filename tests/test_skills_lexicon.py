"""The packaged skill lexicon and its validation."""
from __future__ import annotations

from pathlib import Path

import pytest

from matcher.errors import SettingsError
from matcher.occupations.taxonomy import load_taxonomy
from matcher.skills.lexicon import COLUMNS, load_lexicon, normalise_key

HEADER = ",".join(COLUMNS)


def _write(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "skills.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8-sig")
    return path


def test_packaged_lexicon_size_and_codes() -> None:
    lex = load_lexicon()
    assert 150 <= len(lex) <= 300
    known = set(load_taxonomy()["code"])
    for sid in lex.ids:
        assert set(lex.occupations[sid]) <= known
        assert lex.curated_occupations[sid] == lex.occupations[sid][: len(lex.curated_occupations[sid])]
    # the trades that matter in the reference city are all there
    for sid in ("welding_arc", "welding_argon", "forklift", "overhead_crane", "steelmaking",
                "ironmaking", "steel_rolling", "continuous_casting", "blasting", "mineral_processing",
                "masonry", "rebar", "driving_truck", "cooking_chinese", "cleaning", "security_guard",
                "elderly_care", "infant_care", "domestic_service", "ecommerce_operation", "fruit_growing"):
        assert sid in lex


def test_related_is_symmetric_and_courses() -> None:
    lex = load_lexicon()
    assert "welding_argon" in lex.related["welding_arc"]
    for sid, others in lex.related.items():
        for other in others:
            assert sid in lex.related[other]
    assert lex.course["forklift"] == "叉车司机"
    assert lex.course["elderly_care"] == "养老护理员"


def test_synonyms_bridge_everyday_and_formal_words() -> None:
    syn = load_lexicon().synonyms
    for everyday, formal, sid in [
        ("会电焊", "焊接作业", "welding_arc"),
        ("开叉车", "叉车操作证", "forklift"),
        ("看大门", "门卫值守", "security_guard"),
        ("带孩子", "婴幼儿照护", "infant_care"),
        ("做饭", "中式烹调", "cooking_chinese"),
        ("开车", "机动车驾驶", "driving_car"),
        ("搬运", "装卸搬运", "warehouse_handling"),
        ("打扫卫生", "保洁", "cleaning"),
    ]:
        assert syn[normalise_key(everyday)] == sid
        assert syn[normalise_key(formal)] == sid


def test_derived_links_come_from_the_classification() -> None:
    lex = load_lexicon()
    # 高炉炼铁工 is named in the classification; "炼铁工" is an ironmaking synonym
    assert "6-17-01-06" in lex.occupations["ironmaking"]
    assert "6-17-01-06" in lex.skills_of_occupation()
    without = load_lexicon(derive_links=False)
    assert sum(map(len, without.occupations.values())) < sum(map(len, lex.occupations.values()))


def test_normalise_key() -> None:
    assert normalise_key(" 电 焊 工 ") == "电焊工"
    assert normalise_key("ＡＲＣ  Welding") == "arc welding"
    assert normalise_key("、；") == ""


def test_custom_file_loads(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "a_skill,焊接,welding,会电焊; 电焊,焊接,6-18-02-04,焊工,b_skill",
        "b_skill,氩弧焊,tig,氩焊,焊接,,焊工,",
    )
    lex = load_lexicon(path, derive_links=False)
    assert lex.ids == ("a_skill", "b_skill")
    assert lex.synonyms["电焊"] == "a_skill"
    assert lex.related["b_skill"] == frozenset({"a_skill"})


@pytest.mark.parametrize(
    ("rows", "fragment"),
    [
        (["Bad-Id,焊接,,,,,,"], "column 'skill_id'"),
        (["a,焊接,,,,,,", "a,电工,,,,,,"], "Duplicate skill id"),
        (["a,,,,,,,"], "column 'name_zh'"),
        (["a,焊接,,,,9-99-99-99,,"], "'9-99-99-99'"),
        (["a,焊接,,,,,,nope"], "Unknown related skill id"),
        (["a,焊接,,电焊,,,,", "b,电工,,电焊,,,,"], "already belongs to skill 'a'"),
    ],
)
def test_validation_errors_name_row_column_value(tmp_path: Path, rows: list[str], fragment: str) -> None:
    path = _write(tmp_path, *rows)
    with pytest.raises(SettingsError) as info:
        load_lexicon(path, derive_links=False)
    message = str(info.value)
    assert fragment in message
    assert str(path) in message
    assert "row " in message


def test_missing_column_and_missing_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("skill_id,name_zh\na,焊接\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="lacks column"):
        load_lexicon(bad)
    with pytest.raises(SettingsError, match="Cannot read"):
        load_lexicon(tmp_path / "absent.csv")
