"""Integrity services (articles 20, 21): every write in one transaction with its audit events.

- ``records``: integrity records (add, withdraw).
- ``listings``: the blacklist decision with its restrictions, the notice, objections and
  credit repair / early removal on ``core.workflow``.
- ``eligibility``: the one question every module asks — may this enterprise or person take
  part in this activity today? — logged for every answer.
"""

from .bribery import BRIBERY_WORKFLOW, bribery_answer, bribery_found, bribery_request  # noqa: F401
from .comprehensive import (  # noqa: F401
    COMPREHENSIVE_WORKFLOW,
    comprehensive_clean_opinion,
    comprehensive_conclude,
    comprehensive_federation_opinion,
    comprehensive_start,
)
from .eligibility import (  # noqa: F401
    EligibilityAnswer,
    eligibility,
    eligibility_batch,
    is_enterprise_restricted,
    keyed_code_check,
    parse_activity,
)
from .evaluation import (  # noqa: F401
    Standing,
    evaluate,
    priority_list,
    priority_standing,
    recompute,
    rules_update,
)
from .listings import (  # noqa: F401
    APPLICATION_WORKFLOW,
    LISTING_SERIES,
    application_file,
    application_grant,
    application_refuse,
    listing_decide,
    listing_publication,
    notice_delivered,
)
from .notices import notice_printed  # noqa: F401
from .records import record_add, record_withdraw  # noqa: F401
