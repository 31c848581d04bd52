"""Supervision's part of the public portal (core.portal): the typical cases exposed (article 18) and
the report pages (article 17)."""

from django.utils.translation import gettext_lazy as _

from qinqing.core.portal import Entry, Section, Service, declare, item_url, labels, summary

from . import selectors
from .models import Behaviour, TypicalCase


def _behaviours(case) -> str:
    names = dict(Behaviour.choices)
    return "、".join(str(names.get(code, code)) for code in case.behaviours)


declare(
    Section(
        "typical_cases",
        _("Typical cases exposed"),
        _(
            "Cases of officials' misconduct towards enterprises, published after approval "
            "without personal data."
        ),
        "supervision:public_cases",
        article="18",
        order=50,
        items=selectors.published_cases,  # approved and published only; drafts are not found
        entry=lambda c: Entry(c.title, item_url("typical_cases", c.pk), c.published_on, summary(c.body)),
        columns=labels(TypicalCase, "title", "behaviours", "published_on", "body"),
        row=lambda c: (c.title, _behaviours(c), c.published_on, c.body),
        search_fields=("title", "body"),
    ),
    Service(
        "report",
        _("Report to the discipline office"),
        _("Report collusion, inaction, obstruction or demands by officials, by real name or anonymously. "
          "Encrypted; read only by the inspectors assigned to it."),
        url_name="supervision:report_new",
        article="17",
        order=30,
    ),
    Service(
        "report_status",
        _("Follow a report"),
        _("Read replies, answer questions and add information with your receipt code."),
        url_name="supervision:report_status",
        article="17",
        order=35,
    ),
)
