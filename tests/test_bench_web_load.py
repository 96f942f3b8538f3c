"""Smoke run of the web load benchmark (benchmarks/web_load.py): a real server, real sign-in, real pages.

Marked ``slow``: starting ``matcher serve`` fits the matcher (a fixed cost of
tens of seconds, mostly the occupation coder), so this runs in ``make test``
but not in ``make test-fast``.
"""
from __future__ import annotations

import json

import pytest
import requests

from benchmarks import web_load


def test_percentiles_and_errors_are_counted_from_real_requests(monkeypatch):
    """``fire`` against a tiny local HTTP server: one path fails, the rest succeed."""
    import http.server
    import threading

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's naming
            ok = self.path != "/seekers/BAD"
            body = b'<ol id="matches"><li class="match"></li></ol>' if ok else b"gone"
            if self.path == "/seekers/EMPTY":  # a page without its ranked list is a failure too
                body = b'<ol id="matches"></ol>'
            self.send_response(200 if ok else 404)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer((web_load.HOST, 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        base = f"http://{web_load.HOST}:{httpd.server_address[1]}"
        res = web_load.fire(base, [requests.Session() for _ in range(3)],
                            ["/seekers/A"] * 10 + ["/seekers/BAD", "/seekers/EMPTY"], time_limit=30)
    finally:
        httpd.shutdown()
    assert res["requests"] == 12 and res["errors"] == 2 and res["error_kinds"] == ["HTTP 200", "HTTP 404"]
    assert 0 < res["p50_ms"] <= res["p95_ms"] <= res["p99_ms"] <= res["max_ms"]
    assert not res["stopped_by_time_limit"]


@pytest.mark.slow
def test_smoke_run_serves_signed_in_seeker_pages(tmp_path):
    out = tmp_path / "web_load.json"
    res = web_load.main(["--smoke", "--json", str(out)])
    assert res["errors"] == 0 and res["requests"] == 24
    assert res["import_counts"]["seekers_db"]["inserted"] == 300
    assert res["fit_seconds"] is not None and res["fit_seconds"] > 0
    assert res["p50_ms"] <= res["p95_ms"] <= res["p99_ms"]
    assert res["machine"]["cores"] >= 1
    assert json.loads(out.read_text(encoding="utf-8"))["p95_ms"] == res["p95_ms"]
    # the server process was stopped and nothing listens on its port any more
    assert res["server_exit_code"] is not None
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://{web_load.HOST}:{res['server_port']}/auth/login", timeout=5)


@pytest.mark.slow
def test_smoke_run_with_the_nightly_batch_serves_its_lists(tmp_path):
    """``--batch``: ``matcher batch`` runs over the generated market first and the server uses its lists."""
    out = tmp_path / "web_load_batch.json"
    res = web_load.main(["--smoke", "--batch", "--json", str(out)])
    assert res["errors"] == 0 and res["requests"] == 24
    assert res["batch"] is True and res["batch_seconds"] > 0 and res["batch_run_id"]
    # the batch was computed from the very files imported, so the pages treat it as current
    assert res["batch_state"] == "current"
    assert json.loads(out.read_text(encoding="utf-8"))["batch_seconds"] == res["batch_seconds"]


def test_batch_state_is_read_from_the_page():
    assert web_load.batch_state_of('<ol id="matches"></ol>') == "none"
    assert web_load.batch_state_of('<div id="list-switch"></div>') == "current"
    assert web_load.batch_state_of('<div id="list-switch"></div><p id="batch-stale">') == "stale"
    assert web_load.batch_state_of('<div id="list-switch"></div><p id="batch-unknown">') == "unknown"
