"""The store: migrations, import/re-import by id, outcomes, frames round trip.

The PostgreSQL tests run against the server named by
``MATCHER_TEST_POSTGRES_URL`` (CI sets it; ``webui/ci_setup.sh`` creates
the database) and are skipped only when that variable is unset.
"""
from __future__ import annotations

import datetime as dt
import os

import pandas as pd
import pytest
from conftest import FAST_HASH, PASSWORD, base_config, login
from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import IntegrityError

from matcher.io.loader import load_seekers, load_vacancies
from webui import create_app
from webui.auth import create_user
from webui.db import current_revision, make_engine, new_session, upgrade
from webui.models import Base, Import, OutcomeEvent, Referral, Seeker, Vacancy
from webui.store import frames_from_db, import_files, import_frames, import_outcomes, latest_token

TABLES = {"seekers", "vacancies", "users", "referrals", "outcome_events", "imports", "audit_log",
          "login_attempts", "alembic_version"}


def test_migrations_create_every_table_and_are_idempotent(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    assert current_revision(engine) is None
    upgrade(engine)
    upgrade(engine)  # a second start-up changes nothing
    assert TABLES <= set(inspect(engine).get_table_names())
    from alembic.script import ScriptDirectory

    from webui.db import alembic_config

    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    assert len(heads) == 1 and current_revision(engine) == heads[0]   # one line of migrations, all applied
    # the migrated schema matches the models (no drift between models.py and migrations)
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
    engine.dispose()


def test_import_counts_and_rejects(tmp_path, app, market_files):
    bad = tmp_path / "seekers_bad.csv"
    text_ = market_files["seekers"].read_text(encoding="utf-8").splitlines()
    header = text_[0].split(",")
    blank_id = ",".join("" if h == "seeker_id" else "x" for h in header)
    bad.write_text("\n".join(text_[:3] + [blank_id]) + "\n", encoding="utf-8")
    s = new_session(app)
    summary = import_files(s, bad, market_files["vacancies"])
    assert summary.counts["seekers"]["read"] == 3
    assert summary.counts["seekers"]["rejected"] == 1
    assert summary.counts["seekers_db"] == {"inserted": 0, "updated": 2}
    assert summary.rejects and summary.rejects[0]["column"] == "seeker_id"
    stored = s.get(Import, summary.import_id)
    assert stored.status == "done" and stored.rejects == summary.rejects
    assert latest_token(s) == summary.token
    s.close()


def test_reimport_updates_rows_by_id_and_keeps_referrals(tmp_path, app, market_files):
    s = new_session(app)
    ref = Referral(seeker_id="S0004", vacancy_id="V0004", source="staff")
    s.add(ref)
    s.commit()
    ref.events.append(OutcomeEvent(outcome="interviewed", date=dt.date.today()))
    s.commit()
    before = s.scalar(select(func.count()).select_from(Seeker))
    seekers = load_seekers(market_files["seekers"]).frame
    seekers.loc[seekers["seeker_id"] == "S0004", "district"] = "米易县"
    seekers.loc[seekers["seeker_id"] == "S0004", "skills"] = pd.Series([["挖掘机"]], index=seekers.index[seekers["seeker_id"] == "S0004"])
    extra = seekers.iloc[[0]].copy()
    extra["seeker_id"] = "S9999"
    seekers = pd.concat([seekers, extra], ignore_index=True)
    vacancies = load_vacancies(market_files["vacancies"]).frame
    summary = import_frames(s, seekers, vacancies)
    assert summary.counts["seekers_db"] == {"inserted": 1, "updated": before}
    s.expire_all()
    row = s.get(Seeker, "S0004")
    assert row.district == "米易县" and row.skills == ["挖掘机"] and "|挖掘机|" in row.skills_text
    assert s.scalar(select(func.count()).select_from(Seeker)) == before + 1
    kept = s.get(Referral, ref.id)
    assert kept is not None and [e.outcome for e in kept.events] == ["interviewed"]
    s.close()


def test_reimport_keeps_hired_count(app, market_files):
    s = new_session(app)
    assert s.get(Vacancy, "V0001").hired_count == 1  # from the imported outcomes
    import_files(s, market_files["seekers"], market_files["vacancies"], market_files["outcomes"])
    s.expire_all()
    assert s.get(Vacancy, "V0001").hired_count == 1
    # re-importing the same outcomes adds nothing
    assert s.scalar(select(func.count()).select_from(OutcomeEvent)) == 3
    assert s.scalar(select(func.count()).select_from(Referral)) == 2
    s.close()


def test_outcomes_link_to_referrals_with_latest_status(app):
    s = new_session(app)
    ref = s.scalar(select(Referral).where(Referral.seeker_id == "S0001", Referral.vacancy_id == "V0001"))
    assert ref.source == "import" and ref.status == "hired"
    assert [e.outcome for e in ref.events] == ["interviewed", "hired"]
    ref2 = s.scalar(select(Referral).where(Referral.seeker_id == "S0002"))
    assert ref2.status == "rejected"
    s.close()


def test_web_hire_count_follows_the_market_rule(app):
    """The web store's hire count is the market's: hired or employed hold an opening, left releases it."""
    from matcher.market import hires_from_outcomes

    log = pd.DataFrame([
        ("S0010", "V0010", "2024-01-01", "referred"), ("S0010", "V0010", "2024-01-10", "hired"),
        ("S0010", "V0010", "2024-03-10", "employed"),
        ("S0011", "V0010", "2024-01-05", "hired"), ("S0011", "V0010", "2024-02-20", "left"),
        ("S0012", "V0011", "2024-02-01", "left"), ("S0012", "V0011", "2024-02-01", "hired"),
        ("S0013", "V0011", "2024-02-01", "hired"), ("S0013", "V0011", "2024-04-01", "employed"),
        ("S0014", "V0011", "2024-02-01", "interviewed"),
        ("S0015", "V0012", "2024-01-01", "hired"), ("S0015", "V0012", "2024-03-01", "left"),
    ], columns=["seeker_id", "vacancy_id", "date", "outcome"])
    log["date"] = pd.to_datetime(log["date"])
    s = new_session(app)
    import_outcomes(s, log)
    s.commit()
    s.expire_all()
    web = {v: s.get(Vacancy, v).hired_count for v in ("V0010", "V0011", "V0012")}
    assert web == {"V0010": 1, "V0011": 1, "V0012": 0}
    market = hires_from_outcomes(log)
    assert {v: market.get(v, 0) for v in web} == web
    statuses = dict(s.execute(select(Referral.seeker_id, Referral.status)
                              .where(Referral.vacancy_id.in_(list(web)))).all())
    assert statuses == {"S0010": "employed", "S0011": "left", "S0012": "left", "S0013": "employed",
                        "S0014": "interviewed", "S0015": "left"}
    s.close()


def test_frames_round_trip(app, market_files):
    original = load_seekers(market_files["seekers"]).frame.set_index("seeker_id").sort_index()
    s = new_session(app)
    seekers, vacancies = frames_from_db(s)
    s.close()
    seekers = seekers.set_index("seeker_id").sort_index()
    assert list(seekers.index) == list(original.index)
    for col in ("skills", "priority_groups", "preferred_districts", "desired_titles"):
        assert seekers[col].tolist() == original[col].tolist(), col
    for col in ("age", "education_level"):
        assert str(seekers[col].dtype) == "Int64"
        assert seekers[col].tolist() == original[col].tolist()
    assert seekers["is_4045"].tolist() == original["is_4045"].astype(bool).tolist()
    assert seekers["experience"].iloc[0] == [tuple(x) for x in original["experience"].iloc[0]]
    assert str(seekers["registered_on"].dtype).startswith("datetime64")
    vorig = load_vacancies(market_files["vacancies"]).frame.set_index("vacancy_id").sort_index()
    vacancies = vacancies.set_index("vacancy_id").sort_index()
    assert vacancies["wage_min"].tolist() == vorig["wage_min"].tolist()
    assert vacancies["required_skills"].tolist() == vorig["required_skills"].tolist()
    assert str(vacancies["shift_work"].dtype) == "boolean"


def test_failed_import_changes_nothing(app, market_files):
    s = new_session(app)
    before = s.scalar(select(func.count()).select_from(Import))
    seekers = load_seekers(market_files["seekers"]).frame
    broken = seekers.copy()
    broken.loc[broken.index[-2:], "seeker_id"] = "S7777"  # a duplicate new id fails mid-import
    broken.loc[broken.index[0], "district"] = "盐边县"
    with pytest.raises(IntegrityError):
        import_frames(s, broken, None)
    assert s.scalar(select(func.count()).select_from(Import)) == before
    assert s.get(Seeker, broken["seeker_id"].iloc[0]).district != "盐边县"  # earlier updates rolled back
    s.close()


# --- PostgreSQL -------------------------------------------------------------------------------

PG_URL = os.environ.get("MATCHER_TEST_POSTGRES_URL")
needs_pg = pytest.mark.skipif(not PG_URL, reason="MATCHER_TEST_POSTGRES_URL is not set (CI sets it; "
                                                  "see webui/ci_setup.sh)")


@pytest.fixture
def pg_app(tmp_path, matcher_cache, market_files):
    engine = make_engine(PG_URL)
    with engine.begin() as conn:  # a clean database for every test
        Base.metadata.drop_all(conn)
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    engine.dispose()
    app = create_app(base_config(tmp_path / "unused.db", tmp_path, matcher_cache, DATABASE_URL=PG_URL))
    yield app
    app.extensions["matcher_engine"].dispose()


@needs_pg
def test_postgres_migrate_import_and_reimport(pg_app, market_files):
    engine = pg_app.extensions["matcher_engine"]
    assert engine.dialect.name == "postgresql"
    assert TABLES <= set(inspect(engine).get_table_names())
    s = new_session(pg_app)
    first = import_files(s, market_files["seekers"], market_files["vacancies"], market_files["outcomes"])
    n = first.counts["seekers"]["accepted"]
    assert first.counts["seekers_db"] == {"inserted": n, "updated": 0}
    assert s.get(Vacancy, "V0001").hired_count == 1
    second = import_files(s, market_files["seekers"], market_files["vacancies"], market_files["outcomes"])
    assert second.counts["seekers_db"] == {"inserted": 0, "updated": n}
    assert s.scalar(select(func.count()).select_from(Referral)) == 2
    seekers, vacancies = frames_from_db(s)
    assert len(seekers) == n and seekers["skills"].map(type).eq(list).all()
    s.close()


@needs_pg
def test_postgres_pages(pg_app, market_files):
    s = new_session(pg_app)
    import_files(s, market_files["seekers"], market_files["vacancies"], market_files["outcomes"])
    create_user(s, "admin", PASSWORD, "admin", hash_method=FAST_HASH)
    create_user(s, "east", PASSWORD, "staff", "东区", hash_method=FAST_HASH)
    s.close()
    client = pg_app.test_client()
    assert login(client, "east").status_code == 302
    html = client.post("/seekers/", data={"group": "4045", "name": "张%"}).data.decode()
    assert "S0000" not in html  # '%' is matched literally, not as a wildcard
    html = client.post("/seekers/", data={"group": "4045"}).data.decode()
    assert "S0000" in html
    assert client.get("/seekers/S0000").status_code == 200
    assert client.get("/seekers/S0001").status_code == 404  # 西区
    r = client.post("/referrals/", data={"seeker_id": "S0000", "vacancy_id": "V0000"})
    ref_path = r.headers["Location"]
    r = client.post(ref_path + "/outcome", data={"outcome": "hired", "date": dt.date.today().isoformat()})
    assert r.status_code == 302
    assert client.get("/overview/").status_code == 200
    assert client.get("/vacancies/V0004").status_code == 200
    s = new_session(pg_app)
    assert s.get(Vacancy, "V0000").hired_count == 1
    s.close()
