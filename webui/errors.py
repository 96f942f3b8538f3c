"""One friendly, localised error page for 400/403/404/405/413/429/500.

Every request gets a short random request id (``g.request_id``, also sent as
the ``X-Request-Id`` header). The error page shows it so staff can quote it;
the log line for a 500 carries the id, method, path, endpoint, the exception
type and the stack as file:line:function — never the query string, form
values, source lines or the exception's message, which could hold personal data.
"""
from __future__ import annotations

import secrets
import traceback

from flask import Flask, g, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

#: Status codes with their own sentence on the error page.
HANDLED = (400, 401, 403, 404, 405, 413, 429, 500)


def request_id() -> str:
    """This request's id (made on first use)."""
    rid = g.get("request_id")
    if rid is None:
        rid = g.request_id = secrets.token_hex(6)
    return rid


def _description(exc: HTTPException) -> str:
    """A view's own localised description; werkzeug's English defaults are not shown."""
    if getattr(exc, "localised", False):
        return str(exc.description or "")
    desc = exc.description
    if not desc or desc == type(exc).description or type(exc).__name__ == "CSRFError":
        return ""
    return str(desc)


def render_error(code: int, description: str = ""):
    """The error page for ``code`` (a response tuple)."""
    try:
        body = render_template("error.html", code=code, description=description, request_id=request_id())
    except Exception:  # the page itself failed (e.g. database down): plain text, still no traceback
        body = f"Error {code}. Request id {request_id()}."
    return body, code


def init_app(app: Flask) -> None:
    """Register the request id and the error handlers."""

    @app.before_request
    def _assign_request_id():
        request_id()

    @app.after_request
    def _request_id_header(response):
        response.headers["X-Request-Id"] = request_id()
        return response

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        code = exc.code or 500
        if code < 400:
            return exc
        if code >= 500:
            _log_500(app, exc)
        elif code == 403:
            _audit_denied()
        response = render_error(code, _description(exc) if code < 500 else "")
        if code == 405 and exc.get_response().headers.get("Allow"):
            return response[0], code, {"Allow": exc.get_response().headers["Allow"]}
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        if isinstance(exc, HTTPException):  # pragma: no cover - routed above
            return _http_error(exc)
        _log_500(app, exc)
        return render_error(500)


def _audit_denied() -> None:
    """Audit a refused request (403) by a signed-in user: endpoint and method only."""
    from flask_login import current_user

    from .audit import record
    from .db import get_session

    try:
        if not current_user.is_authenticated:
            return
        db = get_session()
        db.rollback()
        record("denied", detail=f"{request.method} {request.endpoint or request.path[:100]}")
        db.commit()
    except Exception:  # never turn a 403 into a 500
        from flask import current_app

        current_app.logger.warning("request %s: could not audit a denied request", request_id())


def _log_500(app: Flask, exc: BaseException) -> None:
    original = getattr(exc, "original_exception", None) if isinstance(exc, InternalServerError) else exc
    original = original or exc
    # file, line and function of each frame: no source lines, no locals, no exception message
    stack = "".join(f"  {f.filename}:{f.lineno} in {f.name}\n"
                    for f in traceback.extract_tb(original.__traceback__)) if original.__traceback__ else ""
    app.logger.error("request %s failed: %s %s (endpoint %s): %s\n%s", request_id(), request.method,
                     request.path[:200], request.endpoint, type(original).__name__, stack)
