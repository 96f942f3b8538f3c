"""Cleaning of job titles as employers and seekers write them.

Real titles carry noise that says nothing about the occupation: locations in
brackets (``（郓城）``), pay promises (``月入3万``, ``8k-12k``, ``五险一金``),
recruiting shouts (``急招``, ``高薪``), emojis, company names and reference
numbers. :func:`clean_title` strips that noise so that the occupation coder
sees the occupation words only.
"""
from __future__ import annotations

import re
import unicodedata

__all__ = ["clean_title"]

# Brackets of every kind whose content is removed when it is a note rather
# than the occupation itself (locations, pay, shift hints, reference ids).
_BRACKETED = re.compile(r"[\(\[【（〔〈<{「『][^\(\)\[\]【】（）〔〕〈〉<>{}「」『』]*[\)\]】）〕〉>}」』]")

_COMPANY = re.compile(
    r"[\u4e00-\u9fffA-Za-z0-9]{2,}?"
    r"(?:股份有限公司|有限责任公司|有限公司|集团公司|分公司|总公司|公司|集团|工作室|事务所)"
)

# Pay, amounts and ranges: 月入3万, 月薪8000, 底薪+提成, 8k-12k, 5000-8000元, 年薪20万, 150元/天 …
_PAY = re.compile(
    r"(?<![a-z])(?:月入|月薪资|月薪|年薪|日薪|时薪|底薪|保底|综合|税后|税前|到手|工资|薪资|薪水)?"
    r"\s*[0-9０-９\.]+\s*(?:[kK千万wW]|元)?\s*(?:[-~～至到]\s*[0-9０-９\.]+\s*(?:[kK千万wW]|元)?)?"
    r"\s*(?:元)?\s*(?:/|每)?\s*(?:月|天|日|时|小时|年)?(?:以上|起|左右|\+)?"
    r"(?=$|[^0-9A-Za-z])"
)
_PAY_WORDS = re.compile(
    r"(?:月入过?万|月薪过?万|年薪百万|高底薪|无责底薪|底薪|保底|高提成|提成|加班费|年终奖|"
    r"待遇优厚|待遇从优|待遇好|福利好|"
    r"五险一金|六险一金|五险二金|五险|社保|周末双休|单双休|双休|单休|大小周|做五休二|朝九晚[五六]|"
    r"不加班|无需加班|免费培训|带薪培训|包吃包住|包吃住|包住宿|包食宿|包住|包吃|管吃住|提供住宿|免费住宿|有住宿|"
    r"包水电|包床上用品|可以?就近安排|就近安排|"
    r"急招|急聘|诚聘|高薪|直招|直聘|招聘(?!专员|经理|主管|顾问|助理|总监|官|hr|实习|$)|热招|长期|短期|"
    r"可兼职|兼职|全职|全/兼职|日结|周结|月结|名额有限|多名|若干|"
    r"无经验|无需经验|经验不限|零基础|可实习|欢迎有志之士加入|欢迎加入|有意者|速来|"
    r"上不封顶|入职即|缴纳)"
)
_HEADCOUNT = re.compile(r"[0-9]+\s*(?:名|人|位)")
_AGE = re.compile(r"[0-9]+\s*(?:[-~～至到]\s*[0-9]+\s*)?(?:周)?岁(?:以[下上内])?")
_HOURS = re.compile(
    r"(?:早|朝)[0-9一二三四五六七八九十:：]+晚[0-9一二三四五六七八九十:：]+(?:点半|点)?|"
    r"月休[0-9一二三四五六七八九十\-~]+天?|[0-9一二三四五六七八九十]+天休[0-9一二三四五六七八九十]+"
)
_NOISE_EXTRA = re.compile(r"无责任?|可小白|接受小白|接受新手|可培训|生熟手都可以|不限经验|经验要求")
# "<company>招聘<title>" and "急招【<title>】": the title follows the recruiting verb.
_RECRUIT_VERB = r"(?:招聘|急招|急聘|诚聘|直招|直聘|热招|高薪招聘)"
_RECRUIT_BRACKET = re.compile(r"^[^【\[\(（]*?" + _RECRUIT_VERB + r"\s*[【\[\(（]([^】\]\)）]+)[】\]\)）]")
_RECRUIT_PREFIX = re.compile(
    r"^[^【\[\(（]*?" + _RECRUIT_VERB + r"(?!专员|经理|主管|顾问|助理|总监|官|hr|实习|$)"
)
_LEADING_ZHAO = re.compile(r"^招(?!商|生|标|聘|募|投|待|股|租|考|录|收)")
_JOB_ID = re.compile(r"\b[A-Za-z]{0,3}\d{3,}\b")
_TRAILING_DIGITS = re.compile(r"[\s0-9\-_#\.]+$")
_SYMBOLS = re.compile(r"[^\w\s\u4e00-\u9fff\+\#\.]")
_SPACES = re.compile(r"\s+")
_MEANINGFUL = re.compile(r"[A-Za-z\u4e00-\u9fff]")


def _strip_symbols(text: str) -> str:
    """Replace emojis, punctuation and other symbols by spaces."""
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat[0] in "LN" or ch in " +#.":
            out.append(ch)
        else:
            out.append(" ")
    return "".join(out)


def clean_title(text: str) -> str:
    """Return the occupation words of a job title.

    Applies NFKC (full-width to half-width), removes bracketed notes
    (``（郓城）``, ``【急招】``, ``(J10010)``), company-name fragments
    (``XX有限公司``), pay promises and ranges (``月入3万``, ``8k-12k``,
    ``底薪+提成``, ``五险一金``, ``双休``), recruiting words (``急招``,
    ``诚聘``, ``高薪``, ``直招``, ``包吃住``, ``不加班``), emojis and
    symbols, and trailing digits; lower-cases Latin letters and keeps English
    words. Separators (``/``, ``、``, ``-``) become single spaces.

    Never returns an empty string for input that had letters or CJK
    characters: when cleaning would remove everything, the NFKC form of the
    input (lower-cased, symbols removed) is returned instead. ``None``, NaN
    and non-strings are treated as the empty string and return ``""``.
    """
    if not isinstance(text, str):
        return ""
    base = unicodedata.normalize("NFKC", text).lower()
    s = base
    s = _RECRUIT_BRACKET.sub(r" \1 ", s)
    cut = _RECRUIT_PREFIX.sub(" ", s)
    if _MEANINGFUL.search(_BRACKETED.sub(" ", cut)):
        s = cut
    s = _LEADING_ZHAO.sub(" ", s.strip())
    s = _BRACKETED.sub(" ", s)
    s = _BRACKETED.sub(" ", s)  # one level of nesting
    s = _COMPANY.sub(" ", s)
    s = _PAY_WORDS.sub(" ", s)
    s = _AGE.sub(" ", s)
    s = _HOURS.sub(" ", s)
    s = _NOISE_EXTRA.sub(" ", s)
    s = _HEADCOUNT.sub(" ", s)
    s = _PAY.sub(" ", s)
    s = _JOB_ID.sub(" ", s)
    s = _strip_symbols(s)
    s = _PAY_WORDS.sub(" ", s)
    s = _SPACES.sub(" ", s).strip()
    s = _TRAILING_DIGITS.sub("", s).strip(" +#.")
    if _MEANINGFUL.search(s):
        return s
    fallback = _SPACES.sub(" ", _strip_symbols(base)).strip()
    return fallback if _MEANINGFUL.search(fallback) else ""
