"""The review report as PDF (WeasyPrint and the Noto CJK fonts, like the other letters) and as .docx
(python-docx), both with the district's issuing office from ``core.district``."""

from __future__ import annotations

import io

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from qinqing.core import district


def _context(review) -> dict:
    findings = list(review.findings.select_related("rule").order_by("position", "id"))
    return {
        "review": review,
        "findings": findings,
        "confirmed": [item for item in findings if item.decision == "confirmed"],
        "dismissed": [item for item in findings if item.decision == "dismissed"],
        "district": district.current(),
    }


def render_pdf(review, *, base_url: str = "") -> bytes:
    from weasyprint import HTML

    html = render_to_string("fairness/report_pdf.html", _context(review))
    return HTML(string=html, base_url=base_url or None).write_pdf()


def render_docx(review) -> bytes:
    import docx

    context = _context(review)
    place = context["district"]
    document = docx.Document()
    document.add_paragraph(place.show("issuing_office"))
    document.add_heading(_("Fair-competition review report"), level=1)
    document.add_paragraph(review.number)
    facts = [
        (_("Document"), review.title),
        (_("Document kind"), review.get_document_kind_display()),
        (_("File name"), review.file_name or _("Pasted text")),
        (_("Clauses read"), str(review.clause_count)),
        (_("Findings"), str(len(context["findings"]))),
        (_("Conclusion"), review.get_conclusion_display() if review.conclusion else _("Not concluded yet")),
        (_("Opinion"), review.conclusion_note or "—"),
        (
            _("Signed off by"),
            (review.signed_by.get_full_name() or review.signed_by.username) if review.signed_by else "—",
        ),
        (_("Signed off"), review.signed_at.strftime("%Y-%m-%d") if review.signed_at else "—"),
    ]
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in facts:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
    document.add_heading(_("Findings"), level=2)
    for number, item in enumerate(context["findings"], start=1):
        document.add_paragraph(
            f"{number}. {item.heading}（{item.get_decision_display()}）", style="List Number"
        )
        document.add_paragraph(_("Location: %(where)s") % {"where": item.location})
        document.add_paragraph(_("Clause: %(text)s") % {"text": item.clause})
        document.add_paragraph(_("Legal basis: %(basis)s") % {"basis": item.basis})
        document.add_paragraph(_("Suggested rewording: %(text)s") % {"text": item.suggestion})
        if item.added_by_reviewer:
            document.add_paragraph(_("Why: %(text)s") % {"text": item.note})
        elif item.note:
            document.add_paragraph(_("Reviewer's note: %(text)s") % {"text": item.note})
    document.add_paragraph(place.show("seal_text"))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
