"""What a market-regulation registry export (企业信用信息公示) says about an enterprise.

The registry writes no ownership type; it writes the 企业类型 (the registration form, e.g.
"有限责任公司（自然人投资或控股）") and the unified social credit code, whose own structure
(GB 32100-2015) tells more: the 1st character is the registration-management department
(9 = 工商/市场监管), the 2nd the entity category within it (for 9: 1 enterprise, 2 个体工商户,
3 农民专业合作社), characters 3–8 the administrative division where it was registered.

``infer_ownership`` returns the ownership with the rule that decided it (shown in the import
report), or ``None`` when it cannot be told (the importer then asks for a 所有制类型 column).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import OwnershipType


@dataclass(frozen=True)
class Inference:
    ownership: str
    rule: str  # what decided it, in words (the import report counts rows per rule)


def _normalise(text: str) -> str:
    value = unicodedata.normalize("NFKC", text or "")
    return "".join(value.replace("(", "（").replace(")", "）").split())


# (words any of which in 企业类型 decide, ownership), first match wins: the investors'
# nationality before the company form, state before collective before private. The words
# are those the registry prints, e.g. 有限责任公司（台港澳法人独资）, 股份有限公司（上市、国有控股）,
# 有限责任公司（国有独资）, 全民所有制, 集体所有制, 股份合作制, 有限责任公司（外商投资、非独资）,
# 外商独资企业, 中外合资经营企业, 个体工商户, 个人独资企业, 合伙企业, 有限责任公司（自然人投资或控股）.
TYPE_RULES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("台港澳", "港澳台", "港、澳、台", "台、港、澳"), OwnershipType.HK_MACAO_TAIWAN),
    (("外商", "外国", "外资", "中外合资", "中外合作"), OwnershipType.FOREIGN_INVESTED),
    (("个体",), OwnershipType.INDIVIDUAL_BUSINESS),
    (("国有独资", "全民所有制", "国有企业"), OwnershipType.STATE_OWNED),
    (("国有控股", "国有参股"), OwnershipType.STATE_HOLDING),
    (("集体所有制", "集体企业", "股份合作制", "城镇集体", "农村集体"), OwnershipType.COLLECTIVE),
    (("自然人", "个人独资", "合伙", "私营", "民营"), OwnershipType.PRIVATE),
    (("农民专业合作社", "专业合作社"), OwnershipType.OTHER),
)

#: GB 32100-2015 entity categories of registration department 9 (工商/市场监管) that decide.
USCC_CATEGORY_RULES = {
    "2": OwnershipType.INDIVIDUAL_BUSINESS,  # 个体工商户
    "3": OwnershipType.OTHER,  # 农民专业合作社
}


def infer_ownership(enterprise_type: str, uscc: str) -> Inference | None:
    # "非自然人投资或控股的法人独资" (owned by a company) says nothing of whose the company is.
    text = _normalise(enterprise_type).replace("非自然人", "")
    if text:
        for words, ownership in TYPE_RULES:
            word = next((w for w in words if w in text), None)
            if word is not None:
                return Inference(
                    str(ownership),
                    str(
                        _("The enterprise type contains “%(word)s” → %(ownership)s")
                        % {"word": word, "ownership": OwnershipType(ownership).label}
                    ),
                )
    if uscc and uscc[0] == "9" and uscc[1:2] in USCC_CATEGORY_RULES:
        ownership = USCC_CATEGORY_RULES[uscc[1]]
        return Inference(
            str(ownership),
            str(
                _(
                    "The unified social credit code starts with 9%(category)s (GB 32100-2015: market "
                    "regulation, entity category %(category)s) → %(ownership)s"
                )
                % {"category": uscc[1], "ownership": OwnershipType(ownership).label}
            ),
        )
    return None


def district_division_code() -> str:
    """The district's administrative division code (GB/T 2260, six digits), or '' when not set."""
    return str(getattr(settings, "QINQING", {}).get("DISTRICT_DIVISION_CODE", "") or "").strip()


def registered_outside(uscc: str, division: str) -> bool:
    """Whether the USCC's division characters (3–8) name another division than the district's."""
    return bool(division) and len(uscc) == 18 and uscc[2:8] != division
