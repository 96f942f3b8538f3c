"""Where a seeker page's time goes: N pages in one process, timed by phase.

    python -m benchmarks.web_profile [--seekers 3000] [--vacancies 600] [--pages 30] [--rounds 3]
                                     [--market DIR] [--batch] [--pyinstrument OUT.txt]
                                     [--snapshot DIR | --check DIR] [--json OUT]
    python -m benchmarks.web_profile --against OTHER_CHECKOUT [...]   # before/after in one run

Builds a synthetic market (:func:`matcher.generate.generate_city`, seed 7,
dated today; or reads ``--market DIR`` with ``seekers.csv`` and
``vacancies.csv``), imports it into a fresh SQLite instance folder, signs
one staff user in through the Flask test client and fetches ``--pages``
seeker pages (seeded random seekers) ``--rounds`` times. Each request's wall
time is split into exclusive phases (time inside a nested phase counts for
the innermost one only):

``db``        SQL statements and commits (SQLAlchemy cursor executes and DBAPI commits);
``scoring``   :func:`webui.seekers.ranked_posts` apart from its SQL (mask, ``for_seeker``, batch lists);
``training``  the training section's state and course fixes;
``match_view`` the Python preparation of each shown match (:func:`webui.matchview.match_view`);
``template``  the rest of ``render_template`` (Jinja);
``gc``        Python's cyclic garbage collector (``gc.callbacks``), wherever it struck;
``other``     everything else (Flask, sign-in checks, routing, response).

The figure per phase is the median over rounds of the mean per page. Run on
a busy machine the absolute numbers move; the ratios between two versions
measured in the same run (``--against``: the other checkout's profiler is run
in a subprocess, rounds alternating between the two) are what to compare.

``--snapshot DIR`` writes the HTML of a fixed page set (both languages,
with and without filters) with CSRF tokens and request ids blanked;
``--check DIR`` compares the same set against such a snapshot and exits 1
on any difference (the "byte-identical output" check for speed work).
``--pyinstrument OUT`` writes a pyinstrument text profile of the timed pages.
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PHASES = ("db", "scoring", "training", "match_view", "template", "gc", "other")
_CSRF = re.compile(r'name="csrf_token" value="[^"]*"')
_CSRF_META = re.compile(r'(<meta name="csrf-token" content=")[^"]*(")')
_BATCH_TIME = re.compile(r'(<div class="list-switch" id="list-switch">.*?<span class="muted">)[^<]*(</span>)', re.S)


class PhaseClock:
    """Exclusive wall time per phase: time in a nested phase is charged to the innermost one only."""

    def __init__(self) -> None:
        self.totals: dict[str, float] = {p: 0.0 for p in PHASES}
        self._stack: list[tuple[str, float]] = []
        self._outer_start: float | None = None

    def push(self, phase: str) -> None:
        now = time.perf_counter()
        if self._stack:
            name, since = self._stack[-1]
            self.totals[name] += now - since
        self._stack.append((phase, now))

    def pop(self) -> None:
        now = time.perf_counter()
        name, since = self._stack.pop()
        self.totals[name] += now - since
        if self._stack:
            outer, _ = self._stack[-1]
            self._stack[-1] = (outer, now)

    @contextlib.contextmanager
    def phase(self, name: str):
        self.push(name)
        try:
            yield
        finally:
            self.pop()

    def wrap(self, name: str, fn):
        def wrapped(*args, **kwargs):
            with self.phase(name):
                return fn(*args, **kwargs)
        wrapped.__wrapped__ = fn
        return wrapped

    def reset(self) -> None:
        self.totals = {p: 0.0 for p in PHASES}


def instrument(app, clock: PhaseClock) -> None:
    """Hook the phases into the app's modules and its database engine."""
    from sqlalchemy import event

    import webui.seekers as seekers

    engine = app.extensions["matcher_engine"]

    @event.listens_for(engine, "before_cursor_execute")
    def _before(*_a, **_k):
        clock.push("db")

    @event.listens_for(engine, "after_cursor_execute")
    def _after(*_a, **_k):
        clock.pop()

    import gc

    def _gc(phase, _info):
        if phase == "start":
            clock.push("gc")
        elif clock._stack and clock._stack[-1][0] == "gc":
            clock.pop()
    gc.callbacks.append(_gc)
    dialect = engine.dialect
    dialect.do_commit = clock.wrap("db", dialect.do_commit)
    seekers.ranked_posts = clock.wrap("scoring", seekers.ranked_posts)
    seekers.training_for_page = clock.wrap("training", seekers.training_for_page)
    seekers.render_template = clock.wrap("template", seekers.render_template)
    import webui.training as training
    training.with_course_fixes = clock.wrap("training", training.with_course_fixes)
    app.jinja_env.globals["match_view"] = clock.wrap("match_view", app.jinja_env.globals["match_view"])


def prepare(folder: Path, n_seekers: int, n_vacancies: int, market: Path | None, batch: bool,
            settle: bool = True) -> dict:
    """Market files, a fresh instance with them imported, a staff user; the app (fitted) and seeker ids."""
    from sqlalchemy import select

    from webui import create_app
    from webui.auth import create_user
    from webui.db import new_session
    from webui.engine import warm_up
    try:
        from webui.engine import settle_heap
    except ImportError:  # an older checkout compared with --against
        settle_heap = None
    from webui.models import Seeker
    from webui.store import import_files

    if market is None:
        from matcher.generate import generate_city, write_city
        city = generate_city(n_seekers, n_vacancies, seed=7, as_of=dt.date.today())
        paths = write_city(city, folder / "market")
    else:
        paths = {"seekers": market / "seekers.csv", "vacancies": market / "vacancies.csv"}
    batch_dir = None
    if batch:
        batch_dir = folder / "batch"
        subprocess.run([sys.executable, "-c", "from matcher.cli import main; main()", "batch", "--seekers",
                        str(paths["seekers"]), "--vacancies", str(paths["vacancies"]), "--out", str(batch_dir),
                        "--quiet"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    instance = folder / "instance"
    cfg = {"INSTANCE_PATH": str(instance), "DATABASE_URL": f"sqlite:///{instance / 'matcher.db'}",
           "SECRET_KEY": "profile", "SESSION_COOKIE_SECURE": False, "WTF_CSRF_ENABLED": False}
    if batch_dir is not None:
        cfg["BATCH_DIR"] = str(batch_dir)
    app = create_app(cfg)
    session = new_session(app)
    try:
        import_files(session, paths["seekers"], paths["vacancies"])
        create_user(session, "bench", "profile-pass-7x!Q", "staff", hash_method="pbkdf2:sha256:1000")
        ids = sorted(session.scalars(select(Seeker.seeker_id)))
    finally:
        session.close()
    with app.app_context():
        warm_up(app)
    if settle and settle_heap is not None:
        settle_heap()  # as `matcher serve` does after its start-up fit
    return {"app": app, "ids": ids}


def sign_in(app):
    client = app.test_client()
    r = client.post("/auth/login", data={"username": "bench", "password": "profile-pass-7x!Q"})
    if r.status_code != 302:
        raise RuntimeError(f"Sign-in failed with HTTP {r.status_code}.")
    return client


def page_set(ids: list[str], n: int, seed: int = 5, batch: bool = False) -> list[tuple[str, str]]:
    """(language, path) of the snapshot pages: ``n`` seekers, each in both languages, a third with filters;
    with ``batch`` every other page shows the capacity-aware list."""
    rng = random.Random(seed)
    chosen = rng.sample(ids, min(n, len(ids)))
    filters = ["", "?f=1&min_wage=3000", "?f=1&district=%E4%B8%9C%E5%8C%BA&shift=1", "?f=1&welfare=1&shift=1",
               "?f=1&min_wage=5%E5%8D%83"]
    out = []
    for i, sid in enumerate(chosen):
        q = filters[i % len(filters)] if i % 3 == 0 else ""
        if batch and i % 2:
            q = (q + "&" if q else "?") + "list=capacity"
        for lang in ("zh_CN", "en"):
            out.append((lang, f"/seekers/{sid}{q}"))
    return out


def normalise(html: str) -> str:
    """The page without what changes per request or run (CSRF tokens, the nightly batch's start time)."""
    html = _CSRF.sub('name="csrf_token" value=""', html)
    html = _BATCH_TIME.sub(r"\1\2", html)
    return _CSRF_META.sub(r"\1\2", html)


def snapshot(client, pages: list[tuple[str, str]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for lang, path in pages:
        client.post("/lang", data={"lang": lang})
        r = client.get(path)
        if r.status_code != 200:
            raise RuntimeError(f"{path} ({lang}): HTTP {r.status_code}")
        out[f"{lang} {path}"] = normalise(r.get_data(as_text=True))
    client.post("/lang", data={"lang": "zh_CN"})
    return out


def _key_file(key: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", key) + ".html"


def time_pages(app, client, clock: PhaseClock, paths: list[str], rounds: int, profiler=None) -> dict:
    per_round = []
    walls = []
    for _ in range(rounds):
        clock.reset()
        t0 = time.perf_counter()
        if profiler is not None:
            profiler.start()
        for p in paths:
            t = time.perf_counter()
            r = client.get(p)
            walls.append(1000 * (time.perf_counter() - t))
            if r.status_code != 200 or b'class="match"' not in r.data:
                raise RuntimeError(f"{p}: HTTP {r.status_code} or no ranked posts")
        if profiler is not None:
            profiler.stop()
        total = time.perf_counter() - t0
        tracked = sum(clock.totals.values())
        row = {k: 1000 * v / len(paths) for k, v in clock.totals.items()}
        row["other"] += 1000 * (total - tracked) / len(paths)
        row["total"] = 1000 * total / len(paths)
        per_round.append(row)
    med = {k: round(statistics.median(r[k] for r in per_round), 2) for k in (*PHASES, "total")}
    walls.sort()
    return {"ms_per_page": med, "rounds": [{k: round(v, 2) for k, v in r.items()} for r in per_round],
            "page_p50_ms": round(walls[len(walls) // 2], 1),
            "page_p95_ms": round(walls[min(len(walls) - 1, int(0.95 * len(walls)))], 1)}


def run(a) -> dict:
    with tempfile.TemporaryDirectory(prefix="web-profile-") as tmp:
        prep = prepare(Path(tmp), a.seekers, a.vacancies, a.market, a.batch, settle=not a.no_settle)
        app, ids = prep["app"], prep["ids"]
        try:
            client = sign_in(app)
            if a.snapshot or a.check:
                pages = snapshot(client, page_set(ids, a.snapshot_seekers, batch=a.batch))
                folder = a.snapshot or a.check
                if a.snapshot:
                    folder.mkdir(parents=True, exist_ok=True)
                    for k, html in pages.items():
                        (folder / _key_file(k)).write_text(html, encoding="utf-8")
                    (folder / "index.json").write_text(json.dumps(sorted(pages), ensure_ascii=False, indent=1),
                                                       encoding="utf-8")
                    return {"snapshot": str(folder), "pages": len(pages)}
                differ = [k for k, html in pages.items()
                          if not (folder / _key_file(k)).exists()
                          or (folder / _key_file(k)).read_text(encoding="utf-8") != html]
                return {"check": str(folder), "pages": len(pages), "differ": differ[:20], "n_differ": len(differ)}
            clock = PhaseClock()
            instrument(app, clock)
            rng = random.Random(11)
            paths = [f"/seekers/{rng.choice(ids)}" for _ in range(a.pages)]
            for p in paths[:3]:  # warm the caches the first pages fill
                client.get(p)
            profiler = None
            if a.pyinstrument:
                try:
                    from pyinstrument import Profiler
                except ImportError:
                    raise SystemExit("--pyinstrument needs pyinstrument (a dev tool, not a project "
                                     "dependency): pip install pyinstrument") from None
                profiler = Profiler(interval=0.0005)
            res = time_pages(app, client, clock, paths, a.rounds, profiler)
            if profiler is not None:
                a.pyinstrument.write_text(profiler.output_text(unicode=True, color=False, show_all=False),
                                          encoding="utf-8")
            return {"seekers": len(ids), "pages": a.pages, "rounds": a.rounds, "batch": a.batch, **res,
                    "load_average": [round(x, 2) for x in os.getloadavg()]}
        finally:
            app.extensions["matcher_engine"].dispose()


def compare(a, argv: list[str]) -> dict:
    """Run this checkout's profiler and the ``--against`` checkout's (a copy of this file placed in its
    ``benchmarks/``) alternately, ``--alternations`` subprocesses each, on the same market files."""
    other = a.against.resolve()
    if not (other / "benchmarks" / "web_profile.py").exists():
        raise SystemExit(f"{other}/benchmarks/web_profile.py is missing: copy this file there first.")
    rest, skip = [], False
    for x in argv:  # the other run gets the same arguments but --against / --json
        if skip:
            skip = False
        elif x in ("--against", "--json"):
            skip = True
        elif not x.startswith(("--against=", "--json=")):
            rest.append(x)
    if "--rounds" not in rest:
        rest += ["--rounds", "1"]
    with tempfile.TemporaryDirectory(prefix="web-profile-market-") as tmp:
        if a.market is None:
            from matcher.generate import generate_city, write_city
            write_city(generate_city(a.seekers, a.vacancies, seed=7, as_of=dt.date.today()), Path(tmp))
            rest += ["--market", tmp]
        runs: dict[str, list[dict]] = {"this": [], "other": []}
        for i in range(a.alternations):
            for name, tree in (("other", other), ("this", ROOT)) if i % 2 == 0 else (("this", ROOT), ("other", other)):
                # each checkout runs its own copy of this profiler (its ROOT goes first on sys.path)
                out = subprocess.run([sys.executable, str(tree / "benchmarks" / "web_profile.py"), *rest],
                                     cwd=tree, env=dict(os.environ, PYTHONPATH=str(tree)), check=True,
                                     capture_output=True, text=True)
                runs[name].append(json.loads(out.stdout))
    med = {name: {k: round(statistics.median(r["ms_per_page"][k] for r in rs), 2) for k in (*PHASES, "total")}
           for name, rs in runs.items()}
    ratio = {k: (round(med["this"][k] / med["other"][k], 2) if med["other"][k] > 0.05 else None)
             for k in (*PHASES, "total")}
    return {"this": str(ROOT), "other": str(other), "ms_per_page": med, "ratio_this_over_other": ratio,
            "alternations": a.alternations, "load_average": [round(x, 2) for x in os.getloadavg()]}


def main(argv: list[str] | None = None) -> dict:
    argv = list(sys.argv[1:] if argv is None else argv)
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seekers", type=int, default=3000)
    ap.add_argument("--vacancies", type=int, default=600)
    ap.add_argument("--pages", type=int, default=30)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--market", type=Path, default=None, help="A folder with seekers.csv and vacancies.csv.")
    ap.add_argument("--batch", action="store_true", help="Run `matcher batch` first and serve its lists.")
    ap.add_argument("--pyinstrument", type=Path, default=None)
    ap.add_argument("--no-settle", action="store_true",
                    help="Skip webui.engine.settle_heap after the fit (to measure what it saves).")
    ap.add_argument("--snapshot", type=Path, default=None)
    ap.add_argument("--check", type=Path, default=None)
    ap.add_argument("--snapshot-seekers", type=int, default=150)
    ap.add_argument("--against", type=Path, default=None, help="Another checkout to compare with (alternating).")
    ap.add_argument("--alternations", type=int, default=4)
    ap.add_argument("--json", type=Path, default=None)
    a = ap.parse_args(argv)
    for name in ("seekers", "vacancies", "pages", "rounds", "alternations"):
        if getattr(a, name) < 1:
            ap.error(f"--{name} must be at least 1")
    res = compare(a, argv) if a.against else run(a)
    text = json.dumps(res, ensure_ascii=False, indent=1)
    print(text)
    if a.json:
        a.json.write_text(text + "\n", encoding="utf-8")
    return res


if __name__ == "__main__":
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    r = main()
    sys.exit(1 if r.get("n_differ") else 0)
