"""The password rules, shared by ``matcher create-user`` and every web form.

A password must have at least :data:`MIN_LENGTH` characters and at least
:data:`MIN_DISTINCT` different characters, must not contain the username, and
must not be on the shipped list of common passwords (``data/common-passwords.txt.gz``,
19,640 entries; source and licence in ``data/COMMON-PASSWORDS-SOURCE.md``),
compared in lower case. Passwords are hashed with werkzeug's scrypt
(``scrypt:32768:8:1``, salted) unless a caller passes another method.
"""
from __future__ import annotations

import functools
import gzip
from pathlib import Path

from flask_babel import gettext as _

MIN_LENGTH = 12
MIN_DISTINCT = 5
HASH_METHOD = "scrypt"
COMMON_PASSWORDS_PATH = Path(__file__).resolve().parent / "data" / "common-passwords.txt.gz"


@functools.lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The shipped common passwords, lower case."""
    with gzip.open(COMMON_PASSWORDS_PATH, "rt", encoding="utf-8") as fh:
        return frozenset(line.strip().lower() for line in fh if line.strip())


def password_problems(password: str, username: str) -> list[str]:
    """Why ``password`` is refused for ``username`` (empty list = accepted).

    The sentences are in the request's language (English outside a request).
    """
    password = password or ""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(_("The password must have at least %(n)s characters.", n=MIN_LENGTH))
    if len(set(password)) < MIN_DISTINCT:
        problems.append(_("The password must use at least %(n)s different characters.", n=MIN_DISTINCT))
    name = (username or "").strip().lower()
    if name and name in password.lower():
        problems.append(_("The password must not contain the username."))
    if password.lower() in common_passwords():
        problems.append(_("The password is on the list of commonly used passwords."))
    return problems
