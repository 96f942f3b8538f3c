"""The translation catalogue: complete, compiled, and used by every page."""
from __future__ import annotations

import re
from pathlib import Path

from webui import i18n

TEMPLATES = Path(i18n.__file__).resolve().parent / "templates"


def test_every_message_has_a_chinese_translation():
    used = {str(m.id) for m in i18n.extract_messages() if m.id}
    catalog = i18n.read_catalog()
    translated = {str(m.id) for m in catalog if m.id and m.string and not m.fuzzy}
    assert used, "no messages extracted"
    assert sorted(used - translated) == []


def test_shipped_mo_is_compiled_from_the_po():
    assert i18n.MO_PATH.read_bytes() == i18n.compiled_bytes(i18n.read_catalog()), \
        "run `python -m webui.i18n` to recompile messages.mo"


def test_templates_have_no_hard_coded_words():
    """Outside {{ }} / {% %} blocks and tags, templates hold no letters or CJK text."""
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", " ", text, flags=re.S)
        text = re.sub(r"<[^>]*>", " ", text, flags=re.S)
        text = re.sub(r"&[a-z]+;", " ", text)
        words = re.findall(r"[A-Za-z]{2,}|[\u4e00-\u9fff]+", text)
        assert words == [], f"{path.name}: {words[:10]}"
