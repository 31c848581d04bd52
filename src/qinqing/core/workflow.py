"""Status workflows as data, and the ONE function that moves an object along one.

An app declares its workflow once, next to its services: who may act (named actor rules,
each a check of the actor against the object, plus the roles that can ever pass it, for
the permission matrix and the pages), and per action the statuses it may start from, the
status it leads to (``None``: the status stays, or the action sets it), who may take it,
the input it needs and the article of the policy it enforces::

    from qinqing.core import workflow
    from qinqing.core.workflow import ActorRule, Change, Transition, Workflow

    OWNER, LEADER = "owner", "supervising_leader"

    ACTIVITY = Workflow(
        name="conduct.activity",  # audit actions are "conduct.activity.<action>"
        model=ActivityRequest,
        actors={
            OWNER: ActorRule(lambda actor, activity: activity.official.user_id == actor.pk, roles=(Role.OFFICIAL,)),
            LEADER: ActorRule(is_leader_of, roles=(Role.SUPERVISING_LEADER,)),
        },
        transitions={
            "approve": Transition((Status.SUBMITTED,), Status.APPROVED, who=(LEADER,), article="14"),
            "refuse": Transition((Status.SUBMITTED,), Status.REFUSED, who=(LEADER,), article="14",
                                 requires={"reason": _("The reason")}),
        },
    )

Each service then validates its plain input and makes one call; ``apply`` changes the
locked row and says which fields it changed (plus the timeline text, notifications and
any audit events of rows it created)::

    def activity_refuse(*, activity, reason, actor):
        def apply(locked):
            locked.decision_reason = reason
            return Change(["decision_reason"])

        return workflow.transition(ACTIVITY, activity, "refuse", actor=actor, apply=apply, data={"reason": reason})

``transition`` locks the row, re-checks the status under the lock (409 ``invalid_transition``
citing the article), checks the actor (403) and the required input (400 naming the field),
applies, saves the changed fields, adds the timeline step (``Workflow.step``), writes the
notifications to the outbox (``Workflow.notify``), appends the audit events last
(``<workflow name>.<action>``, details carry the article) and hands the notifications to
``Workflow.deliver`` once the transaction commits (never on a rollback). Pages ask
``allowed_actions`` which buttons to show; the permission matrix reads ``Workflow.transitions``
(``.who``, ``.article``) and ``Workflow.actors`` (``.roles``).
"""  # noqa: E501

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from . import audit, district
from .errors import ConflictError, PermissionDeniedError, ServiceError

__all__ = [
    "ActorRule",
    "Change",
    "Transition",
    "Workflow",
    "allowed_actions",
    "check_actor",
    "declared",
    "may_act",
    "registry",
    "transition",
]


@dataclass(frozen=True)
class ActorRule:
    """Who an actor must be for an action: ``check(actor, obj)`` decides on the object.

    ``roles`` are the roles that can ever pass the check (empty: any signed-in user, the
    object decides, e.g. "the official themselves"); ``api_key`` says whether an API key
    passes. Both are data for the permission matrix; ``check`` alone decides.
    """

    check: Callable[[Any, Any], bool]
    roles: tuple[str, ...] = ()
    api_key: bool = False
    label: Any = ""


@dataclass(frozen=True, eq=False)
class Transition:
    """One action: from which statuses, to which (None: it stays), who, what input, which article."""

    sources: tuple[str, ...]
    target: str | None
    who: tuple[str, ...]
    article: str
    requires: Mapping[str, Any] = field(default_factory=dict)  # input name -> its label
    refused: Any = None  # message when the status does not allow it (default: the workflow's)
    denied: Any = None  # message when the actor may not (default: "You do not have permission")


@dataclass
class Change:
    """What ``apply`` did to the locked row."""

    fields: list[str] = field(default_factory=list)  # changed fields, saved with update_fields
    step: str = ""  # timeline text
    notify: list[str] | str = field(default_factory=list)  # messages for the workflow's recipient
    details: dict | None = None  # extra audit details
    events: list[dict] = field(default_factory=list)  # audit events of other rows (record_events entries)


# Every declared workflow by name (filled as the apps' services modules are imported).
REGISTRY: dict[str, Workflow] = {}

DEFAULT_REFUSED = _("This %(object)s is %(status)s: %(action)s is not allowed now (article %(article)s).")


@dataclass(frozen=True, eq=False)
class Workflow:
    name: str  # "<app>.<model>": the prefix of its audit actions
    model: type[models.Model]
    actors: Mapping[str, ActorRule]
    transitions: Mapping[str, Transition]
    state_field: str = "status"
    refused: Any = DEFAULT_REFUSED  # params: object, status, action, article
    step: Callable[[Any, str, Any, str], Any] | None = (
        None  # (locked, action, actor, text): the timeline step
    )
    notify: Callable[[Any, str], Any] | None = (
        None  # (locked, text) -> queued: the outbox row, inside the transaction
    )
    deliver: Callable[[list], Any] | None = None  # (queued) after the commit
    register: bool = True  # listed in REGISTRY (tests declare throw-away workflows with False)

    def __post_init__(self):
        for action, rule in self.transitions.items():
            unknown = set(rule.who) - set(self.actors)
            if unknown:
                raise ValueError(f"{self.name}.{action}: unknown actor rule(s) {sorted(unknown)}")
        if self.register:
            REGISTRY[self.name] = self

    def rules_for(self, action: str) -> list[ActorRule]:
        return [self.actors[name] for name in self.transitions[action].who]


def may_act(workflow: Workflow, actor, obj, action: str) -> bool:
    """Whether ``actor`` passes one of the action's actor rules for ``obj`` (status not considered)."""
    return any(rule.check(actor, obj) for rule in workflow.rules_for(action))


def allowed_actions(workflow: Workflow, actor, obj) -> list[str]:
    """The actions ``actor`` may take on ``obj`` in its current status (pages show only these)."""
    state = getattr(obj, workflow.state_field)
    return [
        action
        for action, rule in workflow.transitions.items()
        if state in rule.sources and may_act(workflow, actor, obj, action)
    ]


def check_actor(workflow: Workflow, actor, obj, action: str) -> None:
    """Raise ``PermissionDeniedError`` unless the actor may take ``action`` (for checks a
    service must make before its transaction, e.g. before the conflict gate)."""
    if not may_act(workflow, actor, obj, action):
        raise PermissionDeniedError(workflow.transitions[action].denied, field=workflow.state_field)


def _blank(value) -> bool:
    return (
        value is None
        or (isinstance(value, str) and not value.strip())
        or (isinstance(value, list | tuple | set | dict) and not value)
    )


def transition(
    workflow: Workflow,
    obj,
    action: str,
    *,
    actor,
    apply: Callable[[Any], Change | None] | None = None,
    data: Mapping[str, Any] | None = None,
):
    """Take ``action`` on ``obj``: lock, re-check, apply, save, timeline, outbox, audit; deliver after commit.

    Returns the locked instance as saved. Raises ``ConflictError`` (409, ``invalid_transition``) when
    the status does not allow the action once the row is locked, ``PermissionDeniedError`` when
    the actor may not take it, ``ServiceError`` (``required``, the field) when required input
    is missing; ``apply`` may raise too. Any error rolls everything back.
    """
    rule = workflow.transitions[action]
    data = data or {}
    with transaction.atomic():
        locked = workflow.model._default_manager.select_for_update().get(pk=obj.pk)
        state = getattr(locked, workflow.state_field)
        if state not in rule.sources:
            display = getattr(locked, f"get_{workflow.state_field}_display", lambda: state)()
            raise ConflictError(
                rule.refused or workflow.refused,
                code="invalid_transition",
                field=workflow.state_field,
                params={
                    "object": locked._meta.verbose_name,
                    "status": display,
                    "action": action,
                    "article": rule.article,
                },
            )
        if not may_act(workflow, actor, locked, action):
            raise PermissionDeniedError(rule.denied, field=workflow.state_field)
        for name, label in rule.requires.items():
            if _blank(data.get(name)):
                raise ServiceError(
                    _("%(label)s is required (article %(article)s)."),
                    code="required",
                    field=name,
                    params={"label": label, "article": rule.article},
                )
        before = audit.snapshot(locked)
        # The timeline line and the notices are written for others: in the district's language.
        with district.language():
            change = (apply(locked) if apply else None) or Change()
            fields = list(dict.fromkeys(change.fields))
            if rule.target is not None and workflow.state_field not in fields:
                setattr(locked, workflow.state_field, rule.target)
                fields.append(workflow.state_field)
            if fields:
                locked.save(update_fields=fields)
            if workflow.step is not None:
                workflow.step(locked, action, actor, change.step)
            messages = [change.notify] if isinstance(change.notify, str) else list(change.notify)
            queued = [workflow.notify(locked, text) for text in messages if text] if workflow.notify else []
        # Audit last, in one append: the chain's head lock is held only from here to the commit.
        main = {"actor": actor, "action": f"{workflow.name}.{action}", "instance": locked, "before": before,
                "details": {"article": rule.article, **(change.details or {})}}
        audit.record_events([*change.events, main])
        if queued and workflow.deliver is not None:
            transaction.on_commit(lambda: workflow.deliver(queued))
    return locked


def registry() -> dict[str, Workflow]:
    """Every workflow the installed apps declare (their ``services`` modules are imported first)."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("services")
    return dict(REGISTRY)


def declared(workflows: Iterable[Workflow] | None = None) -> list[dict]:
    """Every transition as a plain row (workflow, action, sources, target, who, roles, article):
    what the permission matrix and the documentation read. All registered workflows by default."""
    rows = []
    for flow in registry().values() if workflows is None else workflows:
        for action, rule in flow.transitions.items():
            roles = sorted({str(role) for name in rule.who for role in flow.actors[name].roles})
            rows.append(
                {
                    "workflow": flow.name,
                    "action": action,
                    "sources": [str(source) for source in rule.sources],
                    "target": None if rule.target is None else str(rule.target),
                    "who": list(rule.who),
                    "roles": roles,
                    "api_key": any(flow.actors[name].api_key for name in rule.who),
                    "article": rule.article,
                    "requires": list(rule.requires),
                }
            )
    return rows
