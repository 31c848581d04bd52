"""Every write of the conduct app (articles 14, 15). Keyword-only, one transaction, audited.

Split by concern; this package re-exports the public names, so callers keep writing
``from qinqing.conduct import services; services.check_assignment(...)``:

- ``actors``: who may act on conduct's workflows (owner, supervising leader, oversight, discipline office)
- ``config``: the administrator's ``ConductRules`` (``rules``, ``rules_update``)
- ``gate``: THE conflict-of-interest gate ``check_assignment`` (15.7), exemptions, the integrity hook (21)
- ``recusal``: recusal reported, applied for, decided, ordered, refused (15.7), ``RECUSAL_WORKFLOW``
- ``activities``: pre-approval of enterprise events, letters, reports (14), ``ACTIVITY_WORKFLOW``
- ``gifts``: gifts recorded and handed in with a numbered receipt (15.1), ``GIFT_WORKFLOW``
- ``declarations``: integrity pledge, related-person declarations, annual confirmation (15)
- ``screening``: the district screening run and its watch list (15.7)

``check_assignment``: every module that puts an official on a matter concerning an enterprise
calls it first, before saving anything. To patch a name in tests, patch it in the submodule
that uses it (e.g. ``services.activities.is_enterprise_restricted``), not here.
"""

from __future__ import annotations

from ..conflicts import find_conflicts
from .activities import (
    ACTIVITY_WORKFLOW,
    LETTER_NUMBERS,
    RULE_MESSAGES,
    FindingLevel,
    activity_decide,
    activity_report,
    activity_submit,
    evaluate_activity,
    finding_message,
)
from .actors import ACTORS, DISCIPLINE_OFFICE, OVERSIGHT, OWNER, SUPERVISING_LEADER
from .config import RULE_FIELDS, rules, rules_update
from .declarations import (
    PLEDGE_REQUIREMENTS,
    annual_confirm,
    declaration_name_resolve,
    pledge_sign,
    related_person_declare,
)
from .gate import RecusalRequired, check_assignment, exemption_grant, is_enterprise_restricted
from .gifts import GIFT_WORKFLOW, RECEIPT_NUMBERS, gift_hand_in, gift_record
from .recusal import RECUSAL_WORKFLOW, recusal_decide, recusal_order, recusal_refuse, recusal_report
from .screening import WatchRebuild, screening_run, screening_watch_rebuild

__all__ = [
    "ACTIVITY_WORKFLOW",
    "ACTORS",
    "DISCIPLINE_OFFICE",
    "GIFT_WORKFLOW",
    "LETTER_NUMBERS",
    "OVERSIGHT",
    "OWNER",
    "PLEDGE_REQUIREMENTS",
    "RECEIPT_NUMBERS",
    "RECUSAL_WORKFLOW",
    "RULE_FIELDS",
    "RULE_MESSAGES",
    "SUPERVISING_LEADER",
    "FindingLevel",
    "RecusalRequired",
    "WatchRebuild",
    "activity_decide",
    "activity_report",
    "activity_submit",
    "annual_confirm",
    "check_assignment",
    "evaluate_activity",
    "exemption_grant",
    "find_conflicts",
    "finding_message",
    "gift_hand_in",
    "gift_record",
    "is_enterprise_restricted",
    "pledge_sign",
    "recusal_decide",
    "recusal_order",
    "recusal_refuse",
    "recusal_report",
    "related_person_declare",
    "declaration_name_resolve",
    "rules",
    "rules_update",
    "screening_run",
    "screening_watch_rebuild",
]
