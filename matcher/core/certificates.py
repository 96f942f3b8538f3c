"""Certificate levels (初级 .. 高级技师): a lower level than a post asks counts only partly."""
from __future__ import annotations

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
