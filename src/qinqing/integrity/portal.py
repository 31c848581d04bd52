"""Integrity's part of the public portal (core.portal): the blacklist entries published to the public
(article 21: publication per entry) and the verification of bribery-record letters."""

from django.utils.translation import gettext_lazy as _

from qinqing.core.portal import Entry, Section, Service, declare, item_url, labels

from . import selectors
from .models import Listing


def _public_entries():
    # What the public page shows: entries published to the public with a restriction in force today,
    # enterprises only (a person's entry is never listed here).
    return selectors.public_listings().filter(id_index="")


def _restrictions(listing) -> str:
    return "；".join(
        f"{r.get_activity_display()} {r.start:%Y-%m-%d}—{r.end:%Y-%m-%d}" for r in listing.restrictions.all()
    )


declare(
    Section(
        "blacklist",
        _("Published blacklist entries"),
        _("Entries the credit administrator published to the public, with a restriction in force today. "
          "Persons are not listed here."),
        "integrity:public",
        article="21",
        order=60,
        items=_public_entries,
        entry=lambda row: Entry(f"{row.name}（{row.number}）", item_url("blacklist", row.pk), row.decided_on,
                                f"{row.get_kind_display()}；{_restrictions(row)}"),
        columns=(*labels(Listing, "number", "name", "uscc", "kind", "decided_on"), _("Restrictions")),
        row=lambda row: (row.number, row.name, row.uscc, row.get_kind_display(), row.decided_on,
                         _restrictions(row)),
        search_fields=("name", "number", "uscc"),
    ),
    Service(
        "bribery_verify",
        _("Verify a bribery-record letter"),
        _("Check that an answer to a bribery-record query is genuine, by the code on the letter."),
        url_name="integrity:bribery_verify",
        article="21",
        order=50,
    ),
)
