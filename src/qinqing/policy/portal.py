"""The policy's sections of the public portal (core.portal): the library and the interpretations."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qinqing.core.portal import Entry, Section, declare, item_url, labels, summary

from . import selectors
from .models import PolicyDocument, PolicyInterpretation


def _document_entry(document: PolicyDocument) -> Entry:
    return Entry(
        document.title,
        reverse("policy:document", args=[document.pk]),
        document.issued_on or document.imported_at,
        "；".join(part for part in (document.get_level_display(), document.issuing_body,
                                   document.document_number) if part),
    )


def _published_interpretations():
    return PolicyInterpretation.objects.filter(is_published=True).order_by("-published_at", "-pk")


declare(
    Section(
        "policy",
        _("Policies and their library"),
        _("The district's measures and the national, provincial and municipal policies for the private "
          "economy, in force."),
        "policy:library",
        article="4",
        order=10,
        items=selectors.library,
        entry=_document_entry,
        columns=labels(PolicyDocument, "title", "level", "issuing_body", "document_number", "issued_on",
                       "valid_from", "valid_until"),
        row=lambda d: (d.title, d.get_level_display(), d.issuing_body, d.document_number, d.issued_on,
                       d.valid_from, d.valid_until),
        search_fields=("title", "issuing_body", "document_number"),
        detail_url_name="policy:document",
    ),
    Section(
        "interpretations",
        _("Policy interpretations"),
        _("Published answers to the questions enterprises ask most."),
        "appeals:knowledge",
        article="19",
        order=20,
        items=_published_interpretations,
        entry=lambda i: Entry(i.question, item_url("interpretations", i.pk), i.published_at,
                              summary(i.answer)),
        columns=labels(PolicyInterpretation, "question", "answer", "article_keys", "published_at"),
        row=lambda i: (i.question, i.answer, i.article_keys, i.published_at),
        search_fields=("question", "answer", "keywords"),
    ),
)
