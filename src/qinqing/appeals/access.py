"""Who may open each appeals page and call each appeals API operation (articles 6, 8).

Enterprise users file, follow and rate their own appeals; department handlers and officials
handle their own unit's; the supervision office (督办: district and supervising leaders,
administrators) sees every appeal; the discipline office reads the dashboard. The selectors
narrow each page to the caller's objects (404 for another party's). Actions on an appeal are
declared with the workflow (appeals.services / core.workflow).
"""

from django.utils.translation import gettext_lazy as _

from qinqing.core.access import PUBLIC, SIGNED_IN, Operation, Page, Tile, declare, menu_group
from qinqing.core.roles import Role

ENTERPRISE = (Role.ENTERPRISE_USER,)
HANDLERS = (Role.DEPARTMENT_HANDLER, Role.OFFICIAL)
SUPERVISION = (Role.DISTRICT_LEADER, Role.SUPERVISING_LEADER, Role.ADMINISTRATOR)
APPEAL_ROLES = (*ENTERPRISE, *HANDLERS, *SUPERVISION)
DASHBOARD = (*SUPERVISION, Role.DISCIPLINE_INSPECTOR)
OPERATORS = (Role.DEPARTMENT_HANDLER, Role.ADMINISTRATOR)

menu_group("appeals", _("Enterprise appeals"), order=10)

declare(
    # pages
    Page(
        "appeals:mine",
        ENTERPRISE,
        menu="appeals",
        label=_("My appeals"),
        order=10,
        tile=Tile(
            "appeals_mine",
            _("My appeals"),
            _("File a question or demand and follow it to the reply."),
            _("Articles 6, 8"),
        ),
    ),
    Page(
        "appeals:queue",
        HANDLERS,
        menu="appeals",
        label=_("Appeals to handle"),
        order=20,
        tile=Tile(
            "appeals_queue",
            _("Appeals to handle"),
            _("Your unit's appeals by deadline, overdue first."),
            _("Article 8"),
        ),
    ),
    Page(
        "appeals:all",
        SUPERVISION,
        menu="appeals",
        label=_("All appeals"),
        order=30,
        tile=Tile(
            "appeals_all",
            _("All appeals"),
            _("Triage and dispatch every appeal onto its track."),
            _("Article 8"),
        ),
    ),
    Page(
        "appeals:supervision",
        SUPERVISION,
        menu="appeals",
        label=_("Supervision of appeals (督办)"),
        order=40,
        tile=Tile(
            "appeals_supervision",
            _("Supervision of appeals (督办)"),
            _("Overdue appeals with the working days overdue."),
            _("Article 8"),
        ),
    ),
    Page(
        "appeals:dashboard",
        DASHBOARD,
        menu="appeals",
        label=_("Appeals dashboard"),
        order=50,
        tile=Tile(
            "appeals_dashboard",
            _("Appeals dashboard"),
            _(
                "On-time, reply and satisfaction rates per unit and month, overdue list, hot "
                "topics, the ledger."
            ),
            _("Article 8"),
        ),
    ),
    Page("appeals:dashboard_refresh", SUPERVISION),
    Page("appeals:dashboard_ledger", DASHBOARD),
    Page(
        "appeals_channels:operator_record",
        OPERATORS,
        menu="appeals",
        label=_("Record an appeal"),
        order=60,
        tile=Tile(
            "appeals_operator_record",
            _("Record an appeal"),
            _("Appeals received by phone, letter, visit or roundtable, with their channel kept."),
            _("Article 8"),
        ),
    ),
    # Operators see the acknowledgements of the appeals they recorded; administrators every one.
    Page("appeals_channels:operator_acknowledgement", OPERATORS, sees_all=(Role.ADMINISTRATOR,)),
    Page(
        "appeals:mail_room",
        SUPERVISION,
        menu="appeals",
        label=_("Reply letters (mail room)"),
        order=78,
        tile=Tile(
            "appeals_mail_room",
            _("Reply letters (mail room)"),
            _("Print the replies to letter writers in batches and mark them posted."),
            _("Article 8"),
        ),
    ),
    Page(
        "appeals:limits",
        (Role.ADMINISTRATOR,),
        menu="appeals",
        label=_("Appeal time limits"),
        order=80,
        tile=Tile(
            "appeals_limits",
            _("Appeal time limits"),
            _("The working-day limits of the three tracks."),
            _("Article 8"),
        ),
    ),
    Page(
        "appeals:hotline",
        SUPERVISION,
        menu="appeals",
        label=_("12345 hotline work orders"),
        order=75,
        tile=Tile(
            "appeals_hotline",
            _("12345 hotline work orders"),
            _("Import the hotline platform's work orders as appeals; export the results back."),
            _("Article 8"),
        ),
    ),
    Page("appeals:hotline_results_xlsx", SUPERVISION),
    Page("appeals:hotline_results_csv", SUPERVISION),
    Page("appeals:detail", APPEAL_ROLES, sees_all=SUPERVISION),
    # an appeal's file: whoever may open the appeal (selectors.access_attachment), audited
    Page("appeals:attachment", APPEAL_ROLES, sees_all=SUPERVISION),
    Page("appeals:act", APPEAL_ROLES, sees_all=SUPERVISION, actions=("appeals.appeal.*",)),
    # public: the mailbox, its status lookup, the channel webhooks (signed); the policy-interpretation
    # library mounted at /appeals/knowledge/ is declared by its app (policy/access.py)
    Page("appeals_channels:portal_mailbox", PUBLIC),
    Page("appeals_channels:portal_filed", PUBLIC),
    Page("appeals_channels:portal_status", PUBLIC),
    Page("appeals_channels:sms_webhook", PUBLIC),
    Page(
        "appeals_channels:sms_tencent_callback", PUBLIC
    ),  # Tencent Cloud's reply callback: the URL's secret token
    Page("appeals_channels:wechat_webhook", PUBLIC),
    # API: session callers by role, API keys by scope
    Operation("POST /appeals", APPEAL_ROLES, scope="appeals:write"),
    Operation("GET /appeals", APPEAL_ROLES, scope="appeals:read", sees_all=SUPERVISION),
    Operation("GET /appeals/queue", (*HANDLERS, *SUPERVISION), scope="appeals:read", sees_all=SUPERVISION),
    Operation("GET /appeals/supervision", SUPERVISION, scope="appeals:read"),
    Operation("GET /appeals/interpretations", SIGNED_IN, scope="appeals:read"),
    Operation("GET /appeals/{tracking_number}", APPEAL_ROLES, scope="appeals:read", sees_all=SUPERVISION),
    Operation(
        "POST /appeals/{tracking_number}/transitions",
        APPEAL_ROLES,
        scope="appeals:write",
        sees_all=SUPERVISION,
        actions=("appeals.appeal.*",),
    ),
    Operation("GET /appeals/{tracking_number}/timeline", ENTERPRISE, scope="appeals:read"),
    Operation(
        "POST /appeals/{tracking_number}/rating",
        ENTERPRISE,
        scope="appeals:write",
        actions=("appeals.appeal.rate",),
    ),
    Operation(
        "GET /appeals/{tracking_number}/routing-suggestion",
        SUPERVISION,
        scope="appeals:read",
        sees_all=SUPERVISION,
    ),
    Operation(
        "GET /appeals/{tracking_number}/answer-suggestions",
        (*HANDLERS, *SUPERVISION),
        scope="appeals:read",
        sees_all=SUPERVISION,
    ),
    # 12345 hotline work orders (issue 11): a pushing platform's key, or the supervision office
    Operation("POST /appeals/hotline/orders", SUPERVISION, scope="appeals:hotline"),
    Operation("GET /appeals/hotline/results", SUPERVISION, scope="appeals:hotline"),
    Operation("GET /appeals-stats/stats", DASHBOARD, scope="appeals:read"),
    Operation("GET /appeals-stats/overdue", DASHBOARD, scope="appeals:read"),
)
