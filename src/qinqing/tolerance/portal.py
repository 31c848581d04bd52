"""Tolerance's section of the public portal (core.portal): the clearing notices published (article 22)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qinqing.core.portal import Entry, Section, declare, labels, summary

from . import selectors
from .models import ToleranceRequest


def _entry(row) -> Entry:
    return Entry(f"{row.official.person.name}（{row.unit.name}）",
                 reverse("tolerance:clearing_public", args=[row.pk]), row.clearing_published_on,
                 summary(row.clearing_text))


declare(
    Section(
        "clearings",
        _("Clearing notices"),
        _("Officials cleared after a fault was tolerated or a report proved unfounded, published to restore "
          "their name."),
        "tolerance:clearings_public",
        article="22",
        order=70,
        items=selectors.clearings,  # published notices only
        entry=_entry,
        columns=(_("Official"), *labels(ToleranceRequest, "unit", "clearing_text", "clearing_published_on")),
        row=lambda r: (r.official.person.name, r.unit.name, r.clearing_text, r.clearing_published_on),
        search_fields=("clearing_text",),
        detail_url_name="tolerance:clearing_public",
    ),
)
