"""Parse scraped Chinese policy texts into chapters, articles and items.

Pipeline (``parse_policy``):

1. ``normalise_raw``: NFC, unified newlines, HTML tags removed, lines stripped,
   blank lines dropped. ``content_hash`` hashes this form.
2. ``repair_known_artefacts``: fixes a small table of known scrape artefacts
   (GBK byte-misalignment mojibake, see ``KNOWN_ARTEFACTS``).
3. ``strip_pinyin``: removes pinyin annotations such as ``區(qū)``.
4. ``to_simplified``: OpenCC ``t2s``.
5. ``normalise_punctuation``: the scraper turned full-width punctuation into
   ASCII; ``, ; : ! ?`` next to Chinese text and parentheses around Chinese
   text are turned back into full-width forms.
6. Structure: ``第X章`` lines start chapters (a bare ``第X章`` takes the next
   line as its title); ``第X条`` starts an article at the beginning of a line
   (if its number is higher than the last one; gaps are warned about) or
   mid-line right after ``。；！？`` if it is exactly the next number, so
   references such as ``依照第三条规定`` stay text.
   Other lines continue the current article: a line is glued to the previous
   one without a break when both sides of the break are Han characters (a word
   split over two lines, e.g. ``企业廉`` / ``洁文化``), otherwise it starts a
   new paragraph. The first line before any heading is the title; further
   lines before the first heading form the preamble.

Items and keys:

* A paragraph starting with ``(1)``/``（一）`` is an item; following paragraphs
  glued to it (see above) and any text on the same line belong to it (so the
  recusal sentences after ``(7)`` in article 15 stay inside item 7).
  A paragraph without a marker closes the list; a marker after a closed list
  or a restart at 1 opens a new list.
* Unnumbered lists: when an article has no numbered items and it ends with a
  lead-in paragraph ending in a colon followed by at least two paragraphs that
  each end in ``；`` or ``。`` (and whose count matches a number announced in
  the lead-in such as ``四个保障``), those paragraphs are items. This makes the
  four ``保障…`` lines of article 5 items 5.1-5.4.
* Item numbers are positional (1, 2, ...) within their list, so keys stay
  unique even if the source numbering is irregular (a warning is recorded).
* Keys: article ``"15"``; items of the first list ``"15.1"``, ``"15.2"`` ...;
  items of the second list in the same article ``"15.b1"``, ``"15.b2"`` ...,
  third list ``"15.c1"`` and so on. In the seed policy article 15 therefore
  has 15.1-15.7 (officials) and 15.b1-15.b6 (enterprises).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from qinqing.core.zh_text import TONE_MARKS as _TONE_MARKS
from qinqing.core.zh_text import is_han as _is_han
from qinqing.core.zh_text import strip_pinyin, to_simplified

# --------------------------------------------------------------------------
# Data model
# --------------------------------------------------------------------------


@dataclass
class Item:
    """A numbered (or clearly listed) item inside an article."""

    number: int
    key: str
    text: str
    list_number: int = 1


@dataclass
class Article:
    """An article (条); ``text`` is the full text without the heading."""

    number: int
    key: str
    text: str
    items: list[Item] = field(default_factory=list)


@dataclass
class Chapter:
    """A chapter (章); number 0 holds articles found before any chapter."""

    number: int
    title: str
    articles: list[Article] = field(default_factory=list)


@dataclass
class ParsedPolicy:
    """A parsed policy; ``warnings`` lists suspicious spots for a human to check."""

    title: str
    chapters: list[Chapter]
    preamble: str = ""
    warnings: list[str] = field(default_factory=list)

    @property
    def articles(self) -> list[Article]:
        """All articles in document order."""
        return [article for chapter in self.chapters for article in chapter.articles]


# --------------------------------------------------------------------------
# Chinese numerals
# --------------------------------------------------------------------------

_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_UNITS = {"十": 10, "百": 100, "千": 1000}
NUMERAL_CHARS = "".join(_DIGITS) + "".join(_UNITS) + "0123456789"


def chinese_numeral_to_int(text: str) -> int:
    """Convert ``一``..``九千九百九十九`` (or ASCII digits) to an int.

    Without unit characters the digits are positional (``二〇二三`` -> 2023).
    """
    text = text.strip()
    if text.isascii() and text.isdigit():
        return int(text)
    if not text or any(c not in _DIGITS and c not in _UNITS for c in text):
        raise ValueError(f"Not a Chinese numeral: {text!r}")
    if not any(c in _UNITS for c in text):
        return int("".join(str(_DIGITS[c]) for c in text))
    return _sum_with_units(text)


def _sum_with_units(text: str) -> int:
    """Evaluate a numeral containing 十/百/千 such as 二十三 or 一百零五."""
    total, current, pending_digit = 0, 0, False
    for char in text:
        if char in _UNITS:
            total += (current if pending_digit else 1) * _UNITS[char]
            current, pending_digit = 0, False
        elif _DIGITS[char] == 0:
            current, pending_digit = 0, False
        elif pending_digit:
            raise ValueError(f"Malformed Chinese numeral: {text!r}")
        else:
            current, pending_digit = _DIGITS[char], True
    return total + current


# --------------------------------------------------------------------------
# Text clean-up
# --------------------------------------------------------------------------

_HTML_TAG = re.compile(r"</?[A-Za-z][^<>]*>")


def normalise_raw(raw_text: str) -> str:
    """NFC, ``\\n`` newlines, no HTML tags, stripped lines, no blank lines."""
    text = unicodedata.normalize("NFC", raw_text.lstrip("\ufeff"))
    text = _HTML_TAG.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return "\n".join(line.strip() for line in text.split("\n") if line.strip())


def content_hash(raw_text: str) -> str:
    """SHA-256 (hex) of ``normalise_raw(raw_text)``, for idempotent re-import."""
    return hashlib.sha256(normalise_raw(raw_text).encode("utf-8")).hexdigest()


#: Known scrape artefacts: (garbled raw text, repaired raw text). The source
#: page was simplified text in GBK that was decoded one byte out of step, e.g.
#: "。“清”是指政商" became "?!扒濉笔侵刚剃", and was then converted to traditional
#: characters with pinyin. Each garbled run starts with "?" (an orphan byte);
#: the repairs restore the evident original wording.
KNOWN_ARTEFACTS: tuple[tuple[str, str], ...] = (
    ("?!坝H”", "。“親”"),
    ("?!扒濉笔侵刚剃P", "。“清”是指政商關"),
    ("?shù)毓珓?wù)", "地公務"),
    ("?shù)牧己梅諊?/p>", "的良好氛圍。"),
)


def repair_known_artefacts(text: str) -> str:
    """Replace the garbled runs listed in ``KNOWN_ARTEFACTS``."""
    for garbled, repaired in KNOWN_ARTEFACTS:
        text = text.replace(garbled, repaired)
    return text


_FULL_WIDTH = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？"}
_CJK_PUNCTUATION = "，。、；：！？“”‘’（）《》【】…—"


def _is_chinese_context(char: str) -> bool:
    """True for Han characters and Chinese punctuation."""
    return _is_han(char) or char in _CJK_PUNCTUATION


def _widen_punctuation(match: re.Match[str]) -> str:
    """Full-width form of the matched punctuation if next to Chinese text."""
    text, pos = match.string, match.start()
    before = text[pos - 1] if pos else ""
    after = text[pos + 1] if pos + 1 < len(text) else ""
    chinese = _is_chinese_context(before) or _is_chinese_context(after)
    return _FULL_WIDTH[match.group(0)] if chinese else match.group(0)


def _widen_parentheses(match: re.Match[str]) -> str:
    """Full-width parentheses around content that contains Han characters."""
    inner = match.group(1)
    return f"（{inner}）" if any(_is_han(c) for c in inner) else match.group(0)


def normalise_punctuation(text: str) -> str:
    """Restore full-width ``，；：！？`` and ``（）`` in Chinese text."""
    text = re.sub(r"[,;:!?]", _widen_punctuation, text)
    return re.sub(r"\(([^()\n]*)\)", _widen_parentheses, text)


def clean_text(raw_text: str) -> str:
    """Steps 1-5 of the pipeline: normalised, simplified text without pinyin."""
    text = repair_known_artefacts(normalise_raw(raw_text))
    return normalise_punctuation(to_simplified(strip_pinyin(text)))


# --------------------------------------------------------------------------
# Structure
# --------------------------------------------------------------------------

_NUMERAL = f"[{NUMERAL_CHARS}]+"
_CHAPTER_HEADING = re.compile(rf"^第({_NUMERAL})章\s*(.*)$")
_ARTICLE_HEADING = re.compile(rf"第({_NUMERAL})条\s*")
_ARTICLE_BOUNDARY = "。；;！!？?"
_ITEM_MARKER = re.compile(r"^[(（]\s*([0-9]+|[一二三四五六七八九十]+)\s*[)）]\s*")
_COLON_END = re.compile(r"[:：]$")
_LIST_COUNT = re.compile(r"([一二两三四五六七八九十]+)(?:个|项|类|种|条|方面)")
_LIST_PARAGRAPH_END = ("；", ";", "。")


@dataclass
class _ArticleDraft:
    number: int
    paragraphs: list[str] = field(default_factory=list)


@dataclass
class _ChapterDraft:
    number: int
    title: str
    articles: list[_ArticleDraft] = field(default_factory=list)


@dataclass
class _Builder:
    """Mutable state while walking the lines of a policy."""

    title: str = ""
    preamble: list[str] = field(default_factory=list)
    chapters: list[_ChapterDraft] = field(default_factory=list)
    last_article: int = 0
    awaiting_chapter_title: bool = False
    warnings: list[str] = field(default_factory=list)

    def current_article(self) -> _ArticleDraft | None:
        """The article that text currently belongs to, if any."""
        if self.chapters and self.chapters[-1].articles:
            return self.chapters[-1].articles[-1]
        return None

    def start_chapter(self, number: int, title: str) -> None:
        """Open a new chapter."""
        self.chapters.append(_ChapterDraft(number, title))
        self.awaiting_chapter_title = not title

    def start_article(self, number: int) -> None:
        """Open a new article (in an implicit chapter 0 if none is open)."""
        if not self.chapters:
            self.chapters.append(_ChapterDraft(0, ""))
        if number != self.last_article + 1:
            self.warnings.append(f"Article {number} follows article {self.last_article}.")
        self.chapters[-1].articles.append(_ArticleDraft(number))
        self.last_article = number

    def add_text(self, text: str) -> None:
        """Append text to the current article, the title or the preamble."""
        article = self.current_article()
        if article is not None:
            _append_paragraph(article.paragraphs, text)
        elif not self.title:
            self.title = text
        else:
            _append_paragraph(self.preamble, text)


def _append_paragraph(paragraphs: list[str], text: str) -> None:
    """Glue ``text`` to the last paragraph across a split word, else add it."""
    if paragraphs and _is_han(paragraphs[-1][-1]) and _is_han(text[0]):
        paragraphs[-1] += text
    else:
        paragraphs.append(text)


def _split_articles(line: str, last_article: int) -> Iterator[tuple[int | None, str]]:
    """Split a line into (article number or None, text) segments."""
    start, number = 0, None
    for match in _ARTICLE_HEADING.finditer(line):
        found = chinese_numeral_to_int(match.group(1))
        at_line_start = match.start() == 0 and found > last_article
        mid_line = match.start() > 0 and line[match.start() - 1] in _ARTICLE_BOUNDARY
        if not (at_line_start or (mid_line and found == last_article + 1)):
            continue
        if match.start() > start or number is not None:
            yield number, line[start : match.start()]
        start, number, last_article = match.end(), found, found
    yield number, line[start:]


def _handle_line(builder: _Builder, line: str) -> None:
    """Feed one cleaned line into the builder."""
    chapter = _CHAPTER_HEADING.match(line)
    if chapter:
        builder.start_chapter(chinese_numeral_to_int(chapter.group(1)), chapter.group(2).strip())
        return
    segments = list(_split_articles(line, builder.last_article))
    if builder.awaiting_chapter_title:
        builder.awaiting_chapter_title = False
        if segments[0][0] is None:
            builder.chapters[-1].title = line
            return
    for number, text in segments:
        if number is not None:
            builder.start_article(number)
        if text.strip():
            builder.add_text(text.strip())


# --------------------------------------------------------------------------
# Items
# --------------------------------------------------------------------------


def _list_suffix(list_index: int) -> str:
    """Key infix for the n-th list of an article: '' for the first, then b, c..."""
    return "" if list_index == 0 else chr(ord("a") + list_index)


def _numbered_lists(paragraphs: list[str], article: int, warnings: list[str]) -> list[list[str]]:
    """Group item-marked paragraphs into lists of item texts."""
    lists: list[list[str]] = []
    open_list: list[str] | None = None
    for paragraph in paragraphs:
        marker = _ITEM_MARKER.match(paragraph)
        if not marker:
            open_list = None
            continue
        written = chinese_numeral_to_int(marker.group(1))
        if open_list is None or (written == 1 and open_list):
            open_list = []
            lists.append(open_list)
        if written != len(open_list) + 1:
            warnings.append(f"Article {article}: item ({written}) is at position {len(open_list) + 1}.")
        open_list.append(paragraph[marker.end() :])
    return lists


def _implicit_list(paragraphs: list[str]) -> list[str]:
    """Unnumbered paragraphs after a trailing colon lead-in (see module docstring)."""
    for index in range(len(paragraphs) - 2, -1, -1):
        if _COLON_END.search(paragraphs[index]):
            candidates = paragraphs[index + 1 :]
            counts = _LIST_COUNT.findall(paragraphs[index])
            announced = chinese_numeral_to_int(counts[-1]) if counts else len(candidates)
            ends_ok = all(p.endswith(_LIST_PARAGRAPH_END) for p in candidates)
            if len(candidates) >= 2 and ends_ok and announced == len(candidates):
                return candidates
            return []
    return []


def _build_items(paragraphs: list[str], article: int, warnings: list[str]) -> list[Item]:
    """Items of an article with stable keys."""
    lists = _numbered_lists(paragraphs, article, warnings)
    if not lists:
        implicit = _implicit_list(paragraphs)
        lists = [implicit] if implicit else []
    return [
        Item(number, f"{article}.{_list_suffix(index)}{number}", text.strip(), index + 1)
        for index, texts in enumerate(lists)
        for number, text in enumerate(texts, start=1)
    ]


# --------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------

_GARBLE_HINT = re.compile(r"[?？\ufffd](?=[\u3400-\u9fff])|[\u3400-\u9fff][?？\ufffd]")
_LEFTOVER_TONE = re.compile(f"[{_TONE_MARKS}]")


def _text_warnings(chapters: Iterable[Chapter]) -> list[str]:
    """Warnings about likely mojibake or leftover pinyin in article texts."""
    warnings = []
    for chapter in chapters:
        for article in chapter.articles:
            if _GARBLE_HINT.search(article.text):
                warnings.append(f"Article {article.number}: possible garbled text (stray '?').")
            if _LEFTOVER_TONE.search(article.text):
                warnings.append(f"Article {article.number}: leftover pinyin.")
    return warnings


def _finish(builder: _Builder) -> ParsedPolicy:
    """Turn drafts into the public dataclasses."""
    chapters = []
    for draft in builder.chapters:
        articles = [
            Article(
                a.number,
                str(a.number),
                "\n".join(a.paragraphs),
                _build_items(a.paragraphs, a.number, builder.warnings),
            )
            for a in draft.articles
        ]
        chapters.append(Chapter(draft.number, draft.title, articles))
    warnings = builder.warnings + _text_warnings(chapters)
    return ParsedPolicy(builder.title, chapters, "\n".join(builder.preamble), warnings)


def parse_policy(raw_text: str) -> ParsedPolicy:
    """Parse a scraped policy text into title, chapters, articles and items."""
    builder = _Builder()
    for line in clean_text(raw_text).split("\n"):
        if line:
            _handle_line(builder, line)
    return _finish(builder)
