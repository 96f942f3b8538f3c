"""Yes/no cells: ``是/否``, ``有/无``, ``包/不包``, ``yes/no``, ``1/0``, ``✓/✗``.

The cell is NFKC-normalised, lower-cased, and stripped of spaces and of
trailing punctuation (``是。``, ``yes!``). A trailing parenthesised remark is
ignored (``是(每周轮换)`` -> yes). The text must then be one of the known
tokens exactly — ``不接受倒班`` is not guessed from its parts. Known tokens
include the domain phrases that answer the column itself: ``包吃住``/``包住``
(lodging), ``五险``/``五险一金``/``缴纳社保`` (social insurance), ``倒班``/
``三班倒`` (shift work) -> yes; ``不倒班``/``长白班``/``常白班`` -> no; an
answer word followed by the column's subject (``不接受倒班``, ``提供住宿``,
``无社保``) is read as that answer.

Returns ``(value, status)``: ``(True|False, "ok")``, ``(None, "missing")``
for empty cells, ``(None, "unknown")`` for anything else. Never raises.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from matcher.normalise.lists import is_missing

__all__ = ["YES", "NO", "parse_yesno"]

YES = frozenset({
    "yes", "y", "true", "t", "1", "1.0", "on", "ok", "是", "是的", "有", "包", "接受", "能",
    "提供", "✓", "✔", "√", "☑", "对", "可以", "愿意", "同意", "需要", "要", "行", "会", "可",
    "包吃住", "包吃包住", "包住", "提供住宿", "提供食宿", "五险", "五险一金", "六险一金",
    "缴纳社保", "购买社保", "有社保", "倒班", "三班倒", "两班倒", "轮班", "上夜班",
})
NO = frozenset({
    "no", "n", "false", "f", "0", "0.0", "off", "否", "不是", "无", "没有", "不包", "不接受",
    "不能", "不提供", "✗", "✘", "×", "☒", "不", "非", "不对", "不可以", "不愿意", "不同意",
    "不需要", "不要", "不行", "不会", "不可", "不倒班", "长白班", "常白班", "白班", "无倒班",
    "不包吃住", "不包住", "无社保", "不缴纳", "不上夜班",
})

#: Column subjects that may follow an answer word (``不接受倒班`` -> no).
_SUBJECTS = ("倒班", "夜班", "轮班", "加班", "住宿", "食宿", "吃住", "社保", "五险一金", "五险")

_REMARK = re.compile(r"\s*[(\[][^()\[\]]*[)\]]\s*$")
_TRAILING = re.compile(r"[\s.。!！,，;；、~]+$")


@lru_cache(maxsize=4096)
def _parse_text(text: str) -> tuple[bool | None, str]:
    t = unicodedata.normalize("NFKC", text).strip().lower()
    if not t:
        return None, "missing"
    t = _TRAILING.sub("", _REMARK.sub("", t)).strip()
    t = re.sub(r"\s+", "", t) if not t.isascii() else t
    if t in YES:
        return True, "ok"
    if t in NO:
        return False, "ok"
    # "不接受倒班", "接受加班", "提供住宿": an answer word followed by the column's subject.
    for subject in _SUBJECTS:
        if t.endswith(subject) and len(t) > len(subject):
            head = t[: -len(subject)]
            if head in YES:
                return True, "ok"
            if head in NO:
                return False, "ok"
    return None, "unknown"


def parse_yesno(cell: object) -> tuple[bool | None, str]:
    """Read a yes/no cell (see module docstring): ``(value, status)``."""
    if is_missing(cell):
        return None, "missing"
    if isinstance(cell, bool) or type(cell).__name__ == "bool_":
        return bool(cell), "ok"
    if isinstance(cell, (int, float)) or type(cell).__module__ == "numpy":
        try:
            value = float(cell)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return None, "unknown"
        if value == 1.0:
            return True, "ok"
        if value == 0.0:
            return False, "ok"
        return None, "unknown"
    return _parse_text(cell if isinstance(cell, str) else str(cell))
