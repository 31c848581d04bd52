"""Who may open each fault-tolerance page (article 22).

Officials, supervising leaders and department handlers (for their unit) submit requests and follow
their own; the discipline office (inspectors, administrators) accepts, deliberates, determines and
files every request, keeps the time limits and reads the statistics. The organisation department's
accounts read the conclusions filed with their department and record receipt and use. Published
clearing notices (澄清正名) are public.
"""

from django.utils.translation import gettext_lazy as _

from qinqing.core.access import PUBLIC, Operation, Page, Tile, declare, menu_group
from qinqing.core.roles import Role

OFFICE = (Role.DISCIPLINE_INSPECTOR, Role.ADMINISTRATOR)
SUBMITTERS = (Role.OFFICIAL, Role.SUPERVISING_LEADER, Role.DEPARTMENT_HANDLER)
# The organisation department's accounts: the conclusions filed with their department, nothing else.
ORGANISATION = (Role.ORGANISATION_DEPARTMENT,)

menu_group("tolerance", _("Fault tolerance"), order=55)

declare(
    Page(
        "tolerance:requests",
        SUBMITTERS + OFFICE,
        sees_all=OFFICE,
        menu="tolerance",
        label=_("Fault-tolerance requests"),
        order=10,
        tile=Tile(
            "tolerance_requests",
            _("Fault tolerance and correction"),
            _("Submit a request about a mistake made while serving enterprises; follow its four steps."),
            _("Article 22"),
        ),
    ),
    # each list's ledger (.xlsx): the list's rows for the list's people
    Page("tolerance:requests_xlsx", SUBMITTERS + OFFICE, sees_all=OFFICE),
    Page("tolerance:statistics_xlsx", OFFICE),
    Page("tolerance:request_new", SUBMITTERS, menu="tolerance", label=_("Submit a request"), order=20),
    Page("tolerance:request_detail", SUBMITTERS + OFFICE, sees_all=OFFICE),
    # the decision's letter: the official concerned, the colleague who submitted for their unit, the office
    Page("tolerance:request_letter", SUBMITTERS + OFFICE, sees_all=OFFICE),
    Page("tolerance:request_act", OFFICE, actions=("tolerance.request.*",)),
    Page("tolerance:limits", OFFICE, menu="tolerance", label=_("Time limits"), order=30),
    Page("tolerance:statistics", OFFICE, menu="tolerance", label=_("Fault-tolerance statistics"), order=40),
    Page("tolerance:clearings_public", PUBLIC),
    Page("tolerance:clearing_public", PUBLIC),
    Page(
        "tolerance:filings",
        ORGANISATION,
        menu="tolerance",
        label=_("Filed conclusions"),
        order=50,
        tile=Tile(
            "tolerance_filings",
            _("Filed fault-tolerance conclusions"),
            _("Conclusions filed with your department: read them, record their receipt and use."),
            _("Article 22"),
        ),
    ),
    Page("tolerance:filing_detail", ORGANISATION),
    Operation("GET /tolerance/statistics", OFFICE, scope=None),
)
