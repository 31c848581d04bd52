"""Who may open each fair-competition review page and call its API (article 5).

The reviewing office is a department's handler (职能部门经办人: the market regulator's fair-
competition review office, or the drafting department's own reviewer); they upload documents,
decide on the findings and sign reviews off, seeing the reviews of their own unit. Administrators
see every review. Other systems (a procurement platform before it publishes a tender) call
``POST /api/v1/fairness/check`` with an API key of scope ``fairness:check``.
"""

from django.utils.translation import gettext_lazy as _

from qinqing.core.access import Operation, Page, Tile, declare, menu_group
from qinqing.core.roles import Role

REVIEWERS = (Role.DEPARTMENT_HANDLER, Role.ADMINISTRATOR)
SEES_ALL = (Role.ADMINISTRATOR,)

menu_group("fairness", _("Fair competition"), order=35)

declare(
    Page(
        "fairness:reviews",
        REVIEWERS,
        menu="fairness",
        label=_("Fair-competition reviews"),
        order=10,
        sees_all=SEES_ALL,
        tile=Tile(
            "fairness_reviews",
            _("Fair-competition review"),
            _("Check procurement, PPP and policy documents for discriminatory clauses."),
            _("Article 5"),
        ),
    ),
    Page("fairness:review_new", REVIEWERS, menu="fairness", label=_("Review a document"), order=20),
    Page("fairness:review_detail", REVIEWERS, sees_all=SEES_ALL, actions=("fairness.review.conclude",)),
    Page("fairness:finding_decide", REVIEWERS, sees_all=SEES_ALL),
    Page("fairness:finding_add", REVIEWERS, sees_all=SEES_ALL),
    Page("fairness:review_conclude", REVIEWERS, sees_all=SEES_ALL, actions=("fairness.review.conclude",)),
    Page("fairness:review_pdf", REVIEWERS, sees_all=SEES_ALL),
    Page("fairness:review_docx", REVIEWERS, sees_all=SEES_ALL),
    Page("fairness:rules", REVIEWERS, menu="fairness", label=_("Rules and their precision"), order=30),
    Page("fairness:rule_edit", REVIEWERS),
    Page("fairness:labels", REVIEWERS, sees_all=SEES_ALL),
    Page("fairness:ledger", REVIEWERS, sees_all=SEES_ALL),
    Operation("POST /fairness/check", REVIEWERS, scope="fairness:check"),
)
