"""The written approval letter (书面批准) as a PDF, rendered with WeasyPrint and a CJK font."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse


def verification_path(letter) -> str:
    return reverse("conduct:verify_letter") + f"?code={letter.verification_code}"


def letter_context(letter) -> dict:
    activity = letter.activity
    return {
        "letter": letter, "activity": activity, "official": activity.official, "enterprises": list(activity.enterprises.all()),
        "verify_path": verification_path(letter), "district": settings.QINQING.get("DISTRICT_NAME", ""),
    }


def render_letter_pdf(letter, *, base_url: str = "") -> bytes:
    from weasyprint import HTML

    html = render_to_string("conduct/letter_pdf.html", letter_context(letter))
    return HTML(string=html, base_url=base_url or None).write_pdf()
