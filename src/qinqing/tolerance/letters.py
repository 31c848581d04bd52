"""The fault-tolerance decision as a letter on the district's paper (article 22), through ``core.letters``.

A request has a letter once it is decided, and only then: the determination (容错纠错认定决定书: exempted,
lighter, mitigated or not tolerated, with the deliberation of the three distinctions and the reasons) or
the refusal to accept it (不予受理通知书, with the reason). Both are final when made (the workflow has no
step back), so the letter carries the seal and is dated by the decision. It is addressed to the official
and their unit, and names the organisation department the conclusion was filed with. The discipline
office decides, so the letter is the district's (no ``issuer``: its issuing office and seal), never the
official's unit's.
"""

from __future__ import annotations

from qinqing.core import letters

from .models import Status, ToleranceRequest

DECIDED = (Status.REFUSED, Status.DETERMINED, Status.FILED)


def has_letter(row: ToleranceRequest) -> bool:
    return row.status in DECIDED


def decided_on(row: ToleranceRequest):
    return row.refused_on if row.status == Status.REFUSED else row.determined_on


def _context(row: ToleranceRequest) -> dict:
    return {"row": row, "refused": row.status == Status.REFUSED, "day": decided_on(row)}


def render_html(row: ToleranceRequest) -> str:
    return letters.render_html("tolerance/letter_pdf.html", _context(row))


def render_pdf(row: ToleranceRequest, *, base_url: str = "") -> bytes:
    return letters.render_pdf("tolerance/letter_pdf.html", _context(row), base_url=base_url)


def filename(row: ToleranceRequest) -> str:
    return f"tolerance-{row.pk}.pdf"
