"""One page of a list: every record reachable, never a list cut at a fixed count.

``page_of(request, rows)`` reads the page number from ``?page=``; a second list on the same page
pages by a parameter of its own (``param="notices_page"``). Templates show the links with
``{% pager page %}`` or ``{% pager notices "notices_page" %}`` (core/templatetags/qinqing.py), which
keep the page's other parameters — its filters and the other list's page.
"""

from django.core.paginator import Page, Paginator

PAGE_SIZE = 50


def page_of(request, rows, *, param: str = "page", size: int = PAGE_SIZE) -> Page:
    return Paginator(rows, size).get_page(request.GET.get(param))
