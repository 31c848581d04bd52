"""Chinese that reads as Chinese: the typography rule the suite checks on rendered pages.

After a Chinese character the text takes full-width punctuation (：，。；？！), never the ASCII
``: , . ; ? !``; and no space stands between two Chinese words ("身份为 系统管理员" reads as a
gap). ``visible_text`` turns a page into the lines a reader sees (text of inline elements
joined, blocks and form controls apart; code, scripts and styles left out; the placeholder,
``aria-label`` and ``title`` a reader meets, too); ``problems`` lists every place that breaks
the rule, with a little context, and every run of four English words (a string left untranslated).
URLs, numbers and code are not prose: "第8条" followed by a digit, ``https://…`` and ``<code>``
contents are not checked.

``strip_pinyin``: the pinyin glosses of scraped pages removed ("區(qū)" → "區"); ``to_simplified``:
traditional characters to simplified (OpenCC ``t2s``, one converter per process) — for every reader of
Chinese text that compares it with simplified wording: the policy parser, the holiday notice, enterprise
names, the fair-competition review's clauses.
"""

from __future__ import annotations

import functools
import re
from html.parser import HTMLParser


@functools.lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


TONE_MARKS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_PINYIN_LETTERS = "a-zA-Zü" + TONE_MARKS
_PINYIN_GROUP = re.compile(rf"[(（]\s*([{_PINYIN_LETTERS}][{_PINYIN_LETTERS}' ]*)\s*[)）]")
#: Toneless (neutral-tone) syllables removed only right after a Han character.
NEUTRAL_TONE_SYLLABLES = frozenset({"de", "le", "me", "men", "zi", "ne", "ma", "ba", "ge", "zhe", "tou"})
_TONE_MARK_CHARS = frozenset(TONE_MARKS + "ü")


def is_han(char: str) -> bool:
    """True for CJK unified ideographs (including extension A and compatibility)."""
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"


def _is_pinyin(match: re.Match[str]) -> bool:
    """Decide whether a parenthesised latin group is a pinyin annotation."""
    group = match.group(1).strip()
    if any(c in _TONE_MARK_CHARS for c in group):
        return group == group.lower() or group[1:] == group[1:].lower()
    before = match.string[match.start() - 1] if match.start() else ""
    return group in NEUTRAL_TONE_SYLLABLES and is_han(before)


def strip_pinyin(text: str) -> str:
    """Remove pinyin annotations like ``區(qū)`` while keeping ``(1)`` or ``(PPP)`` (scraped pages gloss
    characters so: the policy seed, copies of local measures).

    A parenthesised group is pinyin if it consists of latin letters with at
    least one tone mark (or ü), written in lower case (an initial capital is
    allowed), or if it is a toneless neutral-tone syllable (``de``, ``le`` ...)
    directly after a Han character.
    """
    return _PINYIN_GROUP.sub(lambda m: "" if _is_pinyin(m) else m.group(0), text)


def to_simplified(text: str) -> str:
    """``text`` with traditional characters made simplified (OpenCC ``t2s``); simplified text comes back as it
    was (a phrase dictionary keeps 著作, 乾坤 and the like)."""
    return _t2s().convert(text)

# CJK ideographs (Unified, Extension A, Compatibility): the characters after which ASCII
# punctuation is wrong. Full-width punctuation itself (。，：) is not in the range.
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# ASCII punctuation right after a Chinese character; a dot that starts a file extension
# ("台账.xlsx") is not a full stop.
_ASCII_AFTER_HAN = re.compile(rf"[{_HAN}](?:[:,;?!]|\.(?![0-9A-Za-z]))")
_SPACE_BETWEEN_HAN = re.compile(rf"[{_HAN}][ \u00a0]+[{_HAN}]")
_URL = re.compile(r"(?:(?<=\s)|^)(?:https?://|/)\S*")
# Four English words in a row on a Chinese page: a string left untranslated (its msgid changed and
# the catalogue kept the old one, or it was never marked). Pinyin glosses are taken out first.
_ENGLISH = re.compile(r"\b[A-Za-z][a-z']+(?:[ ,;:]+[A-Za-z][a-z']+){3,}")

_INLINE = {
    "a",
    "abbr",
    "b",
    "cite",
    "em",
    "i",
    "label",
    "mark",
    "q",
    "s",
    "small",
    "span",
    "strong",
    "sub",
    "sup",
    "time",
    "u",
    "bdi",
    "bdo",
    "data",
    "var",
    "dfn",
    "ins",
    "del",
}
# Not our words: code, scripts, what a user is typing, and a <blockquote> — a clause quoted verbatim from
# the document under review (fairness), its spacing and punctuation the author's.
_SKIP = {
    "script", "style", "code", "pre", "kbd", "samp", "template", "noscript", "head", "title", "textarea",
    "blockquote",
}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_SHOWN_ATTRIBUTES = ("placeholder", "aria-label", "title", "alt")
# Boxes that stand apart from the prose around them: an article badge (第8条), a tile's
# article, a role, a tag. A link in a <nav> is an item of its own too.
_BOX_CLASSES = {"cite", "article", "tag", "badge", "item-key", "button"}


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.skipping: list[str] = []
        self.open: list[tuple[str, bool]] = []  # (tag, stands apart) of the open non-void elements

    def _break(self):
        line = re.sub(r"[ \t\r\n\f]+", " ", "".join(self.current)).strip()
        if line:
            self.lines.append(line)
        self.current = []

    def handle_starttag(self, tag, attrs):
        if self.skipping:
            if tag == self.skipping[-1]:
                self.skipping.append(tag)
            return
        if tag in _SKIP:
            self.skipping.append(tag)
            return
        for name, value in attrs:
            if name in _SHOWN_ATTRIBUTES and value:
                self.lines.append(re.sub(r"[ \t\r\n\f]+", " ", value).strip())
        classes = set((dict(attrs).get("class") or "").split())
        apart = (
            tag not in _INLINE
            or bool(classes & _BOX_CLASSES)
            or (tag == "a" and any(t == "nav" for t, _ in self.open))
        )
        if tag not in _VOID:
            self.open.append((tag, apart))
        if apart:
            self._break()

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in self.skipping[-1:] and tag in _SKIP:
            self.skipping.pop()

    def handle_endtag(self, tag):
        if self.skipping:
            if tag == self.skipping[-1]:
                self.skipping.pop()
            return
        apart = tag not in _INLINE
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index][0] == tag:
                apart = self.open[index][1]
                del self.open[index:]
                break
        if apart and tag not in _VOID:
            self._break()

    def handle_data(self, data):
        if not self.skipping:
            self.current.append(data)

    def close(self):
        super().close()
        self._break()


def visible_text(html: str) -> list[str]:
    """The lines of ``html`` a reader sees (see the module's docstring)."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return parser.lines


def problems(lines: list[str]) -> list[str]:
    """Each place in ``lines`` that breaks the rule, as the offending snippet with context."""
    found = []
    for line in lines:
        prose = _URL.sub(" URL ", line)
        for pattern in (_ASCII_AFTER_HAN, _SPACE_BETWEEN_HAN):
            for match in pattern.finditer(prose):
                start, end = max(0, match.start() - 12), min(len(prose), match.end() + 12)
                found.append(prose[start:end])
        found += [f"untranslated: {match.group(0)[:60]}" for match in _ENGLISH.finditer(strip_pinyin(prose))]
    return found


def page_problems(html: str) -> list[str]:
    return problems(visible_text(html))
