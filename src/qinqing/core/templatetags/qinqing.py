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
def ledger_link(context, url_name: str, *args):
    """The "下载（.xlsx）" link of a list page to its ledger (``core.excel.ledger_response``): the page's own
    query (its filters) without its page numbers, so the file holds every row the list shows, not one page."""
    from django.urls import reverse
    from django.utils.html import format_html
    from django.utils.translation import gettext as _

    query = context["request"].GET.copy()
    for key in [key for key in query if key == "page" or key.endswith("_page")]:
        query.pop(key)
    href = reverse(url_name, args=args) + ("?" + query.urlencode() if query else "")
    return format_html(
        '<a class="button no-print" href="{}" data-testid="ledger-xlsx">{}</a>', href, _("Download (.xlsx)")
    )


@register.simple_tag
def form_token():
    """The hidden one-time token of a form that must not file twice (core.idempotency's
    FormTokenMiddleware). A new one each time the form is drawn, after a refusal too: a page may show
    several forms posting to one action (a hidden field telling them apart), and the refused one's token
    on all of them would answer the first of them sent as the refused one, corrected, sent later."""
    from django.utils.html import format_html

    from qinqing.core.idempotency import FORM_FIELD, new_form_token

    return format_html('<input type="hidden" name="{}" value="{}">', FORM_FIELD, new_form_token())


@register.simple_tag(takes_context=True)
def files_again(context, name: str = "attachments"):
    """Beside a file input of a form drawn again after a refused POST that carried files (``name``): a
    browser never keeps a chosen file, so say that they must be chosen again (every other value is)."""
    from django.utils.html import format_html
    from django.utils.translation import gettext as _

    request = context.get("request")
    if request is None or request.method != "POST" or not request.FILES.getlist(name):
        return ""
    return format_html('<span class="warning" role="status" data-testid="files-again">{}</span>',
                       _("The files you chose were not kept: choose them again."))
