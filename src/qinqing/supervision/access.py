"""Who may open each supervision page and call each supervision API operation (articles 16–18).

The public files reports and follows them with a receipt code, with no account. Discipline
inspectors see the queue (what a report is, never its sealed content, and never a report about
themselves) and assign; only the inspectors assigned to a report read it and act on it
(``services.is_assigned``; the selectors answer 404 to everyone else). Statistics carry no
reporter identity; administrators may see them and edit the deadline defaults too.
"""

from django.utils.translation import gettext_lazy as _

from qinqing.core.access import PUBLIC, Operation, Page, Tile, declare, menu_group
from qinqing.core.roles import Role

INSPECTORS = (Role.DISCIPLINE_INSPECTOR,)
FIGURES = (Role.DISCIPLINE_INSPECTOR, Role.ADMINISTRATOR)
# Article 16's main responsibility: the discipline office, district leaders and administrators read every
# organ's list; a unit's handlers and leaders draw up, file and report their own unit's (duties.selectors).
DUTY_READERS = (Role.DISCIPLINE_INSPECTOR, Role.DISTRICT_LEADER, Role.ADMINISTRATOR)
DUTIES = (*DUTY_READERS, Role.DEPARTMENT_HANDLER, Role.SUPERVISING_LEADER)
DUTY_WRITERS = (Role.DISCIPLINE_INSPECTOR, Role.DEPARTMENT_HANDLER, Role.SUPERVISING_LEADER)

menu_group("supervision", _("Supervision"), order=25)

declare(
    Page("supervision:report_new", PUBLIC),
    Page("supervision:report_filed", PUBLIC),  # the receipt of the report this browser's session filed
    Page("supervision:report_status", PUBLIC),
    Page(
        "supervision:queue",
        INSPECTORS,
        menu="supervision",
        label=_("Reports"),
        order=10,
        tile=Tile(
            "supervision_queue",
            _("Reports (信访举报)"),
            _("Reports from every channel; real-name reports of collusion or inaction first, each verified."),
            _("Article 17"),
        ),
    ),
    Page(
        "supervision:intake",
        INSPECTORS,
        menu="supervision",
        label=_("Record a letter, call or visit"),
        order=20,
    ),
    Page("supervision:report_detail", INSPECTORS),
    Page("supervision:report_act", INSPECTORS, actions=("supervision.report.*",)),
    Page("supervision:report_assign", INSPECTORS),
    Page("supervision:report_message", INSPECTORS),
    Page("supervision:report_subject", INSPECTORS),
    Page("supervision:report_outcome", INSPECTORS),
    Page("supervision:report_handover", INSPECTORS),
    Page("supervision:report_to_appeals", INSPECTORS),
    Page("supervision:report_category", INSPECTORS),
    Page("supervision:attachment", INSPECTORS),
    Page("supervision:rotation", INSPECTORS, menu="supervision", label=_("Handover on rotation"), order=60),
    Page(
        "supervision:reminders",
        INSPECTORS,
        menu="supervision",
        label=_("Early reminders"),
        order=30,
        tile=Tile(
            "supervision_reminders",
            _("Early reminders"),
            _("Reminder talks about early signs, with follow-up."),
            _("Article 16"),
        ),
    ),
    Page("supervision:reminder_follow_up", INSPECTORS),
    Page(
        "supervision:dashboard",
        FIGURES,
        menu="supervision",
        label=_("Supervision figures"),
        order=40,
        tile=Tile(
            "supervision_dashboard",
            _("Supervision figures"),
            _(
                "Verification rate of real-name reports, deadlines, counts by channel, category, "
                "unit, form and month."
            ),
            _("Articles 17, 18"),
        ),
    ),
    Page("supervision:export", FIGURES),
    Page("supervision:deadlines", FIGURES, menu="supervision", label=_("Deadline defaults"), order=50),
    Page(
        "supervision:inspections",
        INSPECTORS,
        menu="supervision",
        label=_("Inspections"),
        order=70,
        tile=Tile(
            "supervision_inspections",
            _("Inspections (明察暗访)"),
            _("Units ranked by complaint signals; open inspections and unannounced visits with findings."),
            _("Article 18"),
        ),
    ),
    Page("supervision:inspection_findings", INSPECTORS),
    Page("supervision:cases", INSPECTORS, menu="supervision", label=_("Typical cases"), order=80),
    Page("supervision:case_publish", INSPECTORS),
    Page("supervision:public_cases", PUBLIC),
    Page(
        "supervision:transfers",
        INSPECTORS,
        menu="supervision",
        label=_("Reports in the appeals pool"),
        order=90,
    ),
    Page(
        "supervision:duties",
        DUTIES,
        menu="supervision",
        label=_("Main responsibility"),
        order=35,
        tile=Tile(
            "supervision_duties",
            _("Main responsibility (主体责任)"),
            _(
                "Each organ's yearly list, its performance and year-end report, and the discipline "
                "office's opinion."
            ),
            _("Article 16"),
        ),
        sees_all=DUTY_READERS,
    ),
    Page("supervision:duties_export", DUTIES, sees_all=DUTY_READERS),
    Page(
        "supervision:key_minority",
        INSPECTORS,
        menu="supervision",
        label=_("Leading cadres (关键少数)"),
        order=36,
    ),
    Page("supervision:duty_detail", DUTIES, sees_all=DUTY_READERS),
    Page("supervision:duty_responsible", (Role.DEPARTMENT_HANDLER, Role.SUPERVISING_LEADER)),
    Page("supervision:duty_task_add", (Role.DEPARTMENT_HANDLER, Role.SUPERVISING_LEADER)),
    Page("supervision:duty_task_import", (Role.DEPARTMENT_HANDLER, Role.SUPERVISING_LEADER)),
    Page("supervision:duty_task_template", (Role.DEPARTMENT_HANDLER, Role.SUPERVISING_LEADER)),
    Page("supervision:duty_task_progress", (Role.DEPARTMENT_HANDLER, Role.SUPERVISING_LEADER)),
    Page("supervision:duty_act", DUTY_WRITERS, actions=("supervision.duty.*",), sees_all=DUTY_READERS),
    Operation("POST /supervision/reports", PUBLIC),
    Operation("GET /supervision/duties", DUTIES, scope=None),
    Operation("GET /supervision/reports/status", PUBLIC),
)
