"""The public portal's pages (issue 14): the index of every published section, a search across them,
and for the sections that lack their own an Atom feed (Django's syndication framework), an .xlsx
download (core.excel) and a detail page. Everything is read through the sections' ``items()``
(``core.portal``): what is not published to the public is not found here, by list, feed, download
or id alike."""

from __future__ import annotations

import datetime

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .. import clock, excel, portal

LATEST = 5
SEARCH_PER_SECTION = 10
QUERY_MAX = 100
TRANSPARENCY_PATH = "/transparency/"  # issue 19's page, known by its path (core.portal links by URL only)


def _section_or_404(key: str) -> portal.Section:
    found = portal.section(key)
    if found is None:
        raise Http404
    return found


def _transparency() -> str:
    try:
        resolve(TRANSPARENCY_PATH)
    except Resolver404:
        return ""
    return TRANSPARENCY_PATH


@require_GET
def portal_index(request):
    blocks = [
        {"section": section, "url": section.url(), "feed": section.feed_url(), "xlsx": section.xlsx_url(),
         "latest": section.latest(LATEST)}
        for section in portal.sections()
    ]
    services = [{"service": service, "url": service.url()} for service in portal.services()]
    return render(request, "core/portal.html",
                  {"blocks": blocks, "services": services, "transparency": _transparency()})


@require_GET
def portal_search(request):
    query = (request.GET.get("q") or "").strip()
    error = ""
    if len(query) > QUERY_MAX:
        error = _("The search text may be at most %(max)d characters.") % {"max": QUERY_MAX}
    results = []
    if query and not error:
        for section in portal.sections():
            found = section.search(query, SEARCH_PER_SECTION)
            if found:
                results.append({"section": section, "url": section.url(), "entries": found})
    return render(
        request,
        "core/portal_search.html",
        {"query": query[:QUERY_MAX], "results": results, "error": error,
         "searched": bool(query) and not error},
        status=400 if error else 200,
    )


@require_GET
def portal_item(request, key: str, pk: int):
    section = _section_or_404(key)
    if not section.has_portal_detail():
        raise Http404
    obj = section.find(pk)
    if obj is None:
        raise Http404
    entry = section.entry(obj) if section.entry else None
    fields = list(zip(section.columns, section.row(obj), strict=False))
    return render(request, "core/portal_item.html",
                  {"section": section, "url": section.url(), "entry": entry, "fields": fields})


@require_GET
def portal_xlsx(request, key: str):
    section = _section_or_404(key)
    if not section.has_own_xlsx():
        raise Http404
    return excel.xlsx_response(f"{section.key}.xlsx", list(section.columns), portal.rows(section),
                               sheet_title=str(section.title))


def _moment(value) -> datetime.datetime | None:
    if value is None:
        return None
    if not isinstance(value, datetime.datetime):
        value = datetime.datetime.combine(value, datetime.time.min)
    return clock.aware(value)


class SectionFeed(Feed):
    """``/portal/<key>/feed.atom``: a section's latest published items as Atom 1.0."""

    feed_type = Atom1Feed

    def get_object(self, request, key: str):
        section = _section_or_404(key)
        if not section.has_own_feed():
            raise Http404
        return section

    def title(self, section):
        return str(section.title)

    def subtitle(self, section):
        return str(section.description)

    def link(self, section):
        return section.url()

    def feed_url(self, section):
        return reverse("core:portal_feed", kwargs={"key": section.key})

    def feed_guid(self, section):
        return f"urn:qinqing:portal:{section.key}"

    def items(self, section):
        return [section.entry(obj) for obj in section.published()[: section.feed_limit]]

    def item_title(self, entry):
        return entry.title

    def item_description(self, entry):
        return entry.summary

    def item_link(self, entry):
        return entry.url

    def item_updateddate(self, entry):
        return _moment(entry.date)

    def item_pubdate(self, entry):
        return _moment(entry.date)


portal_feed = SectionFeed()
