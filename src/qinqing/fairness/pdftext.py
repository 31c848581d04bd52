"""The text layer of a PDF, page by page, read by PDFium (pypdfium2) in a child process.

Run by ``extract._pdf_pages`` as
``python -I pdftext.py MAX_PAGES MEMORY_BYTES CPU_SECONDS [PART PARTS]`` with the PDF on stdin; reads
the PART-th of PARTS consecutive shares of the pages (default: all of them) and writes one JSON object
to stdout: ``{"pages": [text, ...], "total": the document's page count}`` or ``{"error": kind,
"detail": text}`` (kind ``encrypted``, ``unreadable``, ``pages``, or ``setup`` when pypdfium2 cannot
be imported). Standard library and pypdfium2 only: it is run as a
script, never imported by the site.

Why a child process: PDFium decodes a stream whole and aborts the process when memory runs out (a
7.7 MB PDF whose content stream inflates to 8 GB killed the interpreter with SIGABRT here, where
pypdf stops at its 75 MB decompression limit), so it runs under an address-space and CPU limit in a
process of its own, and a hostile file costs that process only. It also keeps PDFium, which is not
thread-safe (no two PDFium calls at once in a process, not even on different documents), out of
the server's threads (gunicorn gthread, granian blocking threads): each extraction has its process.
"""

import json
import resource
import sys


def share(total: int, part: int, parts: int) -> range:
    """The page indexes of the ``part``-th of ``parts`` consecutive shares of ``total`` pages."""
    return range(total * part // parts, total * (part + 1) // parts)


def read(data: bytes, max_pages: int, part: int = 0, parts: int = 1) -> dict:
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        if getattr(error, "err_code", None) == pdfium_c.FPDF_ERR_PASSWORD:
            return {"error": "encrypted", "detail": str(error)}
        return {"error": "unreadable", "detail": str(error)}
    try:
        # A PDF that opened without a password is read even when an owner password restricts copying or
        # printing: tender documents are often exported that way (WPS's "禁止复制"), and the office reviewing
        # one is its addressee. One that needs a password to open was refused above (FPDF_ERR_PASSWORD).
        count = len(document)
        if count > max_pages:
            return {"error": "pages", "detail": count}
        pages = []
        for index in share(count, part, parts):
            page = document[index]
            try:
                text_page = page.get_textpage()
                try:
                    pages.append(text_page.get_text_bounded())  # full Unicode (get_text_range: UCS-2)
                finally:
                    text_page.close()
            finally:
                page.close()
        return {"pages": pages, "total": count}
    except pdfium.PdfiumError as error:
        return {"error": "unreadable", "detail": str(error)}
    finally:
        document.close()


def main() -> None:
    max_pages, memory, cpu = (int(value) for value in sys.argv[1:4])
    part, parts = (int(value) for value in sys.argv[4:6]) if len(sys.argv) > 5 else (0, 1)
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    data = sys.stdin.buffer.read()
    try:
        answer = read(data, max_pages, part, parts)
    except ImportError as error:  # the site's installation, not the file: the parent raises
        answer = {"error": "setup", "detail": str(error)}
    except MemoryError:
        answer = {"error": "unreadable", "detail": "out of memory"}
    except Exception as error:  # whatever else a hostile file trips: the file is refused (4xx)
        answer = {"error": "unreadable", "detail": f"{type(error).__name__}: {error}"}
    sys.stdout.buffer.write(json.dumps(answer, ensure_ascii=False).encode("utf-8", "replace"))


if __name__ == "__main__":
    main()
