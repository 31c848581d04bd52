"""How a citation of an article or item reads: "第十五条第（七）项 / Art. 15 (7)"."""

from __future__ import annotations

import re

_DIGITS = "零一二三四五六七八九"
_KEY = re.compile(r"^(?P<article>\d+)(?:\.(?P<list>[a-z]?)(?P<item>\d+))?$")


def chinese_number(number: int) -> str:
    """1..999 as Chinese numerals the way article numbers are written (十五, 二十三, 一百零五)."""
    if number < 10:
        return _DIGITS[number]
    if number < 20:
        return "十" + (_DIGITS[number % 10] if number % 10 else "")
    if number < 100:
        return _DIGITS[number // 10] + "十" + (_DIGITS[number % 10] if number % 10 else "")
    rest = number % 100
    head = _DIGITS[number // 100] + "百"
    if rest == 0:
        return head
    return head + ("零" + _DIGITS[rest] if rest < 10 else ("一" if rest < 20 else "") + chinese_number(rest))


def parse_key(key: str) -> tuple[int, str, int | None] | None:
    """("15.b3") -> (15, "b", 3); ("15") -> (15, "", None); None when not a key."""
    match = _KEY.match(str(key).strip())
    if match is None:
        return None
    item = match.group("item")
    return int(match.group("article")), match.group("list") or "", int(item) if item else None


def citation_label(key: str, *, language: str | None = None) -> str:
    """Label of a citation key: bilingual ("第六条 / Art. 6", for the API and the CLI), or in one
    language when ``language`` is given ("zh-hans" → 第六条, "en" → Art. 6: what a page shows);
    a malformed key is shown as it is."""
    parsed = parse_key(key)
    if parsed is None:
        return str(key)
    article, list_letter, item = parsed
    chinese = f"第{chinese_number(article)}条"
    english = f"Art. {article}"
    if item is not None:
        if list_letter:
            list_number = ord(list_letter) - ord("a") + 1
            chinese += f"第{chinese_number(list_number)}部分"
        chinese += f"第（{chinese_number(item)}）项"
        english += f" ({list_letter}{item})"
    if language is not None:
        return chinese if language.lower().startswith("zh") else english
    return f"{chinese} / {english}"


def anchor(key: str) -> str:
    """The fragment of the article or item on the policy page."""
    parsed = parse_key(key)
    if parsed is not None and parsed[2] is not None:
        return f"item-{str(key).strip()}"
    return f"article-{str(key).strip().split('.', 1)[0]}"
