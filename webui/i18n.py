"""Translation catalogue upkeep (Flask-Babel; msgids in English, zh_CN shipped).

``python -m webui.i18n`` extracts every ``_()`` / ``gettext`` /
``lazy_gettext`` message from the Python modules and templates, merges them
into ``translations/zh/LC_MESSAGES/messages.po`` (gettext finds it for zh_CN) (new messages arrive
untranslated and are listed) and compiles ``messages.mo`` next to it. The
compiled ``.mo`` is shipped, so nothing needs compiling at run time; a test
checks that it is current and that no message lacks a translation.
"""
from __future__ import annotations

import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

HERE = Path(__file__).resolve().parent
TRANSLATIONS = HERE / "translations"
LOCALE = "zh"  # found by gettext for zh_CN (Babel: zh_Hans_CN) via its fallback chain
PO_PATH = TRANSLATIONS / LOCALE / "LC_MESSAGES" / "messages.po"
MO_PATH = PO_PATH.with_suffix(".mo")
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}
METHOD_MAP = [("**.py", "python"), ("templates/**.html", "jinja2")]


def extract_messages() -> Catalog:
    """All messages used by the web UI (a template catalogue, no translations)."""
    catalog = Catalog(project="pzh-matcher webui")
    for _filename, _lineno, message, comments, context in extract_from_dir(
            str(HERE), METHOD_MAP, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",)):
        catalog.add(message, None, context=context, auto_comments=comments)
    return catalog


def read_catalog(path: Path = PO_PATH) -> Catalog:
    """Read a ``.po`` file."""
    with path.open("rb") as fh:
        return read_po(fh, locale=LOCALE)


def compiled_bytes(catalog: Catalog) -> bytes:
    """The ``.mo`` bytes of ``catalog`` (fuzzy entries left out)."""
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    return buf.getvalue()


def untranslated(catalog: Catalog) -> list[str]:
    """Message ids with an empty or fuzzy translation."""
    return [str(m.id) for m in catalog if m.id and (not m.string or m.fuzzy)]


def update_and_compile() -> list[str]:
    """Merge new messages into the zh_CN ``.po``, write it and the ``.mo``.

    Returns the message ids still lacking a translation.
    """
    template = extract_messages()
    catalog = read_catalog() if PO_PATH.exists() else Catalog(locale=LOCALE)
    catalog.update(template, no_fuzzy_matching=True)
    PO_PATH.parent.mkdir(parents=True, exist_ok=True)
    with PO_PATH.open("wb") as fh:
        write_po(fh, catalog, sort_output=True, omit_header=False, no_location=True, ignore_obsolete=True)
    MO_PATH.write_bytes(compiled_bytes(read_catalog()))
    return untranslated(read_catalog())


if __name__ == "__main__":  # pragma: no cover - maintenance entry point
    missing = update_and_compile()
    for msgid in missing:
        print(f"untranslated: {msgid}")
    sys.exit(1 if missing else 0)
