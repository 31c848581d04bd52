"""The bribery-record query result letter as a PDF (WeasyPrint with the Noto CJK fonts), verifiable by its code."""  # noqa: E501

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse


def verification_url(query, request=None) -> str:
    path = reverse("integrity:bribery_verify") + f"?code={query.verification_code}"
    base = (getattr(settings, "QINQING_PUBLIC_BASE_URL", "") or "").rstrip("/")
    if base:
        return base + path
    return request.build_absolute_uri(path) if request is not None else path


def render_bribery_html(query, *, verify_url: str = "") -> str:
    return render_to_string(
        "integrity/bribery_letter_pdf.html",
        {
            "query": query,
            "verify_url": verify_url or verification_url(query),
            "district": settings.QINQING.get("DISTRICT_NAME", ""),
        },
    )


def render_bribery_pdf(query, *, base_url: str = "", verify_url: str = "") -> bytes:
    from weasyprint import HTML

    return HTML(
        string=render_bribery_html(query, verify_url=verify_url), base_url=base_url or None
    ).write_pdf()
