"""Who may open each integrity page and call each integrity API operation (articles 20, 21).

The credit administrator keeps the records and the blacklist and decides objections and
early removals; the discipline office and administrators read everything; an enterprise
user sees their own enterprise's records, evaluation and listings and files objections and
credit-repair applications there. Other systems ask the eligibility API with an API key of
scope ``integrity:query``; officials' departments may ask from their session.
"""

from django.utils.translation import gettext_lazy as _

from qinqing.core.access import PUBLIC, Operation, Page, Tile, declare, menu_group
from qinqing.core.roles import Role

CREDIT = (Role.CREDIT_ADMINISTRATOR,)
READERS = (Role.CREDIT_ADMINISTRATOR, Role.DISCIPLINE_INSPECTOR, Role.ADMINISTRATOR)
ASKERS = (*READERS, Role.DEPARTMENT_HANDLER)
ENTERPRISE = (Role.ENTERPRISE_USER,)
# Article 20: the federation runs the comprehensive evaluation, the discipline office gives the clean-record
# opinion.
EVALUATORS = (Role.FEDERATION_STAFF, Role.DISCIPLINE_INSPECTOR, Role.CREDIT_ADMINISTRATOR, Role.ADMINISTRATOR)

menu_group("integrity", _("Integrity"), order=30)

declare(
    Page(
        "integrity:listings",
        READERS,
        menu="integrity",
        label=_("Blacklist"),
        order=10,
        tile=Tile(
            "integrity_listings",
            _("Blacklist and restrictions"),
            _(
                "List enterprises and heads, the three restrictions with their periods, "
                "objections and early removal."
            ),
            _("Article 21"),
        ),
    ),
    Page("integrity:listing_new", CREDIT, menu="integrity", label=_("New listing decision"), order=20),
    Page("integrity:listings_export", READERS, sees_all=READERS),
    Page("integrity:import", CREDIT, menu="integrity", label=_("Import listings or records"), order=25),
    Page("integrity:import_template", CREDIT),
    Page("integrity:listing_detail", READERS, sees_all=READERS),
    Page(
        "integrity:application_decide",
        CREDIT,
        actions=("integrity.application.grant", "integrity.application.refuse"),
    ),
    # the decision on an objection or a credit-repair application as a letter: the deciding office and the
    # listed enterprise (integrity.selectors.decided_application)
    Page("integrity:application_letter", (*CREDIT, *ENTERPRISE), sees_all=CREDIT),
    Page("integrity:notice_delivered", CREDIT),
    Page("integrity:notice_letter", CREDIT),
    # Article 21: publication per entry, in the scope an administrator chooses.
    Page("integrity:listing_publication", (*CREDIT, Role.ADMINISTRATOR)),
    Page("integrity:record_new", CREDIT),
    Page(
        "integrity:records",
        READERS,
        menu="integrity",
        label=_("Integrity records"),
        order=30,
        tile=Tile(
            "integrity_records",
            _("Integrity records"),
            _("Honours, clean records, pledges, convictions, outside lists."),
            _("Articles 20, 21"),
        ),
    ),
    Page("integrity:enterprise", READERS, sees_all=READERS),
    Page(
        "integrity:check",
        ASKERS,
        menu="integrity",
        label=_("Eligibility check"),
        order=40,
        tile=Tile(
            "integrity_check",
            _("Eligibility check"),
            _("May this enterprise or person take part in this activity today?"),
            _("Article 21"),
        ),
    ),
    Page(
        "integrity:mine",
        ENTERPRISE,
        menu="integrity",
        label=_("Our integrity record"),
        order=50,
        tile=Tile(
            "integrity_mine",
            _("Our integrity record"),
            _("Records, listings and restrictions; objections and credit repair."),
            _("Article 21"),
        ),
    ),
    Page(
        "integrity:rules",
        (Role.CREDIT_ADMINISTRATOR, Role.ADMINISTRATOR),
        menu="integrity",
        label=_("Evaluation rules"),
        order=60,
    ),
    Page(
        "integrity:priority",
        (*READERS, Role.FEDERATION_STAFF, Role.DISTRICT_LEADER),
        menu="integrity",
        label=_("Priority list"),
        order=70,
        tile=Tile(
            "integrity_priority",
            _("Priority list"),
            _(
                "Enterprises with a good integrity record for funds, projects, honours and "
                "political arrangements."
            ),
            _("Article 20"),
        ),
    ),
    Page(
        "integrity:comprehensive",
        EVALUATORS,
        menu="integrity",
        label=_("Comprehensive evaluations"),
        order=80,
    ),
    Page(
        "integrity:comprehensive_detail",
        EVALUATORS,
        sees_all=EVALUATORS,
        actions=("integrity.comprehensive.*",),
    ),
    Page(
        "integrity:bribery",
        (*CREDIT, *ENTERPRISE),
        menu="integrity",
        label=_("Bribery-record queries"),
        order=90,
        sees_all=CREDIT,
        tile=Tile(
            "integrity_bribery",
            _("Bribery-record queries"),
            _(
                "Ask for the bribery-record result; answered within the time limit with a "
                "numbered letter."
            ),
            _("Article 21"),
            audience=(*CREDIT, *ENTERPRISE),
        ),
    ),
    Page("integrity:bribery_answer", CREDIT, actions=("integrity.bribery.*",)),
    Page("integrity:bribery_letter", (*CREDIT, *ENTERPRISE), sees_all=CREDIT),
    Page("integrity:bribery_verify", PUBLIC),
    Page("integrity:public", PUBLIC),  # the entries an administrator chose to publish to the public
    Operation("GET /integrity/eligibility", ASKERS, scope="integrity:query"),
    # The same check with the party in a JSON body: the way to send a person's resident ID (not in a URL).
    Operation("POST /integrity/eligibility", ASKERS, scope="integrity:query"),
    Operation("POST /integrity/eligibility/batch", ASKERS, scope="integrity:query"),
    Operation("GET /integrity/checks/{check_id}", ASKERS, scope="integrity:query"),
)
