from django import template

from .. import audit
from ..audit import display

register = template.Library()


@register.inclusion_tag("core/_audit_trail.html")
def audit_trail(instance, limit=20):
    """The object's audit events, newest first, for its detail page: field labels, choice
    labels, names of referenced records and local time (``core.audit.display``)."""
    events = list(audit.trail_for(instance, limit=limit))
    return {"rows": display.describe(events), "instance": instance}


@register.filter
def article_url(key: str) -> str:
    """Link to a policy article (``"15"`` or ``"15.7"``) on the policy page."""
    from django.urls import NoReverseMatch, reverse

    key = str(key).strip()
    # An item ("15.7") has its own anchor on the policy page; an article ("15") too.
    fragment = f"item-{key}" if "." in key else f"article-{key}"
    try:
        return reverse("policy:index") + f"#{fragment}"
    except NoReverseMatch:
        return f"#{fragment}"


@register.inclusion_tag("core/_pager.html", takes_context=True)
def pager(context, page, param="page"):
    """Previous / next links for a ``Paginator`` page (``core.paging.page_of``) that keep the page's
    other query parameters (its filters, another list's page), and the page count. ``param``: the
    parameter this list's page number is read from."""
    query = context["request"].GET.copy()

    def url(number: int) -> str:
        query[param] = str(number)
        return "?" + query.urlencode()

    return {
        "page": page,
        "previous_url": url(page.previous_page_number()) if page.has_previous() else "",
        "next_url": url(page.next_page_number()) if page.has_next() else "",
    }


@register.simple_tag(takes_context=True)
def form_token(context):
    """The hidden one-time token of a form that must not file twice (core.idempotency's
    FormTokenMiddleware). A form shown again after a refusal keeps the token it was sent with."""
    from django.utils.html import format_html

    from qinqing.core.idempotency import _VALID_KEY, FORM_FIELD, new_form_token

    request = context.get("request")
    sent = request.POST.get(FORM_FIELD, "") if request is not None and request.method == "POST" else ""
    token = sent if _VALID_KEY.match(sent) else new_form_token()
    return format_html('<input type="hidden" name="{}" value="{}">', FORM_FIELD, token)
