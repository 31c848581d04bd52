"""Who may open each legal-environment page (articles 11, 12, 13, 15.6).

Enforcement and judicial bodies are directory units (a court or procuratorate has its own organ type):
their own accounts (Role.ENFORCEMENT_BODY) — and, as before, a department handler of the body — register the
compulsory measures, inspections and charges that touch an enterprise, answer objections, handle protection
requests and keep the litigation ledger for their unit; a court's account also sees the cases it tries and
records its evidence requests and the outcome. Another body's rows answer 404.
The unit's supervising leader sees its flags; the discipline office, district leaders and administrators see
every unit's. An enterprise sees what was registered about it, objects, turns an objection into an appeal,
and requests protection (article 11).
"""

from django.utils.translation import gettext_lazy as _

from qinqing.core.access import Operation, Page, Tile, declare, menu_group
from qinqing.core.roles import Role

BODIES = (Role.DEPARTMENT_HANDLER, Role.ENFORCEMENT_BODY, Role.ADMINISTRATOR)
WATCHERS = (Role.DISCIPLINE_INSPECTOR, Role.DISTRICT_LEADER, Role.ADMINISTRATOR)  # every unit
UNIT_LEADERS = (Role.SUPERVISING_LEADER,)  # their unit
STAFF = (
    Role.DEPARTMENT_HANDLER,
    Role.ENFORCEMENT_BODY,
    Role.SUPERVISING_LEADER,
    Role.DISCIPLINE_INSPECTOR,
    Role.DISTRICT_LEADER,
    Role.ADMINISTRATOR,
)
ENTERPRISES = (Role.ENTERPRISE_USER,)

menu_group("legal", _("Legal environment"), order=50)

declare(
    Page(
        "legal:register",
        STAFF,
        sees_all=WATCHERS,
        menu="legal",
        label=_("Measures, inspections and charges"),
        order=10,
        tile=Tile(
            "legal_register",
            _("Enforcement on enterprises"),
            _("Compulsory measures, inspections and charges registered with their legal basis; flags."),
            _("Articles 12 and 15"),
        ),
    ),
    # each list's ledger (.xlsx): the same rows for the same people as the list
    Page("legal:register_xlsx", STAFF, sees_all=WATCHERS),
    Page("legal:cases_xlsx", STAFF, sees_all=WATCHERS),
    Page("legal:recommendations_xlsx", STAFF, sees_all=WATCHERS),
    Page("legal:protections_xlsx", STAFF, sees_all=WATCHERS),
    Page("legal:flags", STAFF, sees_all=WATCHERS, menu="legal", label=_("Flags"), order=20),
    Page("legal:action_detail", STAFF + ENTERPRISES, sees_all=WATCHERS),
    # administrators act on every unit's rows; handlers on their unit's, enterprises on their own
    # the discipline office assesses a retaliation flag on any body's action (article 13 (3))
    Page(
        "legal:action_act",
        (*BODIES, *ENTERPRISES, Role.DISCIPLINE_INSPECTOR),
        sees_all=(Role.ADMINISTRATOR, Role.DISCIPLINE_INSPECTOR),
    ),
    # the decisions' letters: exactly the enterprise concerned and the deciding body (answer, protection)
    Page("legal:objection_letter", (*BODIES, *ENTERPRISES), sees_all=(Role.ADMINISTRATOR,)),
    Page("legal:protection_letter", (*BODIES, *ENTERPRISES), sees_all=(Role.ADMINISTRATOR,)),
    Page("legal:cases", STAFF, sees_all=WATCHERS, menu="legal", label=_("Litigation ledger"), order=30),
    # the procuratorate's legal supervision: its recommendations (检察建议) and the bodies' answers
    Page(
        "legal:recommendations",
        STAFF,
        sees_all=WATCHERS,
        menu="legal",
        label=_("Procuratorial recommendations"),
        order=35,
    ),
    Page("legal:recommendation_answer", BODIES, sees_all=(Role.ADMINISTRATOR,)),
    Page("legal:case_detail", STAFF, sees_all=WATCHERS),
    Page("legal:case_act", BODIES, sees_all=(Role.ADMINISTRATOR,)),
    Page(
        "legal:protections", STAFF, sees_all=WATCHERS, menu="legal", label=_("Protection requests"), order=40
    ),
    Page("legal:protection_act", BODIES, sees_all=(Role.ADMINISTRATOR,)),
    Page(
        "legal:settings",
        (Role.DISCIPLINE_INSPECTOR, Role.ADMINISTRATOR),
        menu="legal",
        label=_("Inspection period"),
        order=50,
    ),
    Page(
        "legal:mine",
        ENTERPRISES,
        menu="legal",
        label=_("What was registered about us"),
        order=60,
        tile=Tile(
            "legal_mine",
            _("Enforcement, inspections and charges"),
            _("What government bodies registered about your enterprise; object, or request protection."),
            _("Articles 11, 12 and 15"),
        ),
    ),
    Page("legal:protection_new", ENTERPRISES),
    Operation("GET /legal/flags", WATCHERS, scope=None),
)
