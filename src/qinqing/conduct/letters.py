"""Printed documents as PDFs, rendered with WeasyPrint and a CJK font: the written approval
letter (书面批准, article 14) and the discipline office's hand-in receipt (article 15 item 1)."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from qinqing.core import district


def verification_path(letter) -> str:
    return reverse("conduct:verify_letter") + f"?code={letter.verification_code}"


def verification_url(letter, request=None) -> str:
    """The full address printed on the letter, so that a reader of the paper can check it.

    ``QINQING_PUBLIC_BASE_URL`` (e.g. https://qinqing.example.gov.cn) wins when set, because the
    public address can differ from the one the leader's browser used (intranet, proxy);
    otherwise the address of the current request."""
    path = verification_path(letter)
    base = (getattr(settings, "QINQING_PUBLIC_BASE_URL", "") or "").rstrip("/")
    if base:
        return base + path
    if request is not None:
        return request.build_absolute_uri(path)
    return path


def letter_context(letter, *, verify_url: str = "") -> dict:
    activity = letter.activity
    return {
        "letter": letter,
        "activity": activity,
        "official": activity.official,
        "enterprises": list(activity.enterprises.all()),
        "verify_path": verification_path(letter),
        "verify_url": verify_url or verification_url(letter),
        "district": district.current(),
    }


def render_letter_html(letter, *, verify_url: str = "") -> str:
    # an official letter is in the district's language, whoever prints it (docs/ARCHITECTURE.md)
    with district.language():
        return render_to_string("conduct/letter_pdf.html", letter_context(letter, verify_url=verify_url))


def render_letter_pdf(letter, *, base_url: str = "", verify_url: str = "") -> bytes:
    from weasyprint import HTML

    return HTML(
        string=render_letter_html(letter, verify_url=verify_url), base_url=base_url or None
    ).write_pdf()


def render_receipt_pdf(gift, *, base_url: str = "") -> bytes:
    from weasyprint import HTML

    with district.language():
        context = {"gift": gift, "district": district.current()}
        html = render_to_string("conduct/gift_receipt_pdf.html", context)
    return HTML(string=html, base_url=base_url or None).write_pdf()
