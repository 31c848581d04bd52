"""Who may act in conduct's services and workflows (core.workflow actor rules)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from qinqing.core.roles import Role, has_role
from qinqing.core.workflow import ActorRule
from qinqing.directory.models import Official


def _user_of(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _is_oversight(actor, obj=None) -> bool:
    """An administrator or a district leader (they may act for any official's supervisor)."""
    user = _user_of(actor)
    return user is not None and (
        user.is_superuser or has_role(user, Role.DISTRICT_LEADER, Role.ADMINISTRATOR)
    )


def _is_supervising_leader(actor, official: Official) -> bool:
    """The official's own supervising leader (in that role)."""
    user = _user_of(actor)
    leader = official.supervising_leader if user is not None else None
    return leader is not None and leader.user_id == user.pk and has_role(user, Role.SUPERVISING_LEADER)


def _is_supervisor_of(actor, official: Official) -> bool:
    """The official's supervising leader, or an administrator / district leader."""
    return _is_oversight(actor) or _is_supervising_leader(actor, official)


def _is_official_themselves(actor, obj) -> bool:
    """``obj`` (a request, recusal, gift) belongs to the acting official."""
    user = _user_of(actor)
    return user is not None and obj.official.user_id == user.pk


def _is_discipline_office(actor, obj=None) -> bool:
    user = _user_of(actor)
    return user is not None and (user.is_superuser or has_role(user, Role.DISCIPLINE_INSPECTOR))


# --- who may act on conduct's workflows (core.workflow) -----------------------------------------
OWNER = "owner"  # the official the request, recusal or gift belongs to
SUPERVISING_LEADER = "supervising_leader"  # that official's supervising leader
OVERSIGHT = "oversight"  # district leaders and administrators
DISCIPLINE_OFFICE = "discipline_office"  # discipline inspectors

ACTORS = {
    OWNER: ActorRule(_is_official_themselves, roles=(), label=_("The official themselves")),
    SUPERVISING_LEADER: ActorRule(
        lambda actor, obj: _is_supervising_leader(actor, obj.official),
        roles=(Role.SUPERVISING_LEADER,),
        label=_("The official's supervising leader"),
    ),
    # never on their own request or recusal
    OVERSIGHT: ActorRule(
        lambda actor, obj: _is_oversight(actor) and not _is_official_themselves(actor, obj),
        roles=(Role.DISTRICT_LEADER, Role.ADMINISTRATOR),
        label=_("District leader or administrator"),
    ),
    DISCIPLINE_OFFICE: ActorRule(
        _is_discipline_office, roles=(Role.DISCIPLINE_INSPECTOR,), label=_("Discipline office")
    ),
}
