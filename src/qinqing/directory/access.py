"""Who may open each directory page and call each directory API operation (articles 2, 3, 23).

Staff roles use the directory; officials and handlers see their own unit's officials, the
district's overseers every official (the selectors narrow: 404 for another unit's); enterprise
users see their own enterprise; only administrators write; the full resident ID is revealed
(and audited) to administrators and the discipline office only.
"""

from django.utils.translation import gettext_lazy as _

from qinqing.core.access import Operation, Page, Tile, declare, menu_group
from qinqing.core.roles import Role

ADMIN = (Role.ADMINISTRATOR,)
# Roles that oversee the whole district's officials, and those that see their own unit's.
ALL_OFFICIALS = (Role.ADMINISTRATOR, Role.DISCIPLINE_INSPECTOR, Role.DISTRICT_LEADER, Role.SUPERVISING_LEADER)
UNIT_SCOPED = (Role.OFFICIAL, Role.DEPARTMENT_HANDLER)
STAFF = (*ALL_OFFICIALS, *UNIT_SCOPED, Role.CREDIT_ADMINISTRATOR, Role.FEDERATION_STAFF)
OFFICIAL_READERS = (*ALL_OFFICIALS, *UNIT_SCOPED)
ENTERPRISE_READERS = (*STAFF, Role.ENTERPRISE_USER)
PERSON_READERS = (*OFFICIAL_READERS, Role.CREDIT_ADMINISTRATOR)
REVEAL_ID = (Role.ADMINISTRATOR, Role.DISCIPLINE_INSPECTOR)
# API callers by the Django permission their role carries (core.roles.ROLE_PERMISSIONS).
VIEW_ENTERPRISE = (*STAFF,)
VIEW_UNIT = (*OFFICIAL_READERS,)

menu_group("directory", _("Directory"), order=30)

declare(
    Page(
        "directory:index",
        STAFF,
        tile=Tile(
            "directory",
            _("Directory"),
            _("Units, officials, enterprises and the people linked to them."),
            _("Articles 2, 3, 23"),
        ),
    ),
    Page("directory:unit_tree", STAFF, menu="directory", label=_("Units"), order=10),
    Page("directory:unit_detail", STAFF),
    Page("directory:unit_export", STAFF),
    Page("directory:unit_create", ADMIN),
    Page("directory:unit_edit", ADMIN),
    Page(
        "directory:official_list",
        OFFICIAL_READERS,
        menu="directory",
        label=_("Officials"),
        order=20,
        sees_all=ALL_OFFICIALS,
    ),
    Page("directory:official_export", OFFICIAL_READERS, sees_all=ALL_OFFICIALS),
    Page("directory:official_detail", OFFICIAL_READERS, sees_all=ALL_OFFICIALS),
    Page("directory:official_create", ADMIN),
    Page("directory:official_edit", ADMIN),
    Page("directory:related_person_create", ADMIN),
    Page("directory:related_person_end", ADMIN),
    Page(
        "directory:enterprise_list",
        ENTERPRISE_READERS,
        menu="directory",
        label=_("Enterprises"),
        order=30,
        sees_all=STAFF,
    ),
    Page(
        "directory:my_enterprises",
        (Role.ENTERPRISE_USER,),
        menu="directory",
        label=_("My enterprise"),
        order=40,
        tile=Tile(
            "my_enterprise",
            _("My enterprise"),
            _("Your enterprise as the district records it."),
            _("Article 2"),
        ),
    ),
    Page("directory:enterprise_export", ENTERPRISE_READERS, sees_all=STAFF),
    Page("directory:enterprise_detail", ENTERPRISE_READERS, sees_all=STAFF),
    Page("directory:enterprise_create", ADMIN),
    Page("directory:enterprise_edit", ADMIN),
    Page("directory:enterprise_link_create", ADMIN),
    Page("directory:enterprise_link_end", ADMIN),
    # Holders of directory.view_person see every person; the others the persons of the officials they see.
    Page(
        "directory:person_detail",
        PERSON_READERS,
        sees_all=(Role.ADMINISTRATOR, Role.DISCIPLINE_INSPECTOR, Role.CREDIT_ADMINISTRATOR),
    ),
    Page("directory:person_reveal_id", REVEAL_ID),
    Page("directory:import", ADMIN, menu="directory", label=_("Import"), order=50),
    Page("directory:import_errors", ADMIN),
    Page("directory:import_template", ADMIN),
    Operation("GET /directory/enterprises", VIEW_ENTERPRISE, scope="directory:read"),
    Operation("GET /directory/enterprises/{uscc}", VIEW_ENTERPRISE, scope="directory:read"),
    Operation("POST /directory/enterprises", ADMIN, scope="directory:write"),
    Operation("GET /directory/units", VIEW_UNIT, scope="directory:read"),
    Operation("GET /directory/officials", VIEW_UNIT, scope="directory:read", sees_all=ALL_OFFICIALS),
)
