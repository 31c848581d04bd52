"""Commitments' sections of the public portal (core.portal): commitments published to the public and
the support-fund programmes with their results (article 10). The commitments' feed, download and
detail page are the app's own (views.public_*), as is the funds' download; the portal lists, searches
and links them, and serves the funds' feed."""

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from qinqing.core.portal import Entry, Section, declare, summary

from . import selectors


def _public_commitments():
    return selectors.published(None)  # no user: the commitments published to the public only


def _programme_entry(programme) -> Entry:
    text = summary(programme.rules)
    if programme.published_on:
        results = gettext("Results published on %(date)s, objections until %(until)s.") % {
            "date": programme.published_on.isoformat(),
            "until": programme.objections_until.isoformat() if programme.objections_until else "—",
        }
        text = results + ("" if results.endswith("。") else " ") + text
    return Entry(programme.title, reverse("commitments:funds_public") + f"#programme-{programme.pk}",
                 programme.published_on or programme.opens_on, text)


declare(
    Section(
        "commitments",
        _("Commitments to enterprises"),
        _("Commitments published to the public (article 10)."),
        "commitments:public",
        article="10",
        order=40,
        items=_public_commitments,
        entry=lambda c: Entry(f"{c.number} {c.title}", reverse("commitments:public_detail", args=[c.pk]),
                              c.made_on, summary(c.content)),
        search_fields=("number", "title", "content"),
        feed_url_name="commitments:public_feed",
        xlsx_url_name="commitments:public_xlsx",
        detail_url_name="commitments:public_detail",
    ),
    Section(
        "funds",
        _("Support-fund programmes and results"),
        _("Support-fund programmes and their published results (article 10)."),
        "commitments:funds_public",
        article="10",
        order=45,
        items=selectors.public_programmes,
        entry=_programme_entry,
        search_fields=("title", "rules"),
        # The portal's feed (every entry with its atom:updated), the app's download.
        xlsx_url_name="commitments:funds_public_xlsx",
    ),
)
