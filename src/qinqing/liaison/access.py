"""Who may open each liaison page (articles 7 and 9).

The liaison office (district leaders, department handlers, administrators) keeps the roster of
leaders and their key enterprises, the meetings and the decisions in consultation. The federation's
staff and enterprise accounts see the consultations they are invited to and give their opinions
(their own invitations only: the selectors answer 404 to everyone else). Published responsibility
lists and published consultation feedback are public pages.
"""

from django.utils.translation import gettext_lazy as _

from qinqing.core.access import PUBLIC, Operation, Page, Tile, declare, menu_group
from qinqing.core.roles import Role

MANAGERS = (Role.ADMINISTRATOR, Role.DISTRICT_LEADER, Role.DEPARTMENT_HANDLER)
PARTICIPANTS = (Role.FEDERATION_STAFF, Role.ENTERPRISE_USER)

menu_group("liaison", _("Liaison"), order=35)

declare(
    Page(
        "liaison:coverage",
        MANAGERS,
        menu="liaison",
        label=_("Leaders and key enterprises"),
        order=10,
        tile=Tile(
            "liaison_coverage",
            _("Leaders' liaison"),
            _(
                "Each district leader's key enterprises; who has none, and which key enterprise has no "
                "leader."
            ),
            _("Article 7"),
        ),
    ),
    Page("liaison:leader_add", MANAGERS),
    Page("liaison:frequency", MANAGERS, menu="liaison", label=_("Visit frequency"), order=15),
    # each list's ledger (.xlsx): the list's rows for the list's people
    Page("liaison:frequency_xlsx", MANAGERS),
    Page("liaison:reminders", MANAGERS, menu="liaison", label=_("My liaison reminders"), order=70),
    # The federation and the chambers as directory records, and the accounts acting for each (article 9).
    Page("liaison:associations", MANAGERS, menu="liaison", label=_("Federation and chambers"), order=35),
    Page("liaison:leader_detail", MANAGERS),
    Page("liaison:link_add", MANAGERS),
    Page("liaison:link_end", MANAGERS),
    Page("liaison:list_create", MANAGERS),
    Page("liaison:list_act", MANAGERS, actions=("liaison.list.*",)),
    Page("liaison:lists_public", PUBLIC),
    Page("liaison:list_public", PUBLIC),
    Page(
        "liaison:meetings",
        MANAGERS,
        menu="liaison",
        label=_("Visits and roundtables"),
        order=20,
        tile=Tile(
            "liaison_meetings",
            _("Visits and roundtables"),
            _(
                "Roundtables (企业恳谈会), visits and communication meetings; each problem raised becomes "
                "a tracked appeal."
            ),
            _("Articles 7 and 9"),
        ),
    ),
    Page("liaison:meetings_xlsx", MANAGERS),
    Page("liaison:meeting_detail", MANAGERS),
    Page("liaison:meeting_act", MANAGERS, actions=("liaison.meeting.*",)),
    Page("liaison:problem_raise", MANAGERS),
    Page("liaison:follow_up_add", MANAGERS),
    Page("liaison:follow_up_done", MANAGERS),
    Page(
        "liaison:decisions",
        MANAGERS,
        menu="liaison",
        label=_("Decisions in consultation"),
        order=30,
        tile=Tile(
            "liaison_decisions",
            _("Consultation before decisions"),
            _(
                "Hearings, expert reviews and forums with the federation, chambers and enterprises before "
                "a decision touching their interests."
            ),
            _("Article 9"),
        ),
    ),
    Page("liaison:decision_detail", MANAGERS),
    Page("liaison:decision_act", MANAGERS, actions=("liaison.decision.*", "liaison.consultation.*")),
    Page("liaison:opinion_answer", MANAGERS),
    # the answer to an opinion as a reply letter: the party that gave it (the federation, a chamber, an
    # invited enterprise: its own only) and the liaison office that answered; only once answered
    # (liaison.letters)
    Page("liaison:opinion_letter", MANAGERS + PARTICIPANTS, sees_all=MANAGERS),
    Page(
        "liaison:invitations",
        PARTICIPANTS,
        menu="liaison",
        label=_("Consultations I am invited to"),
        order=40,
        tile=Tile(
            "liaison_invitations",
            _("Consultations"),
            _("Decisions the district consults you on: give your opinion and see the answer."),
            _("Article 9"),
        ),
    ),
    Page("liaison:invitation", PARTICIPANTS),
    Page("liaison:feedback_public", PUBLIC),
    # The federation takes part in the regular communication meetings: it reads them and their follow-ups; a
    # chamber's account reads those its chamber was invited to.
    Page(
        "liaison:communication",
        (Role.FEDERATION_STAFF,),
        menu="liaison",
        label=_("Communication meetings and follow-ups"),
        order=50,
    ),
    Page("liaison:communication_xlsx", (Role.FEDERATION_STAFF,)),
    # An enterprise reads the meetings it was invited to and the appeals its problems became (its own only).
    Page(
        "liaison:my_meetings",
        (Role.ENTERPRISE_USER,),
        menu="liaison",
        label=_("Meetings I was invited to"),
        order=60,
    ),
    Operation("GET /liaison/coverage", MANAGERS, scope=None),
    Operation("GET /liaison/invitations", PARTICIPANTS, scope=None),
)
