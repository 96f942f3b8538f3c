"""Certificates: levels (初级 .. 高级技师) and permits.

A lower certificate level than a post asks counts only partly
(``skills.certificate_level_shortfall``). A *permit* — a certificate a post
requires, above all the special-operation certificates required by law
(:data:`PERMIT_CATEGORIES`) — is satisfied only by a certificate the seeker
holds, never by a skill: :func:`names_certificate` tells certificates from
skills, :func:`permit_satisfied` decides between two certificates of a
special operation. :func:`matcher.core.items.build_items` applies the rule to
the item similarities, so every face that scores or explains a pair agrees.
"""
from __future__ import annotations

import re
import unicodedata

#: certificate level words, most specific first -> ordinal (1 初级 .. 5 高级技师)
CERT_LEVELS: tuple[tuple[str, int], ...] = (
    ("高级技师", 5), ("一级", 5), ("技师", 4), ("二级", 4), ("高级", 3), ("三级", 3),
    ("中级", 2), ("四级", 2), ("初级", 1), ("五级", 1),
)


def cert_level(text: str) -> int:
    """Certificate level 1 (初级/五级) .. 5 (高级技师/一级), 0 when none is stated."""
    for word, lvl in CERT_LEVELS:
        if word in text:
            return lvl
    return 0


# ------------------------------------------------------------------ permits
#: A text names a certificate (not a skill) when it ends with one of these words (a bracketed note after it is
#: allowed, e.g. 特种作业操作证(焊接与热切割)) or contains one of the certificate phrases.
_CERT_END = re.compile(r"(证|证书|执照|驾照|许可证|合格证|资格|职称)\s*([（(][^（()）]*[)）])?\s*$")
_CERT_WORDS = re.compile(r"作业证|操作证|上岗证|资格证|从业资格|执业证|特种作业|作业人员证")
#: English: a noun phrase ending in a credential ("forklift licence", "first aid certificate"), not a skill
#: phrase about papers ("apply for permits", "issue licences", "check certificate")
_CERT_EN = re.compile(r"^(?!(apply|obtain|issue|manage|check|process|handle|verify|grant|renew|hold|acquire|"
                      r"inspect|prepare|review|approve|ensure|maintain)\b).*\b(licen[cs]e|certificate|permit)$",
                      re.IGNORECASE)

#: Special operations that need a permit by law (特种作业, 应急管理部令第30号 as amended; 特种设备作业人员, TSG Z6001;
#: motor vehicles, 公安部令第162号): category -> words that name that permit. A post's certificate of one of
#: these categories is satisfied only by a seeker's certificate of the same category (for driving licences, a
#: class that covers the one asked), whatever the text similarity says.
PERMIT_CATEGORIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("electrician", ("电工作业", "电工证", "低压电工", "高压电工", "防爆电气", "电工操作证", "电工特种作业")),
    ("welding", ("焊接与热切割", "焊工证", "熔化焊", "压力焊", "钎焊作业", "焊工操作证", "焊工特种作业")),
    ("heights", ("高处作业", "登高架设", "高处安装", "架子工证", "登高证")),
    ("forklift", ("叉车", "场(厂)内专用机动车辆", "场（厂）内专用机动车辆", "厂内专用机动车辆", "场内专用机动车辆",
                  "厂内机动车", "场内机动车")),
    ("crane", ("起重机械", "起重机", "桥式起重", "门式起重", "塔式起重", "塔吊", "起重司索", "起重指挥", "行车证",
               "天车证")),
    ("boiler", ("锅炉", "司炉")),
    ("pressure_vessel", ("压力容器", "气瓶充装")),
    ("refrigeration", ("制冷与空调",)),
    ("hazchem", ("危险化学品", "危化品")),
    ("mine_safety", ("金属非金属矿山", "煤矿安全", "井下作业", "矿山安全")),
    ("blasting", ("爆破",)),
    ("tractor", ("拖拉机", "联合收割机")),     # agricultural machinery licences: not road-vehicle classes
    ("driving", ("驾驶证", "驾照", "机动车驾驶")),
)

#: Driving licence classes and the classes each one also allows (公安部令第162号, 附件1).
DRIVING_CLASSES: dict[str, frozenset[str]] = {
    "A1": frozenset({"A1", "A3", "B1", "B2", "C1", "C2", "C3", "C4", "M"}),
    "A2": frozenset({"A2", "B1", "B2", "C1", "C2", "C3", "C4", "M"}),
    "A3": frozenset({"A3", "C1", "C2", "C3", "C4"}),
    "B1": frozenset({"B1", "C1", "C2", "C3", "C4", "M"}),
    "B2": frozenset({"B2", "C1", "C2", "C3", "C4", "M"}),
    "C1": frozenset({"C1", "C2", "C3", "C4"}),
    "C2": frozenset({"C2"}),
    "C3": frozenset({"C3", "C4"}),
    "C4": frozenset({"C4"}),
    "C5": frozenset({"C5"}),
    "C6": frozenset({"C6"}),
    "D": frozenset({"D", "E", "F"}),
    "E": frozenset({"E", "F"}),
    "F": frozenset({"F"}),
    "M": frozenset({"M"}),
}
_CLASS_RE = re.compile(r"(?<![A-Za-z])(A1|A2|A3|B1|B2|C1|C2|C3|C4|C5|C6|D|E|F|M)(?![A-Za-z0-9])")


def names_certificate(text: str) -> bool:
    """True when ``text`` names a certificate, licence or qualification rather than a skill.

    ``低压电工作业证``, ``特种作业操作证(焊接与热切割)``, ``C1驾驶证``, ``焊工(四级)`` (a level), ``中级会计职称``
    do; ``低压电工作业``, ``电工``, ``叉车操作`` do not.
    """
    t = unicodedata.normalize("NFKC", str(text)).strip()
    return bool(t) and (bool(_CERT_END.search(t)) or bool(_CERT_WORDS.search(t)) or bool(_CERT_EN.search(t))
                        or cert_level(t) > 0)


#: A requirement sentence in a post's text: 须持X上岗 / 需持有X / 必须取得X / 要求具备X / 持X上岗 (not 持X者优先,
#: which prefers and does not require). X runs to the next punctuation; 上岗 / 方可上岗 / 者 after it is not part of it.
_REQ_SENTENCE = re.compile(
    r"(?:(?P<req>必须|须|需要|需|要求|应)(?:持有|持|具备|取得|具有)|(?<![须需应要必])持(?!有效))"
    r"(?P<cert>[^，。；;,、！!？?\s：:]{2,40}?)(?P<tail>(?:方可|才能|才可)?上岗|者|的人员|人员)?(?=$|[，。；;,、！!？?\s])")
#: between several certificates in one requirement (outside brackets: 特种作业操作证(焊接与热切割) is one)
_CERT_SPLIT = re.compile(r"以及|[和及]")


def _split_outside_brackets(text: str) -> list[str]:
    parts, depth, start, i = [], 0, 0, 0
    while i < len(text):
        ch = text[i]
        if ch in "(（[【":
            depth += 1
        elif ch in ")）]】":
            depth = max(0, depth - 1)
        elif depth == 0:
            m = _CERT_SPLIT.match(text, i)
            if m:
                parts.append(text[start:i])
                start = i = m.end()
                continue
        i += 1
    parts.append(text[start:])
    return parts


def required_certificates_in_text(text: str) -> list[str]:
    """Certificates a post's free text says are required (``须持低压电工作业证上岗`` -> ``['低压电工作业证']``).

    Only phrases that *require* count: 须/需/必须/要求/应 + 持(有)/具备/取得, or 持…上岗; a sentence that
    prefers (``持叉车证者优先``) does not. Each part must name a certificate (:func:`names_certificate`);
    ``须持证上岗`` alone names none. Alternatives (``A或B``) stay one requirement, kept only when every
    alternative names the same special-operation category (so that category's certificate satisfies it).
    """
    t = unicodedata.normalize("NFKC", str(text or ""))
    out: list[str] = []
    for m in _REQ_SENTENCE.finditer(t):
        cert, tail = m.group("cert").strip(), m.group("tail") or ""
        if cert.endswith("优先") or t.startswith("优先", m.end()):
            continue                                  # preferred, not required
        if not m.group("req") and "上岗" not in tail:
            continue                                  # a bare 持X counts only as 持X上岗
        for part in _split_outside_brackets(cert):
            part = part.strip()
            if "或" in part:
                alts = [a.strip() for a in part.split("或") if a.strip()]
                cats = {permit_category(a) for a in alts}
                if len(cats) != 1 or None in cats or not all(names_certificate(a) for a in alts):
                    continue
            if len(part) >= 2 and names_certificate(part) and part not in out:
                out.append(part)
    return out


def posted_certificates(listed: list[str], text: str) -> list[str]:
    """A post's required certificates: those listed under ``certificates_required`` and those its text requires
    (:func:`required_certificates_in_text`), once each (compared after NFKC normalisation)."""
    out = list(listed)
    seen = {unicodedata.normalize("NFKC", str(c)).strip() for c in listed}
    for c in required_certificates_in_text(text):
        if c not in seen:
            seen.add(c)
            out.append(c)
    return out


def permit_category(text: str) -> str | None:
    """The special-operation category a certificate text names (see :data:`PERMIT_CATEGORIES`), else None.

    Only certificate texts have a category: the skill ``叉车操作`` has none, ``叉车证`` is ``forklift``.
    """
    if not names_certificate(text):
        return None
    t = unicodedata.normalize("NFKC", str(text))
    for category, words in PERMIT_CATEGORIES:
        if any(unicodedata.normalize("NFKC", w) in t for w in words):
            return category
    return None


def driving_class(text: str) -> str | None:
    """The licence class a driving-licence text names (``B2驾驶证`` -> ``B2``), else None."""
    m = _CLASS_RE.search(unicodedata.normalize("NFKC", str(text)).upper())
    return m.group(1) if m else None


def permit_satisfied(held: str, asked: str) -> bool | None:
    """Whether the certificate ``held`` satisfies the special-operation permit ``asked``.

    True / False when ``asked`` is a permit of a known category: the same
    category, and for driving licences a class covering the one asked (a
    licence without a class satisfies a post that names none). None when
    ``asked`` has no category: the text similarity decides.
    """
    want = permit_category(asked)
    if want is None:
        return None
    if permit_category(held) != want:
        return False
    if want == "driving":
        need, have = driving_class(asked), driving_class(held)
        if need is None:
            return True
        return have is not None and need in DRIVING_CLASSES.get(have, frozenset({have}))
    return True
