"""The public portal as data: each app declares the sections it publishes (issue 14, article 10).

An app that publishes something to the public declares it once, in ``<app>/portal.py``
(imported on first use by :func:`autodiscover`, like ``access.py``):

```python
from qinqing.core.portal import Entry, Section, declare

declare(Section(
    "typical_cases", _("Typical cases exposed"), _("…"), "supervision:public_cases", article="18",
    items=lambda: TypicalCase.objects.filter(status="published").order_by("-published_on", "-pk"),
    entry=lambda case: Entry(case.title, item_url("typical_cases", case.pk), case.published_on, case.body),
    columns=(_("Title"), _("Published on"), _("Text")),
    row=lambda case: (case.title, case.published_on, case.body),
    search_fields=("title", "body"),
))
```

* ``items`` answers the objects **published to the public** and nothing else (no user: the portal,
  its feeds and downloads are the same for everyone). Every portal page reads through it, so an
  unpublished object is unreachable there, also by its id (``/portal/<key>/<pk>/`` looks it up in
  ``items()``).
* A section without its own feed or download gets the portal's (``/portal/<key>/feed.atom``,
  Django's syndication framework, and ``/portal/<key>/<key>.xlsx``, ``core.excel``), from
  ``entry`` and ``columns``/``row``; a section with its own names them (``feed_url_name``,
  ``xlsx_url_name``) and the portal's answer 404 for it, so each section has one of each.
* A section without its own detail page has the portal's, showing ``columns``/``row``.
* A :class:`Service` is something the public does rather than reads (the mailbox, the report page,
  letter verification): a link with a description, no items.

The kernel imports no app: apps declare here, the portal reads the declarations.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class Entry:
    """One published item as the portal lists it and its feed carries it."""

    title: str
    url: str  # a path on this site
    date: datetime.date | datetime.datetime | None = None
    summary: str = ""


@dataclass(frozen=True)
class Section:
    key: str
    title: Any
    description: Any
    url_name: str  # the section's list page
    article: str = ""
    order: int = 100
    items: Callable[[], Any] | None = None  # the objects published to the public, newest first
    entry: Callable[[Any], Entry] | None = None
    columns: Sequence[Any] = ()  # the download's (and the portal detail page's) headers
    row: Callable[[Any], Sequence[Any]] | None = None
    search_fields: tuple[str, ...] = ()  # text fields the portal search looks in (icontains)
    feed_url_name: str = ""  # the app's own feed, if it has one
    xlsx_url_name: str = ""  # the app's own download, if it has one
    detail_url_name: str = ""  # the app's own detail page (by pk), if it has one
    feed_limit: int = 50
    xlsx_limit: int = 5000

    def published(self):
        return self.items() if self.items is not None else []

    def find(self, pk: int):
        """The published object ``pk`` or None (None alike for missing and unpublished)."""
        rows = self.published()
        if hasattr(rows, "filter"):
            return rows.filter(pk=pk).first()
        return next((row for row in rows if row.pk == pk), None)

    def url(self) -> str:
        return reverse(self.url_name)

    def feed_url(self) -> str:
        if self.feed_url_name:
            return reverse(self.feed_url_name)
        return reverse("core:portal_feed", kwargs={"key": self.key}) if self.has_own_feed() else ""

    def xlsx_url(self) -> str:
        if self.xlsx_url_name:
            return reverse(self.xlsx_url_name)
        return reverse("core:portal_xlsx", kwargs={"key": self.key}) if self.has_own_xlsx() else ""

    def has_own_feed(self) -> bool:
        """Whether the portal serves this section's feed (it has items and no feed of its app)."""
        return not self.feed_url_name and self.items is not None and self.entry is not None

    def has_own_xlsx(self) -> bool:
        return (not self.xlsx_url_name and self.items is not None and self.row is not None
                and bool(self.columns))

    def has_portal_detail(self) -> bool:
        return not self.detail_url_name and self.items is not None and self.row is not None

    def latest(self, count: int) -> list[Entry]:
        if self.items is None or self.entry is None:
            return []
        return [self.entry(row) for row in self.published()[:count]]

    def search(self, query: str, count: int) -> list[Entry]:
        if not query or not self.search_fields or self.items is None or self.entry is None:
            return []
        from django.db.models import Q

        condition = Q()
        for name in self.search_fields:
            condition |= Q(**{f"{name}__icontains": query})
        return [self.entry(row) for row in self.published().filter(condition)[:count]]


@dataclass(frozen=True)
class Service:
    """Something the public does on the portal (write, report, verify), by URL name or path."""

    key: str
    title: Any
    description: Any
    url_name: str = ""
    path: str = ""  # a page of another part of the site known by its path only
    article: str = ""
    order: int = 100

    def url(self) -> str:
        if self.url_name:
            return reverse(self.url_name)
        from django.urls import Resolver404, resolve

        try:
            resolve(self.path)
        except Resolver404:
            raise NoReverseMatch(self.path) from None
        return self.path


@dataclass
class _Registry:
    sections: dict[str, Section] = field(default_factory=dict)
    services: dict[str, Service] = field(default_factory=dict)
    discovered: bool = False


_REGISTRY = _Registry()


def declare(*entries: Section | Service) -> None:
    for entry in entries:
        target = _REGISTRY.sections if isinstance(entry, Section) else _REGISTRY.services
        if entry.key in _REGISTRY.sections or entry.key in _REGISTRY.services:
            if (_REGISTRY.sections.get(entry.key) or _REGISTRY.services.get(entry.key)) == entry:
                continue  # a module imported twice (tests reloading it) declares the same again
            raise ValueError(f"portal section {entry.key!r} is declared twice")
        target[entry.key] = entry


def autodiscover() -> None:
    """Import every installed app's ``portal`` module (once, on first use)."""
    if _REGISTRY.discovered:
        return
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("portal")
    _REGISTRY.discovered = True


def _installed(entry: Section | Service) -> bool:
    try:
        entry.url()
    except NoReverseMatch:
        return False
    return True


def sections() -> list[Section]:
    """The declared sections whose list page is installed, in their order."""
    autodiscover()
    found = [section for section in _REGISTRY.sections.values() if _installed(section)]
    return sorted(found, key=lambda section: (section.order, section.key))


def services() -> list[Service]:
    autodiscover()
    found = [service for service in _REGISTRY.services.values() if _installed(service)]
    return sorted(found, key=lambda service: (service.order, service.key))


def section(key: str) -> Section | None:
    autodiscover()
    found = _REGISTRY.sections.get(key)
    return found if found is not None and _installed(found) else None


def item_url(key: str, pk: int) -> str:
    """The portal's detail page of a section's item (for sections without their own)."""
    return reverse("core:portal_item", kwargs={"key": key, "pk": pk})


def nav() -> list[dict]:
    """The public navigation: the sections, then the services (for visitors not signed in)."""
    entries = [*sections(), *services()]
    return [{"key": entry.key, "title": entry.title, "url": entry.url()} for entry in entries]


def labels(model, *names: str) -> tuple:
    """Column headers from a model's field verbose names (translated already)."""
    return tuple(model._meta.get_field(name).verbose_name for name in names)


def summary(text: str, length: int = 200) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= length else text[: length - 1] + "…"


def here(view_name: str) -> dict | None:
    """On a section's own list page: the feed and download the portal serves for it (base.html shows
    them and links the feed for feed readers); None elsewhere and for sections whose page has its own."""
    if not view_name:
        return None
    for found in sections():
        if found.url_name == view_name and (found.has_own_feed() or found.has_own_xlsx()):
            return {"title": found.title, "feed": found.feed_url() if found.has_own_feed() else "",
                    "xlsx": found.xlsx_url() if found.has_own_xlsx() else ""}
    return None


def rows(section: Section) -> Iterable[Sequence[Any]]:
    return (section.row(obj) for obj in section.published()[: section.xlsx_limit])
