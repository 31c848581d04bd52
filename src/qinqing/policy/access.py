"""The policy is public: its index and every article, on the pages and (with a key or a login) the API."""

from django.utils.translation import gettext_lazy as _

from qinqing.core.access import PUBLIC, SIGNED_IN, Operation, Page, Tile, declare, menu_group
from qinqing.core.roles import Role

menu_group("policy", _("Policy"), order=40)

declare(
    Page("policy:index", PUBLIC, menu="policy", label=_("Policy library"), order=10,
         tile=Tile("policy", _("Policy"), _("The district policy, article by article; every rule here cites it."),
                   audience=tuple(Role.values))),
    Page("policy:article", PUBLIC),
    Operation("GET /policy/articles", SIGNED_IN, scope="policy:read"),
    Operation("GET /policy/articles/{key}", SIGNED_IN, scope="policy:read"),
)
