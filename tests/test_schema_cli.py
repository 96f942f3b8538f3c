"""``matcher schema``: the input columns printed from matcher.schema, examples read by the normalisers."""
from __future__ import annotations

import json

import pytest

from matcher import schema
from matcher.cli import main
from matcher.errors import InputFileError
from matcher.io import format_help
from matcher.io.loader import load_seekers, load_vacancies
from matcher.normalise import wages


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["schema", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_column_and_header_of_every_kind_is_printed(capsys, lang):
    code, out, _ = run(capsys, "--lang", lang)
    assert code == 0
    for kind, columns in schema.TABLES.items():
        assert f"== {kind}: " in out
        for col in columns:
            assert col.name in out, col.name
            for header in col.zh:
                assert header in out, (col.name, header)


def test_kind_limits_the_output_and_required_columns_are_marked(capsys):
    code, out, _ = run(capsys, "--kind", "vacancies", "--lang", "en")
    assert code == 0
    assert "== vacancies" in out and "== seekers" not in out and "== outcomes" not in out
    lines = {line.split()[0]: line for line in out.splitlines() if line.startswith("  ") and line.split()}
    for col in schema.VACANCY_COLUMNS:
        marked = " yes " in lines[col.name]
        assert marked == col.required, lines[col.name]


def test_languages_differ(capsys):
    _, zh, _ = run(capsys, "--kind", "seekers", "--lang", "zh")
    _, en, _ = run(capsys, "--kind", "seekers", "--lang", "en")
    assert "必填" in zh and "各类型的写法" in zh
    assert "required" in en and "how each type may be written" in en
    assert "必填" not in en


def test_a_column_added_to_the_schema_appears_without_touching_the_help(capsys, monkeypatch):
    extra = schema.Column("staff", ("经办人",), "text")
    monkeypatch.setitem(schema.TABLES, "outcomes", schema.OUTCOME_COLUMNS + (extra,))
    code, out, _ = run(capsys, "--kind", "outcomes", "--lang", "zh")
    assert code == 0
    assert "staff" in out and "经办人" in out


def test_examples_are_read_by_the_normalisers_when_printed(capsys, monkeypatch):
    real = wages.parse_wage

    def fake(cell):
        if cell == "150元/天":
            return wages.WageParse(1234.0, 1234.0, False, (), cell)
        return real(cell)

    monkeypatch.setattr(wages, "parse_wage", fake)
    _, out, _ = run(capsys, "--kind", "seekers", "--lang", "en")
    assert "150元/天  →  1,234 yuan/month" in out


def test_wage_examples_show_the_monthly_conversion(capsys):
    _, out, _ = run(capsys, "--kind", "vacancies", "--lang", "en")
    daily = wages.parse_wage("150元/天")
    assert f"150元/天  →  {daily.min:,.2f} yuan/month (× {wages.WAGE_FACTORS['per_day']:g})" in out
    assert "面议  →  negotiable" in out


def test_json_lists_the_schema_columns_in_order(capsys):
    code, out, _ = run(capsys, "--format", "json", "--lang", "en")
    assert code == 0
    data = json.loads(out)
    assert list(data) == list(schema.TABLES)
    for kind, columns in schema.TABLES.items():
        assert [c["name"] for c in data[kind]["columns"]] == [c.name for c in columns]
        assert [c["required"] for c in data[kind]["columns"]] == [c.required for c in columns]
        assert {t["type"] for t in data[kind]["types"]} == {c.kind for c in columns}


def test_markdown_has_one_row_per_column(capsys):
    _, out, _ = run(capsys, "--kind", "seekers", "--format", "markdown")
    rows = [line for line in out.splitlines() if line.startswith("| `")]
    assert len(rows) == len(schema.SEEKER_COLUMNS)


def test_bad_option_is_a_usage_error_not_a_traceback(capsys):
    code, out, err = run(capsys, "--kind", "people")
    assert code == 2
    assert "Traceback" not in out + err
    assert "'people' is not one of" in err


def test_describe_rejects_unknown_kind_and_language():
    with pytest.raises(ValueError, match="file kind"):
        format_help.describe("people")
    with pytest.raises(ValueError, match="language"):
        format_help.describe("seekers", "fr")


@pytest.mark.parametrize("loader, header", [(load_seekers, "姓名,学历\n张三,初中\n"),
                                            (load_vacancies, "employer,wage\nA,3000\n")])
def test_missing_column_error_points_to_the_docs_and_the_command(tmp_path, loader, header):
    path = tmp_path / "wrong.csv"
    path.write_text(header, encoding="utf-8")
    with pytest.raises(InputFileError) as info:
        loader(path)
    message = str(info.value)
    assert "docs/input-format.md" in message and "matcher schema" in message
    assert "shared" not in message
