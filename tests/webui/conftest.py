"""Fixtures for the web UI tests: a small synthetic market, an app, clients.

The market (60 seekers, 30 vacancies, a few outcomes) is written as CSV in
the SCHEMA.md format and imported once per session through the real loader
into a template SQLite database; every test gets its own copy of that file,
so tests are isolated and fast. One fitted matcher is shared by all apps over
the same import (the cache is keyed by the import token).
"""
from __future__ import annotations

import csv
import hashlib
import datetime as dt
import random
import shutil
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

# This folder is named like the package: make sure ``import webui`` finds the
# package at the repository root, not this test folder as a namespace package.
_ROOT = Path(__file__).resolve().parents[2]
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))
if "webui" in sys.modules and getattr(sys.modules["webui"], "__file__", None) is None:
    del sys.modules["webui"]

from webui import create_app  # noqa: E402
from webui.auth import create_user  # noqa: E402
from webui.db import new_session  # noqa: E402
from webui.engine import MatcherCache  # noqa: E402
from webui.store import import_files  # noqa: E402

PASSWORD = "correct horse battery"
FAST_HASH = "pbkdf2:sha256:1000"  # cheap hashing keeps the tests fast
DISTRICTS = ["东区", "西区", "仁和区", "米易县", "盐边县"]
TRADES = [
    ("焊工", ["电焊", "气割", "氩弧焊"]), ("电工", ["电工", "低压电工", "电气维修"]),
    ("叉车司机", ["叉车", "仓储"]), ("保洁员", ["保洁", "清洁"]), ("保安员", ["保安", "巡逻"]),
    ("炼钢工", ["炼钢", "冶炼"]), ("厨师", ["中式烹调", "厨师"]), ("收银员", ["收银", "电脑操作"]),
    ("护理员", ["养老护理", "护理"]), ("货车司机", ["驾驶", "货运"]),
]
EDU = ["小学", "初中", "高中", "中专", "大专", "本科"]


def _write(path: Path, rows: list[dict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


def write_market(folder: Path, n_seekers: int = 60, n_vacancies: int = 30, seed: int = 7) -> dict[str, Path]:
    """Write seekers.csv, vacancies.csv and outcomes.csv (SCHEMA.md columns)."""
    rng = random.Random(seed)
    today = dt.date.today()
    seekers = []
    for i in range(n_seekers):
        trade, skills = TRADES[i % len(TRADES)]
        is4045 = i % 3 == 0
        gender = "女" if i % 2 == 0 else "男"
        age = (46 + i % 9) if (is4045 and gender == "女") else (52 + i % 6) if is4045 else 22 + i % 20
        district = DISTRICTS[i % len(DISTRICTS)]
        groups = ["4045人员"] if is4045 else (["农民工"] if i % 7 == 1 else [])
        seekers.append({
            "seeker_id": f"S{i:04d}", "name": ("欧阳" if i == 3 else "张李王赵刘陈杨黄"[i % 8]) + "秀英" [: 1 + i % 2],
            "id_number": f"5104{1960 + i % 40:04d}0101{i:04d}"[:18].ljust(18, "1"),
            "phone": f"138{i:04d}{5678 + i:04d}"[:11], "gender": gender, "age": age,
            "district": district, "hukou": "农村" if i % 7 == 1 else "城镇", "education": EDU[i % 4],
            "skills": "；".join(skills[: 1 + i % len(skills)]), "certificates": "",
            "experience": f"{trade}:{1 + i % 20}", "summary": f"做过{trade}",
            "desired_titles": trade, "expected_wage": f"{2500 + 100 * (i % 15)}-{3500 + 100 * (i % 15)}",
            "preferred_districts": district if i % 4 else "", "accepts_shift_work": "是" if i % 5 else "否",
            "priority_groups": "、".join(groups), "registered_on": str(today - dt.timedelta(days=30 + i)),
        })
    vacancies = []
    for j in range(n_vacancies):
        trade, skills = TRADES[j % len(TRADES)]
        lo = 2600 + 200 * (j % 8)
        vacancies.append({
            "vacancy_id": f"V{j:04d}", "employer": f"攀枝花{['钢铁', '物流', '物业', '餐饮', '建设'][j % 5]}公司{j}",
            "title": trade, "description": f"招聘{trade}", "csco_code": "",
            "required_skills": skills[0], "preferred_skills": "；".join(skills[1:]),
            "certificates_required": "", "education_min": EDU[j % 3] if j % 4 else "",
            "wage": f"{lo}-{lo + 1500}元/月" if j != 5 else "1500元/月", "openings": 1 + j % 3,
            "district": DISTRICTS[j % len(DISTRICTS)], "shift_work": "是" if j % 3 == 0 else "否",
            "lodging": "是" if j % 2 else "否", "social_insurance": "是",
            "age_min": "18" if j == 2 else "", "age_max": "35" if j == 2 else "",
            "gender_requirement": "限男性" if j == 4 else "",
            "public_welfare": "是" if j % 6 == 3 else "否",
            "posted_on": str(today - dt.timedelta(days=3 + 9 * j)),
            "expires_on": str(today + dt.timedelta(days=60)) if j != 29 else str(today - dt.timedelta(days=1)),
        })
    outcomes = [
        {"seeker_id": "S0001", "vacancy_id": "V0001", "date": str(today - dt.timedelta(days=20)), "outcome": "面试"},
        {"seeker_id": "S0001", "vacancy_id": "V0001", "date": str(today - dt.timedelta(days=10)), "outcome": "录用"},
        {"seeker_id": "S0002", "vacancy_id": "V0003", "date": str(today - dt.timedelta(days=5)), "outcome": "拒绝"},
    ]
    rng.shuffle(outcomes)
    paths = {"seekers": folder / "seekers.csv", "vacancies": folder / "vacancies.csv",
             "outcomes": folder / "outcomes.csv"}
    _write(paths["seekers"], seekers)
    _write(paths["vacancies"], vacancies)
    _write(paths["outcomes"], outcomes)
    return paths


# --- the real engine, fitted once per market --------------------------------------------------

def matcher_factory():
    """The real engine (:func:`webui.engine.default_factory`), each distinct market fitted once.

    The engine's fit has a fixed cost of seconds; the session-wide cache keeps the tests fast
    without standing in for the engine: an import error is a test failure, not a fallback.
    """
    from webui.engine import default_factory

    fits: dict[str, object] = {}

    def factory(seekers, vacancies, settings, reference_date=None, hired=None):
        key = hashlib.sha1((seekers.to_json() + vacancies.to_json() + repr(settings) + repr(reference_date)
                            + repr(sorted((hired or {}).items()))).encode()).hexdigest()
        if key not in fits:
            fits[key] = default_factory(seekers, vacancies, settings, reference_date=reference_date, hired=hired)
        return fits[key]
    return factory


# --- fixtures ---------------------------------------------------------------------------------

def base_config(db_path: Path, instance: Path, cache: MatcherCache, **extra) -> dict:
    # the test users are hashed with FAST_HASH: as the app's method too, sign-ins do not re-hash them
    # (test_auth_sessions checks the scrypt default and the upgrade with apps of their own)
    cfg = {"TESTING": True, "SECRET_KEY": "test-secret", "WTF_CSRF_ENABLED": False,
           "DATABASE_URL": f"sqlite:///{db_path}", "INSTANCE_PATH": str(instance),
           "MATCHER_CACHE": cache, "PASSWORD_HASH_METHOD": FAST_HASH}
    cfg.update(extra)
    return cfg


@pytest.fixture(scope="session")
def market_files(tmp_path_factory) -> dict[str, Path]:
    return write_market(tmp_path_factory.mktemp("market"))


@pytest.fixture(scope="session")
def matcher_cache() -> MatcherCache:
    return MatcherCache(matcher_factory())


@pytest.fixture(scope="session")
def template_db(tmp_path_factory, market_files, matcher_cache) -> Path:
    folder = tmp_path_factory.mktemp("template")
    db_path = folder / "matcher.db"
    app = create_app(base_config(db_path, folder, matcher_cache))
    session = new_session(app)
    try:
        import_files(session, market_files["seekers"], market_files["vacancies"], market_files["outcomes"])
        create_user(session, "admin", PASSWORD, "admin", hash_method=FAST_HASH)
        create_user(session, "east", PASSWORD, "staff", "东区", hash_method=FAST_HASH)
        create_user(session, "west", PASSWORD, "staff", "西区", hash_method=FAST_HASH)
        create_user(session, "city", PASSWORD, "staff", hash_method=FAST_HASH)
        session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    finally:
        session.close()
    app.extensions["matcher_engine"].dispose()
    return db_path


@pytest.fixture
def db_path(template_db, tmp_path) -> Path:
    path = tmp_path / "matcher.db"
    shutil.copy(template_db, path)
    return path


@pytest.fixture
def app(db_path, tmp_path, matcher_cache):
    app = create_app(base_config(db_path, tmp_path, matcher_cache))
    yield app
    app.extensions["matcher_engine"].dispose()


@pytest.fixture
def csrf_app(db_path, tmp_path, matcher_cache):
    app = create_app(base_config(db_path, tmp_path, matcher_cache, WTF_CSRF_ENABLED=True))
    yield app
    app.extensions["matcher_engine"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


def login(client, username: str, password: str = PASSWORD):
    """Sign in through the form; returns the response."""
    return client.post("/auth/login", data={"username": username, "password": password})


@pytest.fixture
def admin_client(client):
    assert login(client, "admin").status_code == 302
    return client


@pytest.fixture
def east_client(client):
    assert login(client, "east").status_code == 302
    return client
