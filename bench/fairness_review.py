"""Fair-competition review benchmark (article 5, issue 16): a 100-page tender document reviewed in ≤ 2 s.

    ./qinqing bench fairness_review [--pages 100] [--repeat 5]

Builds a tender document of ``--pages`` pages (about 1,500 characters a page, as a typeset tender
page holds): chapters, numbered items and score tables drawn from the labeled corpus
(src/qinqing/fairness/tests/corpus/clauses.tsv, a tenth of them problematic) and lawful
boilerplate, as .docx (python-docx), .pdf with a text layer (WeasyPrint, one page break per page)
and .txt. Then times the whole review of each — read the file, split it into clauses, check every
clause against every seeded rule (``seed/rules.json``, loaded by migrations 0002–0008; the count
is printed) — best and median of ``--repeat`` runs, against a trivial operation on the same file:
reading its text without our work (python-docx opening the document and joining its paragraphs;
PDFium's text extraction (pypdfium2) in this process for the PDF, where the review runs it in a
child process under limits; decoding for the .txt). Prints one row per format with the
ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qinqing.settings")
os.environ.setdefault("QINQING_MODE", "test")


def build(pages: int, seed: int = 5):
    from qinqing.fairness.tests import corpus

    rng = random.Random(seed)  # noqa: S311 (bench data)
    rows = corpus.load()
    bad = [text for label, _s, text in rows if label != "lawful"]
    good = [text for label, _s, text in rows if label == "lawful"]
    items, chars, chapter = [], 0, 0
    page_of = []
    for page in range(pages):
        if page % 10 == 0:
            chapter += 1
            items.append(("heading", f"第{chapter}章 第{chapter}部分要求"))
        page_chars = 0
        item = 0
        while page_chars < 1500:
            item += 1
            text = rng.choice(bad) if rng.random() < 0.1 else rng.choice(good)
            line = f"{item}.{text}"
            items.append(("p", line))
            page_chars += len(line)
        page_of.append(len(items))
        chars += page_chars
    return items, page_of, chars


def to_docx(items) -> bytes:
    import io

    import docx

    document = docx.Document()
    for kind, text in items:
        (document.add_heading if kind == "heading" else document.add_paragraph)(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def to_text(items, page_of) -> str:
    lines, ends = [], set(page_of)
    for index, (_kind, text) in enumerate(items, start=1):
        lines.append(text + ("\f" if index in ends else "\n"))
    return "".join(lines)


def to_pdf(items, page_of) -> bytes:
    from html import escape

    from weasyprint import HTML

    ends = set(page_of)
    body = "".join(
        f"<p>{escape(text)}</p>" + ('<div style="page-break-after:always"></div>' if index in ends else "")
        for index, (_kind, text) in enumerate(items, start=1)
    )
    style = ('@page{size:A4;margin:12mm}'
             'body{font-family:"Noto Sans CJK SC",sans-serif;font-size:8.5pt}p{margin:0}')
    return HTML(string=f"<html><head><style>{style}</style></head><body>{body}</body></html>").write_pdf()


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the PDF reader runs in one)."""
    times = os.times()
    return time.process_time() + times.children_user + times.children_system


def timed(function, repeat: int) -> tuple[float, float, float]:
    """(best wall, median wall, best CPU) seconds: on a shared machine the CPU time is the steadier."""
    runs, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), _cpu()
        function()
        runs.append(time.perf_counter() - start)
        cpu.append(_cpu() - start_cpu)
    return min(runs), statistics.median(runs), min(cpu)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args()
    import django

    django.setup()
    import io

    from qinqing.fairness import clauses, engine, extract

    seed = json.loads((ROOT / "src/qinqing/fairness/seed/rules.json").read_text("utf-8"))
    rules = [engine.compile_rule(types.SimpleNamespace(**row)) for row in seed]
    items, page_of, chars = build(options.pages)
    files = {"txt": to_text(items, page_of).encode("utf-8"), "docx": to_docx(items)}
    started = time.perf_counter()
    files["pdf"] = to_pdf(items, page_of)
    print(f"document: {options.pages} pages, {chars:,} characters, {len(items):,} paragraphs; "
          f"{len(rules)} rules; PDF typeset in {time.perf_counter() - started:.1f} s (not timed)")

    def trivial_docx(data):
        import docx

        return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)

    def trivial_pdf(data):
        import pypdfium2 as pdfium

        with pdfium.PdfDocument(data) as document:  # in this process: no child, no limits
            texts = []
            for page in document:
                text_page = page.get_textpage()
                texts.append(text_page.get_text_bounded())
                text_page.close()
                page.close()
        return "".join(texts)

    trivial = {"txt": lambda d: d.decode("utf-8"), "docx": trivial_docx, "pdf": trivial_pdf}
    print("| format | pages | clauses | findings | review wall best / median (s) | review CPU (s) "
          "| trivial: read the text, CPU (s) | ratio (CPU) |")
    print("|---|---|---|---|---|---|---|---|")
    for kind, data in files.items():
        def review(data=data, kind=kind):
            _format, blocks = extract.extract(data, f"tender.{kind}")
            return engine.check_clauses(clauses.split(blocks), rules)

        result = review()
        pages = max((c.page or 0) for c in result.clauses) or "—"
        best, median, cpu = timed(review, options.repeat)
        _b, _m, base = timed(lambda data=data, kind=kind: trivial[kind](data), options.repeat)
        print(f"| {kind} | {pages} | {len(result.clauses):,} | {len(result.findings):,} | "
              f"{best:.3f} / {median:.3f} | {cpu:.3f} | {base:.4f} | {cpu / max(base, 1e-4):.1f} |")


if __name__ == "__main__":
    main()
