"""Integrity letters as PDFs (WeasyPrint with the Noto CJK fonts), on the district's paper.

The issuing office, seal text and district name come from ``core.district`` (the
administrator's district page); a missing value prints as a visible gap, never a made-up
name. The bribery-record result letter is verifiable by its code; the listing notice letter
is the written notice of article 21 for a party without a mobile number (or whose SMS failed).
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from qinqing.core import district


def verification_url(query, request=None) -> str:
    path = reverse("integrity:bribery_verify") + f"?code={query.verification_code}"
    base = (getattr(settings, "QINQING_PUBLIC_BASE_URL", "") or "").rstrip("/")
    if base:
        return base + path
    return request.build_absolute_uri(path) if request is not None else path


def render_bribery_html(query, *, verify_url: str = "") -> str:
    with district.language():  # a letter is in the district's language, whoever prints it
        return _render_bribery_html(query, verify_url=verify_url)


def _render_bribery_html(query, *, verify_url: str = "") -> str:
    return render_to_string(
        "integrity/bribery_letter_pdf.html",
        {
            "query": query,
            "verify_url": verify_url or verification_url(query),
            "district": district.current(),
        },
    )


def render_bribery_pdf(query, *, base_url: str = "", verify_url: str = "") -> bytes:
    from weasyprint import HTML

    return HTML(
        string=render_bribery_html(query, verify_url=verify_url), base_url=base_url or None
    ).write_pdf()


def render_notice_html(notice) -> str:
    with district.language():  # a letter is in the district's language, whoever prints it
        return _render_notice_html(notice)


def _render_notice_html(notice) -> str:
    listing = notice.listing
    return render_to_string(
        "integrity/notice_letter_pdf.html",
        {
            "notice": notice,
            "listing": listing,
            "restrictions": list(listing.restrictions.all()),
            "district": district.current(),
        },
    )


def render_notice_pdf(notice, *, base_url: str = "") -> bytes:
    from weasyprint import HTML

    return HTML(string=render_notice_html(notice), base_url=base_url or None).write_pdf()
