"""The support-fund decision as a letter to the applying enterprise (article 10; article 20 for project
support), on the district's paper through ``core.letters``.

An application has a letter once it is decided (approved or not approved, with its number and day). The
enterprise reads it once the programme's results are published (nothing before publication, as on the
public pages); the programme's unit and the discipline office read it from the decision on. The decision
is final once the objection period after publication is over and every objection to this application is
answered: only then does the letter carry the seal; before, it says why it is not final yet.

A decision on a commitment (``CommitmentDecision``: a change approved, a breach determined) is a letter to the
enterprise it was made to (承诺事项变更告知书 / 承诺事项违约认定告知书), numbered and dated when made; the
workflow has no step back from either, so it is final when made and carries the seal. The enterprise, the
responsible unit and the discipline office read it (the commitment's own readers).

Both are decided by a unit, and bear its name and seal (``core.letters``): the fund decision the
programme's responsible unit, a commitment's decision the commitment's responsible unit — each as it was
when the decision was made (``letters.keep_issuer`` in ``funds.decide`` and ``services._decision``).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from qinqing.core import clock, letters

from . import funds
from .models import ApplicationStatus, CommitmentDecision, DecisionKind, FundApplication, ProgrammeStatus

DECIDED = (ApplicationStatus.APPROVED, ApplicationStatus.REJECTED)
FUND_DECISION = letters.issued_when_decided("commitments.fund_decision", FundApplication)
COMMITMENT_DECISION = letters.issued_when_decided("commitments.commitment_decision", CommitmentDecision)


def fund_issuer(row: FundApplication):
    """The programme's responsible unit decides an application."""
    return row.programme.unit


def decision_issuer(row: CommitmentDecision):
    """The commitment's responsible unit."""
    return row.commitment.unit


def is_decided(row: FundApplication) -> bool:
    return row.status in DECIDED


def is_published(row: FundApplication) -> bool:
    return is_decided(row) and row.programme.status == ProgrammeStatus.PUBLISHED


def not_final_reason(row: FundApplication, today=None) -> str:
    """Why the decision is not final yet (in the active language), or "" when it is."""
    today = today or clock.today()
    if not is_published(row):
        return _(
            "The results of this programme are not published yet: the decision is not final and this letter "
            "carries no seal."
        )
    if today <= row.programme.objections_until:
        return _(
            "The result is under publication: objections are taken until %(until)s. The decision is final "
            "once the period is over and every objection is answered; until then this letter carries no seal."
        ) % {"until": letters.day(row.programme.objections_until)}
    if row.objections.filter(answered_on__isnull=True).exists():
        return _(
            "An objection to this result awaits its answer: the decision is not final and this letter "
            "carries no seal."
        )
    return ""


def _context(row: FundApplication) -> dict:
    reason = not_final_reason(row)
    return {
        "row": row,
        "programme": row.programme,
        "issuer": letters.issuer_of(row, FUND_DECISION, fund_issuer(row)),
        "approved": row.status == ApplicationStatus.APPROVED,
        "article": funds.article_of(row.programme),
        "objections": list(row.objections.order_by("pk")),
        "final": not reason,
        "reason": reason,
    }


def render_html(row: FundApplication) -> str:
    return letters.render_html("commitments/fund_letter_pdf.html", lambda: _context(row))


def render_pdf(row: FundApplication, *, base_url: str = "") -> bytes:
    return letters.render_pdf("commitments/fund_letter_pdf.html", lambda: _context(row), base_url=base_url)


def filename(row: FundApplication) -> str:
    return f"fund-decision-{row.pk}.pdf"


def _decision_context(row: CommitmentDecision) -> dict:
    return {
        "row": row,
        "commitment": row.commitment,
        "issuer": letters.issuer_of(row, COMMITMENT_DECISION, decision_issuer(row)),
        "change": row.kind == DecisionKind.CHANGE,
        "article": "10",
        "day": row.decided_on,
        "flags": list(row.commitment.flags.select_related("appeal")),
    }


def decision_html(row: CommitmentDecision) -> str:
    return letters.render_html("commitments/decision_letter_pdf.html", lambda: _decision_context(row))


def decision_pdf(row: CommitmentDecision, *, base_url: str = "") -> bytes:
    return letters.render_pdf(
        "commitments/decision_letter_pdf.html", lambda: _decision_context(row), base_url=base_url
    )


def decision_filename(row: CommitmentDecision) -> str:
    return f"commitment-{row.kind}-{row.pk}.pdf"
