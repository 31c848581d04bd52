"""Clauses out of blocks, each with its location as tender documents number them.

Levels, outermost first: 第X章/第X部分/第X篇 (chapter), 第X节 (section), 第X条 (article),
一、 (item), （一） (sub-item), 1. / 1、 / 1.1 / 1.1.1 (numbered point), （1） / 1） / ① (list entry).
A heading block (a marker and a short title, no sentence) sets the context for the blocks
after it; a block with text is a clause located by the context and its own marker. A paragraph
that runs several list entries together (…；（2）…；（3）…) is split at each entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .extract import Block, UnreadableDocument

# Clauses one review reads: a 100-page tender has about 5,300, so this is some 900 pages of dense text. Past
# it a review is not one a reviewer can decide clause by clause (19 MB of text: 355,766 findings, 210 s in
# one request, past any server's timeout), and the document is to be split.
MAX_CLAUSES = 50_000

_NUM = "[一二三四五六七八九十百零〇两0-9]+"
# (level, pattern at the start of a block); the first that matches decides.
_MARKERS: list[tuple[int, re.Pattern]] = [
    (0, re.compile(rf"^第{_NUM}[章篇]|^第{_NUM}部分")),
    (1, re.compile(rf"^第{_NUM}节")),
    (2, re.compile(rf"^第{_NUM}条")),
    (3, re.compile(r"^[一二三四五六七八九十]+[、．.]")),
    (4, re.compile(r"^[（(][一二三四五六七八九十]+[）)]")),
    (5, re.compile(r"^\d{1,2}(?:\.\d{1,2}){1,3}(?![\d%万亿元])")),
    (5, re.compile(r"^\d{1,2}[、．.](?!\d)")),
    (9, re.compile(r"^[（(]\d{1,2}[）)]|^\d{1,2}[）)]|^[①-⑳]")),
]
ENTRY = 9
_INLINE_ENTRY = re.compile(r"(?<=[；;。：:])\s*(?=[（(]\d{1,2}[）)]|[①-⑳])")
_SENTENCE_END = re.compile(r"[。；;！？!?]")


def marker(text: str) -> tuple[int, str] | None:
    for level, pattern in _MARKERS:
        match = pattern.match(text)
        if match:
            mark = match.group(0)
            if level == 5 and not mark.endswith((".", "、", "．")):
                return 5 + mark.count("."), mark  # 1.1 and 1.1.1 sit below 1.
            return level, mark
    return None


def starts_item(text: str) -> bool:
    return marker(text.strip()) is not None


def _is_heading(text: str, found: tuple[int, str]) -> bool:
    rest = text[len(found[1]) :].strip()
    return len(rest) <= 30 and not _SENTENCE_END.search(rest) and "|" not in rest and found[0] < ENTRY


@dataclass(frozen=True)
class Clause:
    number: int  # 1-based, in reading order
    text: str
    location: str
    page: int | None = None
    paragraph: int | None = None


_GAP = re.compile(r"(?<=[\u3400-\u9fff]) +(?=[\u3400-\u9fff])")


def _location(context: dict[int, str], block: Block) -> str:
    # "第二章 投标人须知" as Chinese is typeset: a full-width space between chapter and title
    parts = [_GAP.sub("\u3000", context[level]) for level in sorted(context)]
    where = " › ".join(parts)
    place = []
    if block.table:
        place.append(f"表{block.table}")
    if block.page:
        place.append(f"第{block.page}页")
    elif block.paragraph:
        place.append(f"第{block.paragraph}段")
    return " · ".join(p for p in (where, " ".join(place)) if p)


def split(blocks: list[Block]) -> list[Clause]:
    clauses: list[Clause] = []
    context: dict[int, str] = {}
    for block in blocks:
        text = block.text.strip()
        found = marker(text)
        if found:
            level, mark = found
            for deeper in [key for key in context if key >= level]:
                del context[deeper]
            if _is_heading(text, found):
                label = text if level <= 1 else mark
                context[level] = label[:40]
                if level <= 1 or not text[len(mark) :].strip():
                    continue  # a chapter title or a bare number is not a clause
            else:
                context[level] = mark
        for piece in _INLINE_ENTRY.split(text):
            piece = piece.strip()
            if not piece:
                continue
            where = dict(context)
            inner = marker(piece)
            if inner and piece is not text and inner[0] == ENTRY:
                where[inner[0]] = inner[1]
            clauses.append(
                Clause(len(clauses) + 1, piece, _location(where, block), block.page, block.paragraph)
            )
            if len(clauses) > MAX_CLAUSES:
                raise UnreadableDocument(
                    _("The document has more than %(most)s clauses; at most %(most)s are reviewed at once: "
                      "split it.") % {"most": f"{MAX_CLAUSES:,}"}
                )
    return clauses


# --- a review's stored text, and quotes placed on its clauses ------------------------------------


def squeezed(text: str) -> str:
    """``text`` without any whitespace: a quote is compared with the document as it is, however it wraps."""
    return "".join((text or "").split())


def of_stored_text(text: str) -> list[Clause]:
    """A review's stored text split again as the review split it; an empty list for text that cannot be
    read. The stored text keeps no pages, paragraphs or tables, so a clause's location is its chapter and
    item path only, never a page made up from the text's one run."""
    from .extract import UnreadableDocument, extract_text

    try:
        blocks = extract_text(text)
    except UnreadableDocument:
        return []
    return split([Block(block.text) for block in blocks])


def place(found: list[Clause], quotes: list[str]) -> list[int | None]:
    """For each quote, the index in ``found`` of the clause it is, or the clause where it begins (its first
    60 characters found in the clauses run together, so a quote may run on into the next clause); None when
    it is in none of them. One Aho–Corasick pass over the text for the quotes that are not a whole clause, so
    the work grows with the text and the quotes, not with their product."""
    texts = [squeezed(clause.text) for clause in found]
    whole: dict[str, int] = {}
    for number, text in enumerate(texts):
        whole.setdefault(text, number)
    heads = [squeezed(quote)[:60] for quote in quotes]
    placed: list[int | None] = [whole.get(squeezed(quote)) for quote in quotes]
    rest = {head for head, at in zip(heads, placed, strict=True) if at is None and head}
    if rest:
        import bisect

        import ahocorasick

        automaton = ahocorasick.Automaton()
        for head in rest:
            automaton.add_word(head, head)
        automaton.make_automaton()
        starts, offset = [], 0
        for text in texts:
            starts.append(offset)
            offset += len(text)
        first: dict[str, int] = {}
        for end, head in automaton.iter("".join(texts)):
            first.setdefault(head, end - len(head) + 1)
        for number, head in enumerate(heads):
            if placed[number] is None and head in first:
                placed[number] = bisect.bisect_right(starts, first[head]) - 1
    return placed
