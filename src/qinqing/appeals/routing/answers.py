"""Reply drafts for consultation appeals (article 8) from the policy-interpretation library
(``policy.interpretations``): the appeal's text matched on the routing model's jieba words."""

from qinqing.policy.interpretations import library
from qinqing.policy.interpretations.library import AnswerSuggestion, reply_text  # noqa: F401 (what callers use)

from ..models import Category
from .model import appeal_text, tokenize


def suggest_answers(appeal, *, limit: int = 3) -> list[AnswerSuggestion]:
    """For a consultation appeal: the best-matching published interpretations, best first (reads only)."""
    if appeal.category != Category.CONSULTATION:
        return []
    return library.suggest_answers(appeal_text(appeal), tokenizer=tokenize, limit=limit)
