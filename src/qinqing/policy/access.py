"""The policy is public: its index and every article, on the pages and (with a key or a login) the API."""

from django.utils.translation import gettext_lazy as _

from qinqing.core.access import PUBLIC, SIGNED_IN, Operation, Page, Tile, declare, menu_group
from qinqing.core.roles import Role

# Who writes and publishes policy interpretations (policy.interpretations.library.EDITOR_ROLES).
EDITORS = (Role.ADMINISTRATOR, Role.DEPARTMENT_HANDLER)
# Who imports library documents and tracks the supporting measures (配套措施, article 4).
MEASURE_ROLES = (Role.ADMINISTRATOR, Role.DEPARTMENT_HANDLER, Role.DISTRICT_LEADER)
# Who records publicity and integrity-education activities and enterprises' integrity culture (article 19).
EDUCATION_ROLES = (
    Role.ADMINISTRATOR,
    Role.DEPARTMENT_HANDLER,
    Role.DISCIPLINE_INSPECTOR,
    Role.FEDERATION_STAFF,
)

menu_group("policy", _("Policy"), order=40)

declare(
    Page(
        "policy:index",
        PUBLIC,
        menu="policy",
        label=_("Policy library"),
        order=10,
        tile=Tile(
            "policy",
            _("Policy"),
            _("The district policy, article by article; every rule here cites it."),
            audience=tuple(Role.values),
        ),
    ),
    Page("policy:article", PUBLIC),
    # The policy library (article 4): every level, several current at once, searchable in Chinese.
    Page("policy:library", PUBLIC, menu="policy", label=_("Policies for the private economy"), order=15),
    Page("policy:document", PUBLIC),
    Page("policy:library_import", MEASURE_ROLES),
    Page(
        "policy:measures",
        MEASURE_ROLES,
        menu="policy",
        label=_("Supporting measures"),
        order=30,
        tile=Tile(
            "policy_measures",
            _("Supporting measures (配套措施)"),
            _("What the district does to carry the policies out, by unit and date, tracked to completion."),
            _("Article 4"),
        ),
    ),
    Page("policy:measure_act", MEASURE_ROLES, actions=("policy.measure.*",)),
    Page(
        "policy:education",
        (*EDUCATION_ROLES, Role.ENTERPRISE_USER),
        sees_all=EDUCATION_ROLES,  # an enterprise account records and reads its own enterprise's work only
        menu="policy",
        label=_("Publicity and integrity education"),
        order=40,
        tile=Tile(
            "policy_education",
            _("Publicity and integrity education"),
            _("Activities planned ahead and reminded, then recorded with audience, content and attendance; "
              "enterprises' integrity-culture work."),
            _("Article 19"),
        ),
        # recording a planned activity as held takes it (services.activity_record(plan=…))
        actions=("policy.education_plan.hold",),
    ),
    Page(
        "policy:education_plan_cancel",
        (*EDUCATION_ROLES, Role.ENTERPRISE_USER),
        sees_all=EDUCATION_ROLES,  # an enterprise account cancels its own enterprise's plans only
        actions=("policy.education_plan.cancel",),
    ),
    # The policy-interpretation library (policy.interpretations), mounted under /appeals/knowledge/ in the
    # appeals namespace where it has always been (public paths and URL names kept). Editors write, anyone
    # reads.
    Page("appeals:knowledge", PUBLIC, menu="policy", label=_("Policy interpretations"), order=20),
    Page(
        "appeals:knowledge_manage",
        EDITORS,
        menu="appeals",
        label=_("Policy-interpretation library"),
        order=70,
        tile=Tile(
            "appeals_knowledge",
            _("Policy-interpretation library"),
            _("Answers to common policy questions, linked to the articles; reply drafts for consultations."),
            _("Article 8"),
        ),
    ),
    Page("appeals:knowledge_edit", EDITORS),
    Page("appeals:knowledge_publish", EDITORS),
    Operation("GET /policy/articles", SIGNED_IN, scope="policy:read"),
    Operation("GET /policy/articles/{key}", SIGNED_IN, scope="policy:read"),
)
