"""The fault-tolerance demo over the demo district (run ``demo`` first): the ``official`` account's requests
in three states — one just submitted, one accepted and under deliberation, one through all four steps
(exempted, filed with the organisation department, its clearing notice published, a revisit scheduled).
Every write goes through the services (audited)."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from qinqing.directory.models import Official, Unit

from . import services
from .models import ToleranceRequest

EXEMPTED_ANSWERS = {
    "trial": True,
    "trial_evidence": "项目为全区首个“拿地即开工”试点，无先例可循（区政府常务会议纪要）",
    "exploration": True,
    "exploration_evidence": "办理时上级未出台限制性规定（政策文件清单）",
    "unintended": True,
    "unintended_evidence": "为加快项目落地，未收受任何财物（审计报告、廉政谈话记录）",
    "lawful_process": True,
    "public_interest": True,
    "no_private_gain": True,
    "prompt_correction": True,
}


def generate(*, say=None) -> dict:
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["official", "inspector"])}
    if len(users) < 2:
        raise RuntimeError("the demo accounts are missing: run ./qinqing serve (or create them) first")
    if ToleranceRequest.objects.exists():
        return {"requests": ToleranceRequest.objects.count(), "skipped": True}
    official = Official.objects.filter(user=users["official"], is_active=True).first()
    if official is None:
        raise RuntimeError("the official account has no official record: run ./qinqing demo first")
    submitter, inspector = users["official"], users["inspector"]

    def submit(matter, facts, evidence):
        return services.request_submit(
            official=official,
            submitter="official",
            matter=matter,
            facts=facts,
            evidence=evidence,
            actor=submitter,
        )

    submit(
        "容缺受理企业开办申请",
        "为压缩企业开办时间，对三家企业在材料不全时先行受理，后因一家企业未按期补正材料被通报。",
        "窗口受理登记表、容缺受理承诺书、通报文件",
    )
    deliberating = submit(
        "先建后验试点中的验收顺序调整",
        "在重点项目先建后验试点中，先行组织联合验收后补办一项手续，被审计指出程序倒置。",
        "试点方案、联合验收记录、审计意见书",
    )
    services.request_accept(request=deliberating, actor=inspector)
    cleared = submit(
        "“拿地即开工”审批改革试点",
        "在全区首个“拿地即开工”试点中，为保障项目如期开工，对施工许可实行告知承诺，事后发现一项材料有瑕疵。",
        "区政府常务会议纪要、告知承诺书、整改报告",
    )
    services.request_accept(request=cleared, actor=inspector)
    services.request_deliberate(
        request=cleared, answers=EXEMPTED_ANSWERS, notes="经集体审议，符合容错情形。", actor=inspector
    )
    services.request_determine(
        request=cleared,
        determination="exempted",
        reasons="属于推进改革中因缺乏经验、先行先试出现的失误，决策程序合规，未谋取私利，且已及时整改。",
        actor=inspector,
    )
    # the organisation department of the "orgdept" account (区委组织部), where the directory demo bound it
    org_account = (
        Official.objects.filter(user__username="orgdept", is_active=True).select_related("unit").first()
    )
    department = (
        (org_account.unit if org_account else None)
        or Unit.objects.filter(name__contains="组织部").order_by("code").first()
        or official.unit
    )
    services.request_file(request=cleared, organisation_department=department, actor=inspector)
    services.request_publish_clearing(
        request=cleared,
        text="经审查认定，该同志在“拿地即开工”审批改革试点中出现的失误符合容错情形，依规免予追责，特此澄清正名。",
        actor=inspector,
    )
    if say:
        say("tolerance demo: 3 fault-tolerance requests (submitted, under deliberation, cleared)")
    return {"requests": 3, "skipped": False}
