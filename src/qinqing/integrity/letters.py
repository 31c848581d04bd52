"""Integrity letters as PDFs on the district's paper (``core.letters``: WeasyPrint, the Noto CJK fonts,
the district's issuing office and seal; a missing value prints as a visible gap, never a made-up name).

The bribery-record result letter is verifiable by its code; the listing notice letter is the written
notice of article 21 for a party without a mobile number (or whose SMS failed); the decision on an
objection or a credit-repair application is a letter to the listed party once decided (final when made:
no step follows, so it carries the seal), numbered in its own series. All three are the district's credit
office's decisions, whose records name no unit: the district's office and seal (no ``issuer``).
"""

from django.urls import reverse

from qinqing.core import letters


def verification_url(query, request=None) -> str:
    path = reverse("integrity:bribery_verify") + f"?code={query.verification_code}"
    return letters.public_url(path, request)


def render_bribery_html(query, *, verify_url: str = "") -> str:
    return letters.render_html(
        "integrity/bribery_letter_pdf.html",
        {"query": query, "verify_url": verify_url or verification_url(query)},
    )


def render_bribery_pdf(query, *, base_url: str = "", verify_url: str = "") -> bytes:
    return letters.render_pdf(
        "integrity/bribery_letter_pdf.html",
        {"query": query, "verify_url": verify_url or verification_url(query)},
        base_url=base_url,
    )


def _notice_context(notice) -> dict:
    listing = notice.listing
    return {"notice": notice, "listing": listing, "restrictions": list(listing.restrictions.all())}


def render_notice_html(notice) -> str:
    return letters.render_html("integrity/notice_letter_pdf.html", _notice_context(notice))


def render_notice_pdf(notice, *, base_url: str = "") -> bytes:
    return letters.render_pdf("integrity/notice_letter_pdf.html", _notice_context(notice), base_url=base_url)


def _application_context(application) -> dict:
    return {"application": application, "listing": application.listing}


def render_application_pdf(application, *, base_url: str = "") -> bytes:
    return letters.render_pdf(
        "integrity/application_letter_pdf.html", _application_context(application), base_url=base_url
    )
