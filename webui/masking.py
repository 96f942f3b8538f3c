"""Masking of personal data for display (Personal Information Protection Law).

Every function takes the raw value (str or None) and returns display text;
None or blank input gives ``""``. Nothing here logs or raises on odd input:
a value that does not look like a name, ID number or phone is still masked
(all but a short tail hidden) rather than shown.
"""
from __future__ import annotations

import re

#: Two-character Chinese surnames (复姓) kept whole when masking a name.
COMPOUND_SURNAMES: frozenset[str] = frozenset(
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 轩辕 令狐 "
    "端木 独孤 南宫 西门 百里 呼延 澹台 公冶 太史 申屠 钟离 闻人 万俟 赫连 濮阳 "
    "淳于 单于 拓跋 东郭 南门 羊舌 微生 梁丘 左丘 第五 公羊 谷梁 乐正 漆雕 司空".split())

_DIGITS = re.compile(r"\d")


def mask_name(name: str | None) -> str:
    """``张三`` → ``张*``, ``张三丰`` → ``张**``, ``欧阳娜娜`` → ``欧阳**``.

    The surname (one character, or a known compound surname when the name
    is longer than it) stays; every other non-space character becomes ``*``.
    """
    text = (name or "").strip()
    if not text:
        return ""
    keep = 2 if len(text) > 2 and text[:2] in COMPOUND_SURNAMES else 1
    rest = text[keep:]
    return text[:keep] + "".join(" " if ch.isspace() else "*" for ch in rest)


def mask_id_number(id_number: str | None) -> str:
    """``510402198001011234`` → ``5104**********1234`` (first 4 and last 4 kept).

    Values of 8 characters or fewer keep only their last 2 characters.
    """
    text = re.sub(r"\s+", "", id_number or "")
    if not text:
        return ""
    if len(text) <= 8:
        return "*" * (len(text) - 2) + text[-2:] if len(text) > 2 else "*" * len(text)
    return text[:4] + "*" * (len(text) - 8) + text[-4:]


def mask_phone(phone: str | None) -> str:
    """``13812345678`` → ``138****5678``; landlines keep only their last 4 digits.

    Only digits are masked; separators (``-``, spaces, ``+``) are kept.
    """
    text = (phone or "").strip()
    if not text:
        return ""
    n = len(_DIGITS.findall(text))
    if n >= 11:
        keep_head, keep_tail = 3, 4
    elif n > 4:
        keep_head, keep_tail = 0, 4
    else:
        keep_head, keep_tail = 0, 0
    out, i = [], 0
    for ch in text:
        if ch.isdigit():
            out.append(ch if i < keep_head or i >= n - keep_tail else "*")
            i += 1
        else:
            out.append(ch)
    return "".join(out)


def phone_tail(phone: str | None) -> str | None:
    """The last 4 digits of a phone number (the search key), or None."""
    digits = "".join(_DIGITS.findall(phone or ""))
    return digits[-4:] if len(digits) >= 4 else None


# --------------------------------------------------------------------------- who sees what
#: Purposes a reveal of a seeker's ID number and phone may be made for (codes stored in the
#: audit log; labels in :data:`webui.views.REVEAL_PURPOSE_LABELS`). A fixed list, so the log
#: never holds free text that could carry personal data.
REVEAL_PURPOSES: tuple[str, ...] = ("contact_referral", "followup_call", "verify_identity",
                                    "seeker_request", "benefit_case")


def works_case(user: object, seeker: object) -> bool:
    """True when ``user`` works ``seeker``'s case: a user of the seeker's own district.

    They must call the person, so they see the name (ID number and phone stay
    masked until a reveal with a stated purpose). Everyone else — city-wide
    staff and admins alike — sees the masked name: a role grants no more
    personal data than the work needs (PIPL art. 6, minimum necessary).
    """
    district = getattr(user, "district", None)
    return bool(district) and district == getattr(seeker, "district", None)


def display_name(user: object, seeker: object, revealed: bool = False) -> str:
    """The seeker's name as ``user`` may see it: in full when they work the case or after a reveal."""
    name = getattr(seeker, "name", None)
    return (name or "") if revealed or works_case(user, seeker) else mask_name(name)
