"""Loading real-world files: encodings, formats, headers, quarantine, counts."""
from __future__ import annotations

import csv
import io
import string
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher.errors import InputFileError
from matcher.io.loader import load_market, load_seekers, load_vacancies
from matcher.io.readers import FileProblem

SEEKERS_ZH = """求职者编号,姓名,性别,年龄,所在区县,户籍,学历,技能,工作经历,期望薪资,接受倒班,重点群体,登记日期
S1,张三,男,52,东区,城镇,初中,电焊；气割,炼钢工:20;保安:2,3千-4千,是,,2024-03-01
S2,李四,女,43,攀枝花市仁和区,农村,职高,保洁、做饭,,面议,否,4045人员,2024/3/5
S3,王五,男,25,米易,农村,中学,开叉车,叉车司机:3,4K,1,,
"""


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def reconcile(result) -> None:
    c = result.counts
    assert c["read"] == c["accepted"] + c["rejected"]
    assert c["warned"] <= c["accepted"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_chinese_headers_in_every_encoding(tmp_path, encoding):
    r = load_seekers(write(tmp_path, "s.csv", SEEKERS_ZH, encoding))
    reconcile(r)
    f = r.frame
    assert list(f["seeker_id"]) == ["S1", "S2", "S3"]
    assert f.loc[0, "skills"] == ["电焊", "气割"]
    assert f.loc[0, "experience"][0] == ("炼钢工", 20.0)
    assert f.loc[0, "expected_wage_min"] == 3000 and f.loc[0, "expected_wage_max"] == 4000
    assert bool(f.loc[1, "expected_wage_negotiable"]) is True
    assert f.loc[1, "district"] == "仁和区"
    assert f.loc[2, "district"] == "米易县"
    assert f.loc[0, "education_level"] == 1  # 初中
    assert pd.isna(f.loc[2, "education_level"])  # 中学 is ambiguous: kept, flagged, not guessed
    assert f.loc[2, "education_raw"] == "中学"
    # 4045 derived from gender+age+registration (S1), declared (S2); S3 is a rural migrant
    assert "4045" in f.loc[0, "priority_groups"] and "4045" in f.loc[1, "priority_groups"]
    assert f.loc[2, "is_rural_migrant"] and not f.loc[2, "is_4045"]
    assert list(f["source_row"]) == [2, 3, 4]


def test_unknown_education_is_a_warning_with_row_and_value(tmp_path):
    r = load_seekers(write(tmp_path, "s.csv", SEEKERS_ZH))
    w = r.warnings
    hit = w[(w["column"] == "education") & (w["row"] == 4)]
    assert len(hit) == 1 and hit.iloc[0]["value"] == "中学" and hit.iloc[0]["file"] == "s.csv"
    assert r.counts == {"read": 3, "accepted": 3, "warned": r.counts["warned"], "rejected": 0}
    assert r.counts["warned"] >= 1


def test_duplicate_and_missing_ids_are_rejected_and_named(tmp_path):
    text = "seeker_id,skills\nA,焊接\nB,保洁\nA,电工\n,叉车\n"
    r = load_seekers(write(tmp_path, "s.csv", text))
    reconcile(r)
    assert r.counts == {"read": 4, "accepted": 2, "warned": 0, "rejected": 2}
    rej = r.rejects.set_index("row")
    assert "first seen in row 2" in rej.loc[4, "reason"] and rej.loc[4, "value"] == "A"
    assert "missing seeker_id" in rej.loc[5, "reason"]
    assert list(r.frame["skills"]) == [["焊接"], ["保洁"]]  # the first copy is kept


def test_vacancy_without_title_is_rejected(tmp_path):
    text = "vacancy_id,title,wage,openings\nV1,电焊工,3000-5000元/月,2\nV2,,面议,1\nV3,保洁员,150元/天,x\n"
    r = load_vacancies(write(tmp_path, "v.csv", text))
    reconcile(r)
    assert r.counts["rejected"] == 1 and r.rejects.iloc[0]["row"] == 3
    f = r.frame.set_index("vacancy_id")
    assert f.loc["V1", "wage_min"] == 3000 and f.loc["V1", "openings"] == 2
    assert f.loc["V3", "openings"] == 1  # unreadable openings: warning, default 1
    assert (r.warnings["column"] == "openings").any()
    assert f.loc["V3", "wage_min"] == pytest.approx(150 * 21.75)


def test_wage_min_max_columns(tmp_path):
    text = "vacancy_id,title,wage_min,wage_max\nV1,焊工,3000,4500\nV2,保安,2800,\n"
    f = load_vacancies(write(tmp_path, "v.csv", text)).frame.set_index("vacancy_id")
    assert (f.loc["V1", "wage_min"], f.loc["V1", "wage_max"]) == (3000, 4500)
    assert f.loc["V2", "wage_min"] == 2800


def test_missing_required_columns_gives_one_clear_paragraph(tmp_path):
    p = write(tmp_path, "wrong.csv", "foo,bar\n1,2\n")
    with pytest.raises(InputFileError) as e:
        load_seekers(p)
    msg = str(e.value)
    assert "wrong.csv" in msg and "seeker_id" in msg and "求职者编号" in msg and "'foo'" in msg


def test_vacancies_file_given_as_seekers_is_refused(tmp_path):
    p = write(tmp_path, "v.csv", "vacancy_id,title\nV1,焊工\n")
    with pytest.raises(InputFileError, match="seeker_id"):
        load_seekers(p)


def test_empty_file_and_missing_file(tmp_path):
    with pytest.raises(InputFileError, match="empty"):
        load_seekers(write(tmp_path, "e.csv", ""))
    with pytest.raises(InputFileError, match="not found"):
        load_seekers(tmp_path / "nope.csv")


def test_header_only_file_is_an_error_like_an_empty_file(tmp_path):
    with pytest.raises(FileProblem, match="header row .*seeker_id, skills.* but no data rows") as exc:
        load_seekers(write(tmp_path, "h.csv", "seeker_id,skills\n,\n"))
    assert exc.value.kind == "header_only" and exc.value.params["header"] == ["seeker_id", "skills"]
    with pytest.raises(FileProblem, match="is empty") as exc:
        load_seekers(write(tmp_path, "e.csv", "\n\n"))
    assert exc.value.kind == "empty"


def test_xlsx_and_parquet(tmp_path):
    df = pd.DataFrame({"岗位编号": ["V1", "V2"], "岗位名称": ["叉车司机", "保洁员"], "薪资": ["4K-6K", 3500],
                       "发布日期": [pd.Timestamp("2024-05-01"), None]})
    x = tmp_path / "v.xlsx"
    df.to_excel(x, index=False)
    r = load_vacancies(x)
    reconcile(r)
    f = r.frame
    assert list(f["vacancy_id"]) == ["V1", "V2"]
    assert f.loc[0, "wage_max"] == 6000 and f.loc[1, "wage_min"] == 3500
    assert f.loc[0, "posted_on"] == pd.Timestamp("2024-05-01")
    pq = tmp_path / "s.parquet"
    pd.DataFrame({"seeker_id": ["A", "B"], "skills": [["电焊", "气割"], []]}).to_parquet(pq)
    s = load_seekers(pq)
    assert s.frame.loc[0, "skills"] == ["电焊", "气割"] and s.frame.loc[1, "skills"] == []


def test_row_with_too_many_fields_is_quarantined_and_rows_keep_excel_numbers(tmp_path):
    text = 'seeker_id,summary\nA,"做过\n二十年炼钢"\nB,ok,extra,fields\nC,fine\n'
    r = load_seekers(write(tmp_path, "s.csv", text))
    reconcile(r)
    assert r.counts["read"] == 3 and r.counts["rejected"] == 1
    assert list(r.frame["seeker_id"]) == ["A", "C"]
    assert r.rejects.iloc[0]["row"] == 3
    assert list(r.frame["source_row"]) == [2, 4]


def test_unlisted_columns_pass_through(tmp_path):
    r = load_seekers(write(tmp_path, "s.csv", "seeker_id,民族,备注\nA,彝族,x\n"))
    assert r.frame.loc[0, "民族"] == "彝族" and r.frame.loc[0, "备注"] == "x"


def test_outcomes_checked_against_ids(tmp_path):
    s = write(tmp_path, "s.csv", "seeker_id\nA\nB\n")
    v = write(tmp_path, "v.csv", "vacancy_id,title\nV1,焊工\n")
    o = write(tmp_path, "o.csv", "seeker_id,vacancy_id,date,outcome\nA,V1,2024-01-02,hired\n"
                                 "Z,V1,2024-01-02,hired\nB,V1,someday,referred\nB,V1,2024-01-03,录用\nA,V1,2024-01-04,maybe\n")
    m = load_market(s, v, o)
    reconcile(m.outcomes)
    assert m.outcomes.counts == {"read": 5, "accepted": 2, "warned": 0, "rejected": 3}
    assert list(m.outcomes.frame["outcome"]) == ["hired", "hired"]
    reasons = " ".join(m.outcomes.rejects["reason"])
    assert "not found" in reasons and "date" in reasons and "unknown outcome" in reasons


def test_header_names_are_case_and_space_insensitive(tmp_path):
    r = load_seekers(write(tmp_path, "s.csv", " Seeker_ID , EDUCATION \nA,High School\n"))
    assert r.frame.loc[0, "education_level"] == 2


# --- properties: nothing crashes, nothing is lost --------------------------------

cell = st.text(alphabet=string.printable + "，；、面议千万元天岗位东区男女是否", max_size=12)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(cell, min_size=6, max_size=6), max_size=12))
def test_random_cells_never_crash_and_counts_reconcile(tmp_path, rows):
    header = ["seeker_id", "education", "expected_wage", "skills", "birth_date", "district"]
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header)
    w.writerows(rows)
    p = tmp_path / "rand.csv"
    p.write_text(buf.getvalue(), encoding="utf-8")
    filled = [r for r in rows if any(c.strip() for c in r)]   # rows of empty cells are skipped
    if not filled:
        with pytest.raises(FileProblem) as exc:
            load_seekers(p)
        assert exc.value.kind == "header_only"
        return
    r = load_seekers(p)
    reconcile(r)
    # every record written with a value in it is either accepted or rejected: none vanishes
    assert r.counts["read"] == len(filled)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=300))
def test_random_bytes_never_crash(tmp_path, data):
    p = tmp_path / "bytes.csv"
    p.write_bytes(b"vacancy_id,title,wage\n" + data)
    try:
        r = load_vacancies(p)
    except InputFileError:
        return
    reconcile(r)


# --- exports as stations have them (issue 15 item 6) ---------------------------------------------

def test_csv_title_rows_above_the_header_empty_rows_and_totals(tmp_path):
    body = SEEKERS_ZH.replace("\nS2", "\n,,,,,,,,,,,,\nS2")
    text = "攀枝花市东区就业服务站 求职登记表,,,\n导出日期：2026-11-30,,\n\n" + body + "合计,3人,,\n"
    r = load_seekers(write(tmp_path, "station.csv", text))
    reconcile(r)
    assert r.frame["seeker_id"].tolist() == ["S1", "S2", "S3"]
    # Excel rows: 3 title lines, header on line 4, S1 on 5, an empty row on 6, S2 on 7
    assert r.frame["source_row"].tolist() == [5, 7, 8]
    assert r.counts == {"read": 4, "accepted": 3, "warned": r.counts["warned"], "rejected": 1}
    total = r.rejects.iloc[0]
    assert total["row"] == 9 and "合计" in total["value"] and "total row" in total["reason"]


def test_xlsx_title_rows_above_the_header(tmp_path):
    df = pd.read_csv(io.StringIO(SEEKERS_ZH), dtype=str)
    x = tmp_path / "station.xlsx"
    with pd.ExcelWriter(x) as w:
        pd.DataFrame([["东区就业服务站求职登记表"], ["2026年11月"]]).to_excel(w, header=False, index=False)
        df.to_excel(w, index=False, startrow=3)   # header on Excel row 4
    r = load_seekers(x)
    reconcile(r)
    assert r.frame["seeker_id"].tolist() == ["S1", "S2", "S3"]
    assert r.frame["source_row"].tolist() == [5, 6, 7]


@pytest.mark.parametrize("name,data,kind", [
    ("list.txt", SEEKERS_ZH.encode(), "wrong_type"),
    ("photo.csv", b"\x89PNG\r\n\x1a\n" + bytes(64), "not_a_table"),
    ("scan.xlsx", b"%PDF-1.4\n" + bytes(64), "not_a_table"),
    ("empty.csv", b"", "empty"),
    ("broken.xlsx", b"PK\x03\x04" + b"not really a zip" * 8, "corrupt_xlsx"),
    ("text.xlsx", SEEKERS_ZH.encode(), "corrupt_xlsx"),
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64), "old_xls"),
])
def test_each_unreadable_file_has_its_own_kind_and_message(tmp_path, name, data, kind):
    p = tmp_path / name
    p.write_bytes(data)
    with pytest.raises(FileProblem) as exc:
        load_seekers(p)
    assert exc.value.kind == kind and exc.value.file == name and name in str(exc.value)


def test_wrong_columns_says_what_was_found_and_which_file_it_looks_like(tmp_path):
    vac = "岗位编号,岗位名称,薪资\nV1,叉车司机,4000\n"
    with pytest.raises(FileProblem) as exc:
        load_seekers(write(tmp_path, "v.csv", vac))
    e = exc.value
    assert e.kind == "wrong_columns" and e.params["missing"] == ["seeker_id"]
    assert e.params["looks_like"] == "vacancies" and "岗位编号" in e.params["found"]
    assert "'岗位编号'" in str(e) and "look like a vacancies file" in str(e)


def test_cli_says_header_only_as_the_loader_does(tmp_path, capsys):
    from matcher.cli import main

    s = write(tmp_path, "h.csv", "求职者编号,技能\n")
    v = write(tmp_path, "v.csv", "岗位编号,岗位名称\nV1,保洁员\n")
    assert main(["validate", str(s), str(v), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "h.csv has a header row" in err and "no data rows" in err and "Traceback" not in err
