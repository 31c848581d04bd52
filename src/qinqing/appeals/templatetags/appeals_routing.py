"""Context for the suggestion panel on the appeal detail page (``appeals/_suggestion.html``).

Suggestions only: the panel pre-fills copies of the triage, assign and reply forms, which
post to the ordinary actions. Nothing is recorded until a person submits one of them.
"""

from django import template

from ..models import Category, Track
from ..routing import answers as answer_drafts
from ..routing import model as routing

register = template.Library()

# Query parameters of the one-click prefill links (a plain GET of the detail page, no script).
PREFILL_ROUTING = "routing"
PREFILL_ANSWER = "answer"


@register.simple_tag(takes_context=True)
def suggestion_panel(context) -> dict:
    appeal = context.get("appeal")
    actions = context.get("actions") or []
    request = context.get("request")
    query = request.GET if request is not None else {}
    panel: dict = {"routing": False, "answers": False}
    if appeal is None:
        return panel
    if "triage" in actions or "assign" in actions:
        suggestion = routing.suggest(appeal)
        panel.update(
            routing=True,
            suggestion=suggestion,
            prefill_routing=query.get("prefill") == PREFILL_ROUTING and suggestion is not None,
        )
        if suggestion is not None:
            panel["suggested_track"] = suggestion.track or appeal.track or Track.RESOLVE
    if "reply" in actions and appeal.track == Track.RESOLVE and appeal.category == Category.CONSULTATION:
        answers = answer_drafts.suggest_answers(appeal)
        panel.update(answers=True, answer_suggestions=answers)
        chosen = next(
            (found for found in answers if str(found.interpretation.pk) == query.get("answer")), None
        )
        if query.get("prefill") == PREFILL_ANSWER and chosen is not None:
            panel["prefill_reply"] = answer_drafts.reply_text(chosen.interpretation)
            panel["prefill_interpretation"] = chosen.interpretation
    return panel


@register.filter
def percent(value) -> str:
    return "—" if value is None else f"{float(value):.0%}"
