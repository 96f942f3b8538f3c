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
            body = b'<ol id="matches"></ol>' if ok else b"gone"
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
                            ["/seekers/A"] * 10 + ["/seekers/BAD"], time_limit=30)
    finally:
        httpd.shutdown()
    assert res["requests"] == 11 and res["errors"] == 1 and res["error_kinds"] == ["HTTP 404"]
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
