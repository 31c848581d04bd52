"""Chinese company and person names, normalised for matching (the eligibility name fallback).

``name_key`` turns a name into the form two spellings of one name share: NFKC (full-width
letters, digits and brackets become half-width), traditional to simplified (OpenCC ``t2s``),
lower case, and every bracket, punctuation mark and space removed (the words inside
brackets stay: 杭州某某（集团）有限公司 and 杭州某某(集团)有限公司 are one name).
``core_of`` also drops the company-form suffix (股份有限公司, 有限责任公司, 有限公司, …), so a
short name 某某科技 can be compared with 杭州某某科技有限公司. ``match`` scores a candidate and
says why.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _

from qinqing.core.zh_text import to_simplified

# Longest first: the first that ends the name is removed.
SUFFIXES = (
    "股份有限公司",
    "有限责任公司",
    "集团有限公司",
    "有限公司",
    "集团公司",
    "合伙企业",
    "个体工商户",
    "总公司",
    "分公司",
    "公司",
    "厂",
    "集团",
)
_DROP_CATEGORIES = ("P", "Z", "S")  # punctuation, separators, symbols


def name_key(name: str) -> str:
    text = unicodedata.normalize("NFKC", name or "")
    text = to_simplified(text).lower()
    return "".join(ch for ch in text if not unicodedata.category(ch).startswith(_DROP_CATEGORIES))


def core_of(key: str) -> str:
    """The name without its company-form suffix (``key`` already normalised)."""
    for suffix in SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix) + 1:
            return key[: -len(suffix)]
    return key


def _bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)} if len(text) > 1 else {text}


@dataclass(frozen=True)
class Match:
    score: float
    reason: str


def match(query: str, candidate: str) -> Match | None:
    """How well ``candidate`` (a stored name) matches ``query`` (both raw names); None below 0.5."""
    q, c = name_key(query), name_key(candidate)
    if not q or not c:
        return None
    if q == c:
        if query.strip() == candidate.strip():
            return Match(1.0, _("same name"))
        return Match(
            1.0, _("same name once brackets, punctuation, width and traditional characters are normalised")
        )
    qc, cc = core_of(q), core_of(c)
    if qc == cc:
        return Match(0.9, _("same name apart from the company-form suffix (有限公司, 股份有限公司, …)"))
    if len(qc) >= 2 and qc in cc:
        return Match(
            round(0.6 + 0.3 * len(qc) / len(cc), 2), _("the name asked is part of this name (a short name?)")
        )
    if len(cc) >= 2 and cc in qc:
        return Match(round(0.6 + 0.3 * len(cc) / len(qc), 2), _("this name is part of the name asked"))
    a, b = _bigrams(qc), _bigrams(cc)
    overlap = len(a & b) / len(a | b)
    if overlap >= 0.5:
        return Match(
            round(0.5 + 0.3 * overlap, 2),
            _("similar characters (%(percent)d%% of character pairs shared)")
            % {"percent": round(overlap * 100)},
        )
    return None
