"""The answer to an opinion as a reply letter to the party that gave it (article 9), on the district's paper
through ``core.letters``: the federation of industry and commerce, a chamber of commerce or an invited
enterprise (意见采纳情况复函).

The letter is from the decision's drafting unit, which decides whether an opinion on its decision is
adopted: headed and signed with its name, sealed with its seal (``core.letters``); a decision without a
drafting unit is the district's, on the district's office. The unit's name and seal are those of the day
of the (last) answer, kept by ``opinion_answer`` (``letters.keep_issuer``), not today's.

An opinion has a letter once it is answered, numbered 意见复〔year〕NNNN号 at the first answer and dated by
the (last) answer. The liaison office may revise an answer until the decision is adopted or withdrawn; only
then is the answer final and the letter sealed — before, it says why it is not final yet.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qinqing.core import letters

from .models import DecisionStatus, Opinion, Outcome

CLOSED = (DecisionStatus.ADOPTED, DecisionStatus.WITHDRAWN)
REPLY = letters.issued_when_decided("liaison.opinion_reply", Opinion)


def issuing_unit(row: Opinion):
    """The decision's drafting unit decides whether an opinion on it is adopted (none: the district's)."""
    return row.consultation.decision.unit


def is_answered(row: Opinion) -> bool:
    return row.outcome != Outcome.PENDING and row.answered_at is not None


def not_final_reason(row: Opinion) -> str:
    """Why the answer is not final yet (in the active language), or "" when it is."""
    if row.consultation.decision.status in CLOSED:
        return ""
    return _(
        "The decision is still in consultation: the answer may be revised until the decision is adopted or "
        "withdrawn, and this letter carries no seal until then."
    )


def _context(row: Opinion) -> dict:
    reason = not_final_reason(row)
    consultation = row.consultation
    return {
        "row": row,
        "consultation": consultation,
        "decision": consultation.decision,
        # the drafting unit decides whether an opinion is adopted: its name and seal as of the answer
        "issuer": letters.issuer_of(row, REPLY, issuing_unit(row)),
        "day": timezone.localdate(row.answered_at),
        "submitted_on": timezone.localdate(row.submitted_at),
        "final": not reason,
        "reason": reason,
    }


def render_html(row: Opinion) -> str:
    return letters.render_html("liaison/opinion_letter_pdf.html", lambda: _context(row))


def render_pdf(row: Opinion, *, base_url: str = "") -> bytes:
    return letters.render_pdf("liaison/opinion_letter_pdf.html", lambda: _context(row), base_url=base_url)


def filename(row: Opinion) -> str:
    return f"opinion-reply-{row.pk}.pdf"
