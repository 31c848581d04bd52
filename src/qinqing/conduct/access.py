"""Who may open each conduct page and call each conduct API operation (articles 14, 15).

Officials file their own requests, gifts, related persons and recusals; their supervising
leader decides them; the discipline office (and administrators) see everything: red flags,
leads, conflicts. The selectors narrow object pages to the official concerned, their leader
and the discipline office (404 for anyone else). Anyone may verify a letter by its code.
"""

from django.utils.translation import gettext_lazy as _

from qinqing.core.access import PUBLIC, Operation, Page, Tile, declare, menu_group
from qinqing.core.roles import Role

OFFICIAL = (Role.OFFICIAL,)
LEADER = (Role.SUPERVISING_LEADER,)
# The discipline office and administrators see every official's conduct records.
INSPECTORS = (Role.DISCIPLINE_INSPECTOR, Role.ADMINISTRATOR)
# District leaders and administrators may decide any official's recusal (conduct.services.OVERSIGHT), never
# their own.
OVERSIGHT = (Role.DISTRICT_LEADER, Role.ADMINISTRATOR)
STAFF = (
    Role.OFFICIAL,
    Role.SUPERVISING_LEADER,
    Role.DISTRICT_LEADER,
    Role.DISCIPLINE_INSPECTOR,
    Role.ADMINISTRATOR,
    Role.DEPARTMENT_HANDLER,
)

menu_group("conduct", _("Officials' conduct"), order=20)

declare(
    Page(
        "conduct:my_requests",
        OFFICIAL,
        menu="conduct",
        label=_("My event requests"),
        order=10,
        tile=Tile(
            "conduct_requests",
            _("Enterprise events"),
            _("Ask for written approval before an enterprise event; gifts, related persons, recusal."),
            _("Articles 14, 15"),
        ),
    ),
    Page("conduct:request_new", OFFICIAL),
    Page("conduct:request_check", OFFICIAL),
    Page("conduct:activity_detail", STAFF, sees_all=INSPECTORS),
    Page(
        "conduct:activity_decide",
        (*LEADER, *OFFICIAL),
        sees_all=INSPECTORS,
        actions=("conduct.activity.approve", "conduct.activity.refuse"),
    ),
    Page("conduct:activity_report", OFFICIAL, sees_all=INSPECTORS, actions=("conduct.activity.report",)),
    Page("conduct:letter_pdf", STAFF, sees_all=INSPECTORS),
    Page("conduct:verify_letter", PUBLIC),
    Page("conduct:my_gifts", OFFICIAL, menu="conduct", label=_("My gifts"), order=20),
    Page("conduct:gift_receipt", STAFF, sees_all=INSPECTORS),
    Page("conduct:gift_receipt_pdf", STAFF, sees_all=INSPECTORS),
    Page("conduct:gift_hand_in", (Role.DISCIPLINE_INSPECTOR,), actions=("conduct.gift.hand_in",)),
    Page("conduct:my_related_persons", OFFICIAL, menu="conduct", label=_("My related persons"), order=30),
    Page(
        "conduct:my_recusals",
        OFFICIAL,
        menu="conduct",
        label=_("Recusals"),
        order=40,
        actions=("conduct.recusal.refuse",),
    ),
    Page(
        "conduct:approvals",
        LEADER,
        menu="conduct",
        label=_("Approvals"),
        order=50,
        tile=Tile(
            "conduct_approvals",
            _("Approvals"),
            _("Approve or refuse enterprise-event requests and recusals."),
            _("Article 14"),
        ),
    ),
    Page("conduct:approvals_xlsx", LEADER),  # the approvals list's ledger (.xlsx): its rows, its people
    Page("conduct:recusal_decide", LEADER, actions=("conduct.recusal.approve", "conduct.recusal.reject")),
    Page(
        "conduct:recusals_pending",
        OVERSIGHT,
        menu="conduct",
        label=_("Recusals to decide"),
        order=55,
        actions=("conduct.recusal.approve", "conduct.recusal.reject"),
    ),
    Page("conduct:recusals_pending_xlsx", OVERSIGHT),  # the list's ledger (.xlsx): its rows, its people
    Page(
        "conduct:recusal_oversee",
        OVERSIGHT,
        sees_all=OVERSIGHT,
        actions=("conduct.recusal.approve", "conduct.recusal.reject"),
    ),
    Page("conduct:recusal_order", LEADER, menu="conduct", label=_("Order a recusal"), order=60),
    Page(
        "conduct:red_flags",
        INSPECTORS,
        menu="conduct",
        label=_("Red flags"),
        order=70,
        tile=Tile(
            "conduct_red_flags",
            _("Conduct red flags"),
            _("Repeated events, costs near the limit, late filings, gifts not handed in, conflicts, leads."),
            _("Articles 14–16"),
        ),
    ),
    Page("conduct:leads", INSPECTORS, menu="conduct", label=_("Leads"), order=80),
    # The discipline office's gift register (礼品礼金登记台账, 15.1): every official's records; its ledger.
    Page("conduct:gift_register", INSPECTORS, menu="conduct", label=_("Gift register"), order=82),
    Page("conduct:gift_register_xlsx", INSPECTORS),  # the register's ledger (.xlsx): its rows, its filters
    # The discipline office keeps the related-person declarations (article 15) and resolves those declared
    # under a name that is not the name of record: both names are shown here, and only here.
    Page(
        "conduct:declarations", INSPECTORS, menu="conduct", label=_("Related-person declarations"), order=85
    ),
    Page("conduct:declarations_xlsx", INSPECTORS),  # the declarations' ledger (.xlsx), holdings included
    Page("conduct:conflicts", INSPECTORS, menu="conduct", label=_("Conflicts of interest"), order=90),
    Page(
        "conduct:pledge_sign",
        (Role.ENTERPRISE_USER,),
        menu="conduct",
        label=_("Integrity pledge"),
        order=100,
        tile=Tile(
            "conduct_pledge",
            _("Integrity pledge"),
            _("Sign the six requirements for enterprises online."),
            _("Article 15"),
        ),
    ),
    Page(
        "conduct:pledges",
        (*STAFF, Role.FEDERATION_STAFF),
        menu="conduct",
        label=_("Signed integrity pledges"),
        order=110,
    ),
    Page(
        "conduct:rules",
        (*STAFF, Role.ENTERPRISE_USER, Role.FEDERATION_STAFF),
        menu="conduct",
        label=_("Negative lists"),
        order=120,
        tile=Tile(
            "conduct_rules",
            _("Negative lists"),
            _("Seven requirements for officials, six for enterprises."),
            _("Article 15"),
            audience=(
                Role.OFFICIAL,
                Role.SUPERVISING_LEADER,
                Role.DISCIPLINE_INSPECTOR,
                Role.ENTERPRISE_USER,
            ),
        ),
    ),
    Page(
        "conduct:rules_edit",
        (Role.ADMINISTRATOR,),
        menu="conduct",
        label=_("Conduct rules"),
        order=130,
        tile=Tile(
            "conduct_settings",
            _("Conduct rules"),
            _("Reception standard, working hours, gift hand-in period, near-limit share."),
            _("Articles 14, 15"),
        ),
    ),
    Operation("GET /conduct/letters/{code}", PUBLIC),
    Operation("GET /conduct/officials/{official_id}/conflicts", INSPECTORS, scope="conduct:read"),
)
