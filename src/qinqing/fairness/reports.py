"""The review report as PDF (WeasyPrint and the Noto CJK fonts, like the other letters) and as .docx
(python-docx), both from the reviewing office (``Review.unit``: its name and seal) or, where the review
names none, the district's issuing office (``core.letters.issuer``) — as they were when the review was signed
off (``letters.keep_issuer`` in ``services.review_conclude``)."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qinqing.core import district, letters

from .models import Review

REPORT = letters.issued_when_decided("fairness.review_report", Review)

DRAFT = gettext_lazy(
    "Draft: the review is not signed off, so the report carries no seal and is not a review conclusion."
)


def _context(review) -> dict:
    findings = list(review.findings.select_related("rule").order_by("position", "id"))
    return {
        "review": review,
        "findings": findings,
        "confirmed": [item for item in findings if item.decision == "confirmed"],
        "dismissed": [item for item in findings if item.decision == "dismissed"],
        # the reviewing office concludes the review: the report bears its name and seal (core.letters)
        "issuer": letters.issuer_of(review, REPORT, review.unit),
    }


def render_html(review) -> str:
    return letters.render_html("fairness/report_pdf.html", _context(review))


def render_pdf(review, *, base_url: str = "") -> bytes:
    # the office's report is in the district's language, whoever prints it (core.letters)
    return letters.render_pdf("fairness/report_pdf.html", _context(review), base_url=base_url)


def _day(moment) -> str:
    """A date as the letters write it (2026年12月3日 in Chinese), in the district's time zone."""
    return letters.day(timezone.localdate(moment))


def render_docx(review) -> bytes:
    with district.language():  # as the PDF
        return _render_docx(review)


def _render_docx(review) -> bytes:
    """The same report as the PDF, with Word's own structures: headings (the title, the findings and
    each finding) and a table. The seal's text and the date are printed only once the review is
    signed off; before, the report says it is a draft, as the PDF does."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    context = _context(review)
    place = letters.issuer(context["issuer"])
    findings = context["findings"]
    document = docx.Document()
    document.add_paragraph(place.show("office")).alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_heading(_("Fair-competition review report"), level=1).alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph(review.number).alignment = WD_ALIGN_PARAGRAPH.CENTER
    confirmed, dismissed = len(context["confirmed"]), len(context["dismissed"])
    confirmed_label, dismissed_label = _("confirmed"), _("dismissed")
    counts = f"{len(findings)}（{confirmed_label} {confirmed}，{dismissed_label} {dismissed}）"
    facts = [
        (_("Document"), review.title),
        (_("Document kind"), review.get_document_kind_display()),
        (_("File name"), review.file_name or _("Pasted text")),
        (_("Clauses read"), str(review.clause_count)),
        (_("Findings"), counts),
        (_("Conclusion"), review.get_conclusion_display() if review.conclusion else _("Not concluded yet")),
        (_("Opinion"), review.conclusion_note or "—"),
        (
            _("Signed off by"),
            (review.signed_by.get_full_name() or review.signed_by.username) if review.signed_by else "—",
        ),
        (_("Signed off"), _day(review.signed_at) if review.signed_at else "—"),
    ]
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in facts:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
    document.add_heading(_("Findings"), level=2)
    for number, item in enumerate(findings, start=1):
        document.add_heading(
            f"{number}. {item.heading}（{item.get_decision_display()}，{item.get_severity_display()}）",
            level=3,
        )
        document.add_paragraph(_("Location: %(where)s") % {"where": item.location})
        document.add_paragraph(_("Clause: %(text)s") % {"text": item.clause})
        document.add_paragraph(_("Legal basis: %(basis)s") % {"basis": item.basis})
        document.add_paragraph(_("Suggested rewording: %(text)s") % {"text": item.suggestion})
        if item.added_by_reviewer:
            document.add_paragraph(_("Why: %(text)s") % {"text": item.note})
        elif item.note:
            document.add_paragraph(_("Reviewer's note: %(text)s") % {"text": item.note})
    if review.signed_at:
        signed = document.add_paragraph()
        signed.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        signed.add_run(place.show("seal")).add_break()
        signed.add_run(place.show("office")).add_break()
        signed.add_run(_day(review.signed_at))
    else:
        document.add_paragraph(str(DRAFT))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
