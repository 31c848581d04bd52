"""``{% filing_receipt appeal %}``: the receipt card of a filing (issue 19) — its code, the short
link to check it and, on printed letters, the same link as a QR code. Shows nothing of the
filing (the code is derived from the filing event's content hash)."""

import qrcode
import qrcode.image.svg
from django import template
from django.utils.safestring import mark_safe

from qinqing.core.transparency import receipts

register = template.Library()


def qr_svg(data: str) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=6, border=2)
    return image.to_string(encoding="unicode")


@register.inclusion_tag("core/_filing_receipt.html", takes_context=True)
def filing_receipt(context, filing, *, qr: bool = False, printed: bool = False):
    """``filing``: an appeal (its filing event's receipt) or a receipt code already known."""
    if isinstance(filing, str):
        code = receipts.normalise(filing)
        receipt = None
    else:
        receipt = receipts.for_appeal(filing) if filing is not None else None
        code = receipt.code if receipt else None
    if code is None:
        return {"code": None}
    request = context.get("request")
    found = receipt or receipts.Receipt(code, "")
    url = found.url(request)
    return {
        "code": code,
        "url": url,
        "path": found.path,
        "qr": mark_safe(qr_svg(url)) if qr else "",  # noqa: S308 (qrcode's own SVG of our URL)
        "printed": printed,
    }
