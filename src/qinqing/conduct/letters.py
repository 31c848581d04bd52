"""Printed documents as PDFs on the district's paper (``core.letters``): the written approval letter
(书面批准, article 14), verifiable by its code, and the discipline office's hand-in receipt (article 15
item 1).

The approval is the supervising leader's (article 14): the letter is from the leader's unit (its name and
seal, ``core.letters``), the unit named beside the leader as "approved by". The receipt is the discipline
office's, on the district's office and seal. The leader's unit is the one of the day of the approval,
kept when the letter is issued (``letters.keep_issuer`` in ``activity_decide``), not today's."""

from django.urls import reverse

from qinqing.core import letters

from .models import ApprovalLetter

APPROVAL = letters.issued_when_decided("conduct.approval", ApprovalLetter)


def issuing_unit(activity):
    """The supervising leader approves (article 14): the leader's unit (none: the district's office)."""
    leader = activity.official.supervising_leader
    return leader.unit if leader is not None else None


def approver(activity) -> str:
    """Who approves, as the letter names them (article 14: the supervising leader): "name（position）"."""
    leader = activity.official.supervising_leader
    if leader is None:
        return ""
    position = f"（{leader.position}）" if leader.position else ""
    return f"{leader.person.name}{position}"


def verification_path(letter) -> str:
    return reverse("conduct:verify_letter") + f"?code={letter.verification_code}"


def verification_url(letter, request=None) -> str:
    """The full address printed on the letter (``core.letters.public_url``)."""
    return letters.public_url(verification_path(letter), request)


def letter_context(letter, *, verify_url: str = "") -> dict:
    activity = letter.activity
    return {
        # the supervising leader approves (article 14): the letter bears their unit's name and seal
        "issuer": letters.issuer_of(letter, APPROVAL, issuing_unit(activity)),
        "letter": letter,
        "activity": activity,
        "official": activity.official,
        "approver": approver(activity),  # a letter issued before approvers were kept: the leader as today
        "enterprises": list(activity.enterprises.all()),
        "verify_path": verification_path(letter),
        "verify_url": verify_url or verification_url(letter),
    }


def render_letter_html(letter, *, verify_url: str = "") -> str:
    return letters.render_html("conduct/letter_pdf.html", letter_context(letter, verify_url=verify_url))


def render_letter_pdf(letter, *, base_url: str = "", verify_url: str = "") -> bytes:
    return letters.render_pdf(
        "conduct/letter_pdf.html", letter_context(letter, verify_url=verify_url), base_url=base_url
    )


def render_receipt_pdf(gift, *, base_url: str = "") -> bytes:
    return letters.render_pdf("conduct/gift_receipt_pdf.html", {"gift": gift}, base_url=base_url)
