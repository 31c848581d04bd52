"""Article 20: the comprehensive evaluation of representatives of the non-public economy, on core.workflow.

``comprehensive_start`` takes the integrity record as it stands (grade, score, every
contribution, and whether article 21 restricts the enterprise or its head for the purpose);
the federation gives its opinion, the discipline office its clean-record opinion (廉洁意见);
only with both can the federation conclude, and a party restricted for the purpose or a
clean-record objection cannot be recommended.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from qinqing.core import audit, clock, limits, workflow
from qinqing.core.errors import PermissionDeniedError, ServiceError
from qinqing.core.roles import Role, has_role
from qinqing.core.workflow import ActorRule, Change, Transition, Workflow

from ..models import CleanConclusion, ComprehensiveEvaluation, ComprehensiveStatus, Purpose
from .evaluation import priority_standing


def _role(*roles):
    def check(actor, _obj=None) -> bool:
        return bool(getattr(actor, "is_superuser", False)) or (
            getattr(actor, "is_authenticated", False) and has_role(actor, *roles)
        )

    return check


FEDERATION, DISCIPLINE = "federation", "discipline_office"
COMPREHENSIVE_WORKFLOW = Workflow(
    name="integrity.comprehensive",
    model=ComprehensiveEvaluation,
    actors={
        FEDERATION: ActorRule(
            _role(Role.FEDERATION_STAFF), roles=(Role.FEDERATION_STAFF,), label=_("federation")
        ),
        DISCIPLINE: ActorRule(
            _role(Role.DISCIPLINE_INSPECTOR), roles=(Role.DISCIPLINE_INSPECTOR,), label=_("discipline office")
        ),
    },
    transitions={
        "federation_opinion": Transition(
            (ComprehensiveStatus.COLLECTING,),
            None,
            (FEDERATION,),
            "20",
            requires={"opinion": _("The federation's opinion")},
        ),
        "clean_opinion": Transition(
            (ComprehensiveStatus.COLLECTING,),
            None,
            (DISCIPLINE,),
            "20",
            requires={"opinion": _("The clean-record opinion"), "conclusion": _("No objection or objection")},
        ),
        "recommend": Transition(
            (ComprehensiveStatus.COLLECTING,),
            ComprehensiveStatus.RECOMMENDED,
            (FEDERATION,),
            "20",
            requires={"reason": _("The conclusion")},
        ),
        "not_recommend": Transition(
            (ComprehensiveStatus.COLLECTING,),
            ComprehensiveStatus.NOT_RECOMMENDED,
            (FEDERATION,),
            "20",
            requires={"reason": _("The conclusion")},
        ),
    },
)


def comprehensive_start(*, enterprise, purpose: str, matter: str, actor) -> ComprehensiveEvaluation:
    if not _role(Role.FEDERATION_STAFF, Role.CREDIT_ADMINISTRATOR)(actor):
        raise PermissionDeniedError(field="enterprise")
    if purpose not in Purpose.values:
        raise ServiceError(
            _("Unknown purpose %(purpose)s."),
            code="invalid_purpose",
            field="purpose",
            params={"purpose": purpose},
        )
    if not (matter or "").strip():
        raise ServiceError(
            _("%(field)s is required."), code="required", field="matter", params={"field": _("Matter")}
        )
    limits.check_text(matter, field="matter", label=_("Matter"), limit=limits.DESCRIPTION)
    standing = priority_standing(enterprise, purpose=purpose, caller=actor)
    result, answer = standing.result, standing.answer
    lines = [
        _t("Grade %(grade)s, %(score)d points on %(day)s.")
        % {"grade": result.grade, "score": result.score, "day": clock.today().isoformat()}
    ]
    lines += [
        f"{c['date']} {c['kind_label']}：{c['title']}（{c['source']}）{c['points']:+d}，{c['why']}"
        for c in result.contributions
    ]
    lines += [_t("Restricted: %(activity)s %(start)s–%(end)s, %(basis)s") % r for r in answer.restrictions]
    lines += standing.reasons
    lines.append(_t("Eligibility check %(id)s") % {"id": answer.check_id})
    with transaction.atomic():
        row = ComprehensiveEvaluation.objects.create(
            enterprise=enterprise,
            representative=enterprise.legal_representative,
            purpose=purpose,
            matter=matter.strip(),
            started_on=clock.today(),
            started_by=actor if getattr(actor, "pk", None) else None,
            integrity_grade=result.grade,
            integrity_score=result.score,
            integrity_restricted=not answer.eligible,
            on_priority_list=standing.on_priority_list,
            integrity_summary="\n".join(lines),
        )
        audit.record_event(
            actor=actor, action="integrity.comprehensive.start", instance=row, details={"article": "20"}
        )
    return row


def comprehensive_federation_opinion(*, evaluation: ComprehensiveEvaluation, opinion: str, actor):
    limits.check_text(opinion, field="text", label=_("The federation's opinion"), limit=limits.REPORT)
    def apply(locked):
        locked.federation_opinion, locked.federation_on = opinion.strip(), clock.today()
        return Change(["federation_opinion", "federation_on"])

    return workflow.transition(
        COMPREHENSIVE_WORKFLOW,
        evaluation,
        "federation_opinion",
        actor=actor,
        apply=apply,
        data={"opinion": opinion},
    )


def comprehensive_clean_opinion(*, evaluation: ComprehensiveEvaluation, opinion: str, conclusion: str, actor):
    limits.check_text(opinion, field="text", label=_("The clean-record opinion"), limit=limits.REPORT)
    if conclusion and conclusion not in (CleanConclusion.NO_OBJECTION, CleanConclusion.OBJECTION):
        raise ServiceError(_("Say no objection or objection."), code="invalid", field="conclusion")

    def apply(locked):
        locked.clean_opinion, locked.clean_conclusion, locked.clean_on = (
            opinion.strip(),
            conclusion,
            clock.today(),
        )
        return Change(["clean_opinion", "clean_conclusion", "clean_on"])

    return workflow.transition(COMPREHENSIVE_WORKFLOW, evaluation, "clean_opinion", actor=actor, apply=apply,
                               data={"opinion": opinion, "conclusion": conclusion})


def comprehensive_conclude(*, evaluation: ComprehensiveEvaluation, recommend: bool, reason: str, actor):
    limits.check_text(reason, field="text", label=_("The conclusion"), limit=limits.REPORT)
    def apply(locked):
        if not locked.federation_opinion or not locked.clean_opinion:
            raise ServiceError(
                _(
                    "Both the federation's opinion and the discipline office's clean-record "
                    "opinion are needed "
                    "before the conclusion (article 20)."
                ),
                code="opinions_missing",
                field="status",
            )
        if recommend and locked.integrity_restricted:
            raise ServiceError(
                _(
                    "The enterprise or its head is restricted for this purpose and cannot be "
                    "recommended (article 21)."
                ),
                code="restricted",
                field="status",
            )
        if recommend and locked.clean_conclusion == CleanConclusion.OBJECTION:
            raise ServiceError(
                _("The discipline office objects: the representative cannot be recommended (article 20)."),
                code="clean_objection",
                field="status",
            )
        locked.conclusion_reason = reason.strip()
        return Change(["conclusion_reason"])

    return workflow.transition(
        COMPREHENSIVE_WORKFLOW,
        evaluation,
        "recommend" if recommend else "not_recommend",
        actor=actor,
        apply=apply,
        data={"reason": reason},
    )
