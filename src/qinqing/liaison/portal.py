"""Liaison's sections of the public portal (core.portal): leaders' responsibility lists published to the
public (article 7) and the feedback on consultations (article 9)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qinqing.core.portal import Entry, Section, declare, item_url, labels, summary

from . import selectors
from .models import Decision, ResponsibilityList


def _public_lists():
    return selectors.published_lists(None)  # no user: the lists published to the public only


def _list_entry(row: ResponsibilityList) -> Entry:
    official = row.leader.official
    return Entry(
        f"{row.year} {official.person.name}（{official.position}）{row.title}",
        reverse("liaison:list_public", args=[row.pk]),
        row.published_at,
        summary(row.content),
    )


def _feedback():
    return Decision.objects.filter(feedback_published_at__isnull=False).order_by(
        "-feedback_published_at", "-pk"
    )


declare(
    Section(
        "responsibility_lists",
        _("Leaders' responsibility lists"),
        _("What each district leader is responsible for in the liaison with enterprises."),
        "liaison:lists_public",
        article="7",
        order=30,
        items=_public_lists,
        entry=_list_entry,
        columns=(*labels(ResponsibilityList, "year", "leader", "title", "content", "published_at"),),
        row=lambda r: (
            r.year,
            f"{r.leader.official.person.name}（{r.leader.official.unit.name}{r.leader.official.position}）",
            r.title,
            r.content,
            r.published_at,
        ),
        search_fields=("title", "content"),
        detail_url_name="liaison:list_public",
    ),
    Section(
        "consultation_feedback",
        _("Consultation feedback"),
        _("Decisions touching enterprises' interests, and how the opinions gathered were taken up."),
        "liaison:feedback_public",
        article="9",
        order=35,
        items=_feedback,
        entry=lambda d: Entry(
            d.title, item_url("consultation_feedback", d.pk), d.feedback_published_at, summary(d.feedback)
        ),
        # What the public feedback page shows, no more (the opinions stay on that page).
        columns=labels(Decision, "title", "status", "feedback", "feedback_published_at"),
        row=lambda d: (d.title, d.get_status_display(), d.feedback, d.feedback_published_at),
        search_fields=("title", "feedback"),
    ),
)
