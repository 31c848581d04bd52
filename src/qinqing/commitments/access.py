"""Who may open each commitments page (article 10).

The responsible unit's department handlers register commitments and contracts made to enterprises, record
progress and milestones, propose changes, and record fulfilment or breach; the unit's supervising leader (or
a district leader, or an administrator) approves a change. The discipline office, district leaders and
administrators see every unit's commitments and the overdue and breached ones. An enterprise sees the
commitments made to it and flags a breach, which becomes an appeal. Published items are read on the public
pages in the scope chosen per item.
"""

from django.utils.translation import gettext_lazy as _

from qinqing.core.access import PUBLIC, Operation, Page, Tile, declare, menu_group
from qinqing.core.roles import Role

BODIES = (Role.DEPARTMENT_HANDLER, Role.ADMINISTRATOR)
APPROVERS = (Role.SUPERVISING_LEADER, Role.DISTRICT_LEADER, Role.ADMINISTRATOR)
WATCHERS = (Role.DISCIPLINE_INSPECTOR, Role.DISTRICT_LEADER, Role.ADMINISTRATOR)  # every unit
STAFF = (
    Role.DEPARTMENT_HANDLER,
    Role.SUPERVISING_LEADER,
    Role.DISCIPLINE_INSPECTOR,
    Role.DISTRICT_LEADER,
    Role.ADMINISTRATOR,
)
ENTERPRISES = (Role.ENTERPRISE_USER,)

menu_group("commitments", _("Commitments"), order=55)

declare(
    Page(
        "commitments:list",
        STAFF,
        sees_all=WATCHERS,
        menu="commitments",
        label=_("Commitments memorandum"),
        order=10,
        tile=Tile(
            "commitments_list",
            _("Commitments to enterprises"),
            _("Every commitment and contract with an enterprise, item by item, to fulfilment."),
            _("Article 10"),
        ),
    ),
    Page(
        "commitments:overdue",
        (Role.SUPERVISING_LEADER,) + WATCHERS,
        sees_all=WATCHERS,
        menu="commitments",
        label=_("Overdue and breached"),
        order=20,
    ),
    Page("commitments:import", BODIES, menu="commitments", label=_("Import a commitments ledger"), order=30),
    Page("commitments:import_template", BODIES),
    Page("commitments:detail", STAFF + ENTERPRISES, sees_all=WATCHERS),
    Page(
        "commitments:act",
        STAFF + ENTERPRISES,
        sees_all=WATCHERS,  # the discipline office records a breach, district leaders approve changes
        actions=("commitments.commitment.*",),
    ),
    # a change approved or a breach determined, as a letter: the enterprise it was made to, the responsible
    # unit and the discipline office (the commitment's readers; commitments.letters)
    Page("commitments:decision_letter", STAFF + ENTERPRISES, sees_all=WATCHERS),
    Page(
        "commitments:mine",
        ENTERPRISES,
        menu="commitments",
        label=_("Commitments made to us"),
        order=40,
        tile=Tile(
            "commitments_mine",
            _("Commitments made to us"),
            _("What the government committed to your enterprise, its progress; flag a breach."),
            _("Article 10"),
        ),
    ),
    Page(
        "commitments:funds_mine",
        ENTERPRISES,
        menu="commitments",
        label=_("Support funds"),
        order=50,
        tile=Tile(
            "commitments_funds",
            _("Support funds"),
            _("Programmes open for applications; apply online, follow the result, object in the period."),
            _("Article 10"),
        ),
    ),
    Page("commitments:funds_act", ENTERPRISES),
    Page(
        "commitments:funds_staff",
        STAFF,
        sees_all=WATCHERS,
        menu="commitments",
        label=_("Support-fund programmes"),
        order=60,
    ),
    Page("commitments:funds_staff_act", BODIES + (Role.SUPERVISING_LEADER,), sees_all=(Role.ADMINISTRATOR,)),
    # reviewers of the programme's unit pass the conflict gate first; the discipline office reads every file
    Page("commitments:fund_application", STAFF, sees_all=WATCHERS),
    # the decision's letter: the applying enterprise once the results are published; the programme's unit
    # (reviewers past the conflict gate) and the discipline office once decided (commitments.letters)
    Page("commitments:fund_letter", STAFF + ENTERPRISES, sees_all=WATCHERS),
    Page(
        "commitments:fund_application_act",
        BODIES + (Role.SUPERVISING_LEADER,),
        sees_all=(Role.ADMINISTRATOR,),
        actions=("commitments.fund_application.*",),
    ),
    # a commitment's document or an application's attachment: object scope and the conflict gate in
    # commitments.documents (404 alike for what the reader may not see, 409 for a conflicted reviewer)
    Page("commitments:attachment", STAFF + ENTERPRISES, sees_all=WATCHERS),
    Page("commitments:public_attachment", PUBLIC),
    Page("commitments:public", PUBLIC),
    Page("commitments:public_detail", PUBLIC),
    Page("commitments:public_feed", PUBLIC),
    Page("commitments:public_xlsx", PUBLIC),
    Page("commitments:funds_public", PUBLIC),
    Page("commitments:funds_public_feed", PUBLIC),
    Page("commitments:funds_public_xlsx", PUBLIC),
    # the API (commitments/api.py): session roles; object scope in the selectors (404 alike)
    Operation("GET /commitments", STAFF, scope=None, sees_all=WATCHERS),
    Operation("POST /commitments", BODIES, scope=None),
    Operation("POST /commitments/{pk}/progress", BODIES, scope=None, sees_all=(Role.ADMINISTRATOR,)),
    Operation("GET /commitments/mine", ENTERPRISES, scope=None),
    Operation("POST /commitments/{pk}/breach", ENTERPRISES, scope=None),
    Operation("GET /commitments/funds/programmes", PUBLIC),
    Operation("GET /commitments/funds/results", PUBLIC),
    Operation("GET /commitments/funds/applications", ENTERPRISES, scope=None),
    Operation("POST /commitments/funds/applications", ENTERPRISES, scope=None),
    Operation("POST /commitments/funds/applications/{application_id}/attachments", ENTERPRISES, scope=None),
)
