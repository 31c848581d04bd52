"""Bulk import of enterprises, officials, person–enterprise links and related persons.

Every row is validated first (identifiers by their national standards, enums in Chinese
or code form, required fields, duplicates inside the file); good rows are then written
idempotently by natural key (USCC for enterprises, resident ID for persons and officials)
in batches of ``BATCH_SIZE`` rows, one transaction each, through the directory services:
created rows by their bulk forms (``services.*_create_bulk``: the services' rules, share
totals per enterprise including the shares already stored, an official's first position,
audit events through ``audit.record_bulk_events`` under the services' action names),
changed rows by the single-row update services (one event each with its before-state).
A row a service rule refuses is reported with its row number and column, and nothing is
written for it. Unchanged rows are not touched at all, so re-importing a file adds
neither rows nor events. A dry run does all of it inside a transaction that is rolled
back, so its counts are exactly what a real run would report.
"""

from __future__ import annotations

import contextvars
import datetime
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from qinqing.core.crypto import blind_index
from qinqing.core.errors import ServiceError
from qinqing.core.identifiers import validate_resident_id, validate_uscc
from qinqing.core.input_rules import cell_problems
from qinqing.core.tabular import Row, count_rows, normalise_header, one_import_at_a_time, parse_day, read_rows

from . import registry, services
from .models import (
    Enterprise,
    EnterpriseLink,
    LinkKind,
    Official,
    OwnershipType,
    Person,
    Rank,
    RelatedPerson,
    Relationship,
    Unit,
)

BATCH_SIZE = 2000
KINDS = ("enterprises", "officials", "links", "relatives")


# --- column specifications ----------------------------------------------------------------
@dataclass(frozen=True)
class Column:
    name: str
    header: str  # the template's (Chinese) header; English aliases are accepted too
    aliases: tuple[str, ...] = ()
    required: bool = False


COLUMNS: dict[str, list[Column]] = {
    "enterprises": [
        Column("name", "企业名称", ("名称", "name", "enterprise name", "enterprise"), True),
        Column(
            "uscc",
            "统一社会信用代码",
            ("信用代码", "uscc", "unified social credit code", "credit code"),
            True,
        ),
        # Not required: a registry export (企业信用信息公示) has 企业类型 instead, from which (and
        # from the USCC's own structure) the ownership is inferred (``infer_ownership``).
        Column(
            "ownership_type",
            "所有制类型",
            ("经济类型", "所有制", "ownership type", "ownership", "ownership_type"),
        ),
        Column("is_key_enterprise", "重点企业", ("是否重点企业", "key enterprise", "is_key_enterprise")),
        Column("industry", "行业", ("所属行业", "industry")),
        Column("address", "地址", ("住所", "注册地址", "address")),
        Column(
            "legal_representative_name",
            "法定代表人",
            ("法定代表人姓名", "负责人", "legal representative", "legal_representative_name"),
        ),
        Column(
            "legal_representative_resident_id",
            "法定代表人身份证号",
            (
                "法定代表人公民身份号码",
                "legal representative resident id",
                "legal_representative_resident_id",
            ),
        ),
        Column(
            "enterprise_type",
            "企业类型",
            ("市场主体类型", "主体类型", "企业类型名称", "enterprise type", "enterprise_type"),
        ),
    ],
    "officials": [
        Column("name", "姓名", ("name",), True),
        Column(
            "resident_id",
            "公民身份号码",
            ("身份证号", "身份证号码", "resident id", "resident_id", "id number"),
            True,
        ),
        Column("unit_code", "单位代码", ("单位编码", "unit code", "unit_code", "unit"), True),
        Column("position", "职务", ("position", "post"), True),
        Column("rank", "职级", ("级别", "rank")),
        Column("is_leading_cadre", "领导干部", ("是否领导干部", "leading cadre", "is_leading_cadre")),
        Column(
            "supervising_leader_resident_id",
            "分管领导身份证号",
            (
                "分管领导公民身份号码",
                "supervising leader resident id",
                "supervising_leader_resident_id",
                "supervising leader",
            ),
        ),
    ],
    "links": [
        Column("name", "姓名", ("人员姓名", "name", "person name"), True),
        Column("resident_id", "公民身份号码", ("身份证号", "身份证号码", "resident id", "resident_id"), True),
        Column("uscc", "统一社会信用代码", ("企业统一社会信用代码", "uscc", "enterprise uscc"), True),
        Column("kind", "关系类型", ("类型", "关联类型", "kind", "link kind"), True),
        Column("role", "职务或角色", ("角色", "职务", "role")),
        Column(
            "share_percent",
            "持股比例(%)",
            ("持股比例", "share", "share %", "share percent", "share_percent", "share(%)"),
        ),
        Column("start_date", "开始日期", ("起始日期", "start date", "start_date")),
        Column("end_date", "结束日期", ("终止日期", "end date", "end_date")),
    ],
    "relatives": [
        Column(
            "official_resident_id",
            "公职人员身份证号",
            ("公职人员公民身份号码", "official resident id", "official_resident_id", "official"),
            True,
        ),
        Column("name", "亲属姓名", ("姓名", "relative name", "name"), True),
        Column(
            "resident_id",
            "亲属身份证号",
            ("亲属公民身份号码", "relative resident id", "resident_id", "resident id"),
            True,
        ),
        Column("relationship", "关系", ("与本人关系", "relationship"), True),
        Column("occupation", "工作单位及职务", ("职业", "工作单位", "occupation", "job and office")),
    ],
}


def aliases_for(kind: str) -> dict[str, str]:
    table: dict[str, str] = {}
    for column in COLUMNS[kind]:
        for text in (column.header, column.name, *column.aliases):
            table[normalise_header(text)] = column.name
    return table


#: The headers of the file being imported, by field: errors name the column as the user's file
#: names it (a column the file lacks by the template's Chinese header), never a field code.
_LABELS: contextvars.ContextVar[dict[str, str] | None] = contextvars.ContextVar(
    "directory_import_labels", default=None
)


def column_label(name: str, kind: str | None = None) -> str:
    labels = _LABELS.get() or {}
    if name in labels:
        return labels[name]
    for kind_name, columns in COLUMNS.items():
        if kind in (None, kind_name):
            for column in columns:
                if column.name == name:
                    return column.header
    return name


def file_labels(kind: str, original_headers: Iterable[str]) -> dict[str, str]:
    """Field -> the header the user's file gives it."""
    table = aliases_for(kind)
    labels: dict[str, str] = {}
    for header in original_headers:
        name = table.get(normalise_header(header))
        if name and name not in labels:
            labels[name] = str(header).strip().rstrip("*").strip()
    return labels


def template_headers(kind: str) -> list[str]:
    """Headers of the blank template; required columns end with an asterisk."""
    return [column.header + ("*" if column.required else "") for column in COLUMNS[kind]]


# --- enums in Chinese or code form ----------------------------------------------------------
def _choices_table(choices, chinese: dict[str, str]) -> dict[str, str]:
    table = {}
    for value, label in choices.choices:
        if value:
            table[value.lower()] = value
            table[str(label).lower()] = value
    for text, value in chinese.items():
        table[text.lower()] = value
    return table


OWNERSHIP_VALUES = _choices_table(
    OwnershipType,
    {
        "私营企业": "private", "私营": "private", "民营企业": "private", "民营": "private",
        "个体工商户": "individual_business", "个体": "individual_business",
        "外商投资企业": "foreign_invested", "外资企业": "foreign_invested", "外资": "foreign_invested",
        "港澳台投资企业": "hk_macao_taiwan", "港澳台": "hk_macao_taiwan",
        "集体企业": "collective", "集体": "collective",
        "国有企业": "state_owned", "国有": "state_owned",
        "国有控股企业": "state_holding", "国有控股": "state_holding",
        "其他": "other",
    },
)
RANK_VALUES = _choices_table(
    Rank,
    {
        "科员": "clerk",
        "副科级": "deputy_section",
        "副科": "deputy_section",
        "正科级": "section",
        "正科": "section",
        "副处级": "deputy_division",
        "副处": "deputy_division",
        "正处级": "division",
        "正处": "division",
        "副厅级": "deputy_bureau",
        "副厅": "deputy_bureau",
        "其他": "other",
    },
)
LINK_KIND_VALUES = _choices_table(
    LinkKind,
    {
        "股东": "shareholder",
        "出资人": "shareholder",
        "高管": "executive",
        "高级管理人员": "executive",
        "董事": "executive",
        "监事": "executive",
        "经理": "executive",
        "员工": "employee",
        "职工": "employee",
        "法定代表人": "legal_representative",
        "负责人": "legal_representative",
        "申报利益": "declared_interest",
        "其他利益": "declared_interest",
    },
)
RELATIONSHIP_VALUES = _choices_table(
    Relationship,
    {
        "配偶": "spouse", "丈夫": "spouse", "妻子": "spouse",
        "子女": "child", "儿子": "child", "女儿": "child",
        "子女配偶": "child_spouse", "儿媳": "child_spouse", "女婿": "child_spouse",
        "父母": "parent", "父亲": "parent", "母亲": "parent",
        "兄弟姐妹": "sibling", "兄弟": "sibling", "姐妹": "sibling",
        "其他": "other", "其他特定关系人": "other",
    },
)
BOOLEAN_VALUES = {
    "是": True, "否": False, "true": True, "false": False, "yes": True, "no": False,
    "y": True, "n": False, "1": True, "0": False, "√": True, "": False,
}


# --- the report -----------------------------------------------------------------------------
@dataclass
class Rejection:
    row: int
    field: str  # the field code (for programs); ``column`` is what the user's file calls it
    error: str
    values: dict[str, str] = field(default_factory=dict)
    column: str = ""

    def __post_init__(self) -> None:
        if not self.column:
            self.column = column_label(self.field)

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "field": self.field, "column": self.column, "error": self.error}


@dataclass
class ImportReport:
    kind: str
    dry_run: bool = False
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    #: Rows imported with a caution (e.g. registered outside the district): not refused.
    warnings: list[Rejection] = field(default_factory=list)
    #: How ownership was inferred for rows without a 所有制类型: rule in words -> rows.
    inferred: dict[str, int] = field(default_factory=dict)

    @property
    def rejected_rows(self) -> int:
        return len({rejection.row for rejection in self.rejected})

    def as_dict(self) -> dict[str, Any]:
        return {
            "imported": self.imported,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": [rejection.as_dict() for rejection in self.rejected],
            "warnings": [warning.as_dict() for warning in self.warnings],
            "ownership_inferred": [{"rule": rule, "rows": rows} for rule, rows in self.inferred.items()],
        }


class RowInvalid(Exception):
    def __init__(self, field_name: str, message) -> None:
        self.field = field_name
        self.message = message
        super().__init__(str(message))


# --- cleaning -------------------------------------------------------------------------------
def _clean_uscc(value: str, field_name: str) -> str:
    try:
        return validate_uscc(value)
    except ValidationError as error:
        raise RowInvalid(field_name, error.messages[0]) from None


def _clean_resident_id(value: str, field_name: str) -> str:
    try:
        return validate_resident_id(value)
    except ValidationError as error:
        raise RowInvalid(field_name, error.messages[0]) from None


def _clean_choice(value: str, field_name: str, table: dict[str, str]) -> str:
    text = value.strip().lower()
    if text in table:
        return table[text]
    allowed = sorted({v for v in table.values()})
    raise RowInvalid(
        field_name,
        _(
            "%(value)s is not an allowed value for %(field)s; use one of: %(allowed)s (Chinese "
            "names accepted)."
        )
        % {"value": value, "field": column_label(field_name), "allowed": ", ".join(allowed)},
    )


def _clean_boolean(value: str, field_name: str) -> bool:
    text = value.strip().lower()
    if text in BOOLEAN_VALUES:
        return BOOLEAN_VALUES[text]
    raise RowInvalid(
        field_name,
        _("%(field)s must be 是/否 (yes/no); got %(value)s.")
        % {"field": column_label(field_name), "value": value},
    )


def _clean_date(value: str, field_name: str) -> datetime.date | None:
    if not value.strip():
        return None
    day = parse_day(value)
    if day is None:
        raise RowInvalid(
            field_name,
            _("%(field)s must be a date in the form YYYY-MM-DD; got %(value)s.")
            % {"field": column_label(field_name), "value": value},
        )
    return day


def _clean_percent(value: str, field_name: str) -> Decimal | None:
    text = value.strip().rstrip("%").strip()
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise RowInvalid(
            field_name,
            _("%(field)s must be a number from 0 to 100; got %(value)s.")
            % {"field": column_label(field_name), "value": value},
        ) from None
    if not number.is_finite() or number < 0 or number > 100:
        raise RowInvalid(
            field_name, _("The share must be between 0 and 100 percent; got %(value)s.") % {"value": value}
        )
    return number.quantize(Decimal("0.001"))


def _text(values: dict[str, str], name: str, limit: int) -> str:
    text = values.get(name, "").strip()
    if len(text) > limit:
        raise RowInvalid(
            name,
            _("%(field)s may be at most %(limit)d characters long.")
            % {"field": column_label(name), "limit": limit},
        )
    return text


def _clean_row(kind: str, values: dict[str, str]) -> tuple[dict[str, Any], list[RowInvalid]]:
    """Clean one row; return cleaned values and every field error (not just the first)."""
    cleaned: dict[str, Any] = {}
    # The input rule (core.input_rules): a NUL or a broken character is reported on its column.
    errors: list[RowInvalid] = [
        RowInvalid(name, message) for name, message in cell_problems(values, lambda n: column_label(n, kind))
    ]
    for column in COLUMNS[kind]:
        if column.name in {error.field for error in errors}:
            continue
        if column.required and not values.get(column.name, "").strip():
            errors.append(
                RowInvalid(
                    column.name, _("%(field)s is required.") % {"field": column_label(column.name, kind)}
                )
            )
    missing = {error.field for error in errors}

    def attempt(name: str, clean: Callable[[str, str], Any]) -> None:
        if name in missing or name not in values:
            return
        raw = values.get(name, "")
        if not raw.strip():
            cleaned[name] = None
            return
        try:
            cleaned[name] = clean(raw, name)
        except RowInvalid as error:
            errors.append(error)

    def text(name: str, limit: int) -> None:
        if name in missing or name not in values:
            return
        try:
            cleaned[name] = _text(values, name, limit)
        except RowInvalid as error:
            errors.append(error)

    if kind == "enterprises":
        text("name", 200)
        attempt("uscc", _clean_uscc)
        attempt("ownership_type", lambda v, n: _clean_choice(v, n, OWNERSHIP_VALUES))
        attempt("is_key_enterprise", _clean_boolean)
        text("industry", 100)
        text("address", 300)
        text("legal_representative_name", 100)
        attempt("legal_representative_resident_id", _clean_resident_id)
        text("enterprise_type", 100)
        # A registry export names the representative without an ID number: accepted (a person
        # without identity, who gains one when a later file brings the number). An ID number
        # without a name is still refused.
        has_name = bool(cleaned.get("legal_representative_name"))
        has_id = bool(cleaned.get("legal_representative_resident_id"))
        if has_id and not has_name and not any(e.field.startswith("legal_representative") for e in errors):
            errors.append(
                RowInvalid(
                    "legal_representative_name",
                    _("Give the legal representative's name with the resident ID number."),
                )
            )
        if (
            not cleaned.get("ownership_type")
            and "ownership_type" not in {e.field for e in errors}
            and cleaned.get("uscc")
        ):
            inference = registry.infer_ownership(cleaned.get("enterprise_type") or "", cleaned["uscc"])
            if inference is None:
                blame = "enterprise_type" if cleaned.get("enterprise_type") else "ownership_type"
                errors.append(
                    RowInvalid(
                        blame,
                        _(
                            "The ownership cannot be told from %(type_column)s “%(type)s” or "
                            "from the unified social credit code; "
                            "add a column %(ownership_column)s (私营企业, 个体工商户, "
                            "外商投资企业, 港澳台投资企业, 集体企业, 国有企业, "
                            "国有控股企业 or 其他) for this row."
                        )
                        % {
                            "type_column": column_label("enterprise_type", kind),
                            "type": cleaned.get("enterprise_type") or "",
                            "ownership_column": column_label("ownership_type", kind),
                        },
                    )
                )
            else:
                cleaned["ownership_type"] = inference.ownership
                cleaned["ownership_rule"] = inference.rule
    elif kind == "officials":
        text("name", 100)
        attempt("resident_id", _clean_resident_id)
        text("unit_code", 32)
        text("position", 100)
        attempt("rank", lambda v, n: _clean_choice(v, n, RANK_VALUES))
        attempt("is_leading_cadre", _clean_boolean)
        attempt("supervising_leader_resident_id", _clean_resident_id)
        if cleaned.get("supervising_leader_resident_id") and cleaned.get(
            "supervising_leader_resident_id"
        ) == cleaned.get("resident_id"):
            errors.append(
                RowInvalid(
                    "supervising_leader_resident_id", _("An official cannot be their own supervising leader.")
                )
            )
    elif kind == "links":
        text("name", 100)
        attempt("resident_id", _clean_resident_id)
        attempt("uscc", _clean_uscc)
        attempt("kind", lambda v, n: _clean_choice(v, n, LINK_KIND_VALUES))
        text("role", 100)
        attempt("share_percent", _clean_percent)
        attempt("start_date", _clean_date)
        attempt("end_date", _clean_date)
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            errors.append(RowInvalid("end_date", _("The end date must not be before the start date.")))
    elif kind == "relatives":
        attempt("official_resident_id", _clean_resident_id)
        text("name", 100)
        attempt("resident_id", _clean_resident_id)
        attempt("relationship", lambda v, n: _clean_choice(v, n, RELATIONSHIP_VALUES))
        text("occupation", 200)
        if cleaned.get("official_resident_id") and cleaned.get("official_resident_id") == cleaned.get(
            "resident_id"
        ):
            errors.append(RowInvalid("resident_id", _("An official cannot be their own related person.")))
    return cleaned, errors


def _natural_key(kind: str, cleaned: dict[str, Any]) -> tuple[str, tuple]:
    """(field to blame, key) identifying the record a row writes; duplicates are rejected."""
    if kind == "enterprises":
        return "uscc", (cleaned["uscc"],)
    if kind == "officials":
        return "resident_id", (cleaned["resident_id"],)
    if kind == "links":
        return "resident_id", (
            cleaned["resident_id"],
            cleaned["uscc"],
            cleaned["kind"],
            cleaned.get("role") or "",
        )
    return "resident_id", (cleaned["official_resident_id"], cleaned["resident_id"], cleaned["relationship"])


# --- writing helpers ----------------------------------------------------------------------
# Every write goes through the directory services: their rules, their audit action names
# (``services.Action``), their position history and share totals. Created rows use the
# services' bulk forms; changed rows the single-row update services; a row a rule refuses is
# reported with its row number and field, and nothing is written for it.
IMPORT_DETAILS = {"source": "import"}
#: A service names the model field it refused; the report names the file's column.
FIELD_COLUMNS: dict[str, dict[str, str]] = {
    "enterprises": {"legal_representative": "legal_representative_resident_id"},
    "officials": {
        "unit": "unit_code",
        "supervising_leader": "supervising_leader_resident_id",
        "person": "resident_id",
        "user": "resident_id",
    },
    "links": {"person": "resident_id", "enterprise": "uscc"},
    "relatives": {"person": "resident_id", "official": "official_resident_id"},
}
ROW_FIELD = {
    "enterprises": "uscc",
    "officials": "resident_id",
    "links": "resident_id",
    "relatives": "resident_id",
}


def _known_persons(resident_ids: Iterable[str]) -> dict[str, Person]:
    """Persons already recorded, by resident ID (read only)."""
    indexes = {blind_index(resident_id): resident_id for resident_id in set(resident_ids)}
    if not indexes:
        return {}
    return {
        indexes[person.resident_id_index]: person
        for person in Person.objects.filter(resident_id_index__in=list(indexes))
    }


def _ensure_persons(
    pairs: Iterable[tuple[str, str]], *, actor, known: dict[str, Person] | None = None
) -> tuple[dict[str, Person], set[str]]:
    """Persons by resident ID: new ones created (bulk, by the services' rules), recorded ones
    renamed when the file names them differently. Returns (resident ID -> Person, resident
    IDs whose person was renamed)."""
    wanted: dict[str, str] = {}
    for name, resident_id in pairs:
        wanted.setdefault(resident_id, name)
    existing = known if known is not None else _known_persons(wanted)
    persons: dict[str, Person] = {}
    renamed: set[str] = set()
    created: list[Person] = []
    for resident_id, name in wanted.items():
        person = existing.get(resident_id)
        if person is None:
            person = Person(name=name, resident_id=resident_id)
            created.append(person)
        elif person.name != name:
            person = services.person_update(person=person, name=name, actor=actor)
            renamed.add(resident_id)
        persons[resident_id] = person
    services.persons_create_bulk(created, actor=actor, details=IMPORT_DETAILS)
    return persons, renamed


def _differs(instance, fields: dict[str, Any]) -> bool:
    return any(getattr(instance, name) != value for name, value in fields.items())


def _batches(items: list, size: int = BATCH_SIZE):
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass
class _Good:
    row: Row
    cleaned: dict[str, Any]


class _Importer:
    def __init__(self, kind: str, *, actor, report: ImportReport, progress: Callable[[int], None] | None):
        self.kind = kind
        self.actor = actor
        self.report = report
        self.progress = progress or (lambda count: None)
        self.division = registry.district_division_code()

    def reject(self, row: Row, field_name: str, message) -> None:
        self.report.rejected.append(
            Rejection(row=row.number, field=field_name, error=str(message), values=row.original,
                      column=column_label(field_name, self.kind))
        )

    def refuse(self, good: _Good, error: ServiceError) -> None:
        """A service rule refused the row: report it on the file's column."""
        column = FIELD_COLUMNS[self.kind].get(error.field or "", error.field) or ROW_FIELD[self.kind]
        self.reject(good.row, column, error.text())

    def refuser(self, rows: dict[int, _Good]):
        """``reject`` callback for the services' bulk checks (instances → their rows)."""
        return lambda instance, error: self.refuse(rows[id(instance)], error)

    def update(self, good: _Good, service: Callable[..., Any], **arguments) -> bool:
        """Run a single-row update service for a changed row; a refusal rejects the row."""
        try:
            service(actor=self.actor, **arguments)
        except ServiceError as error:
            self.refuse(good, error)
            return False
        return True

    def count(self, created: bool, changed: bool) -> None:
        if created:
            self.report.imported += 1
        elif changed:
            self.report.updated += 1
        else:
            self.report.unchanged += 1

    # enterprises ------------------------------------------------------------------------
    def write_enterprises(self, batch: list[_Good]) -> None:
        existing = {e.uscc: e for e in Enterprise.objects.filter(uscc__in=[g.cleaned["uscc"] for g in batch])}
        new: list[Enterprise] = []
        rows: dict[int, _Good] = {}
        changes: list[tuple[_Good, Enterprise, dict[str, Any]]] = []
        for good in batch:
            values = good.cleaned
            fields: dict[str, Any] = {"name": values["name"], "ownership_type": values["ownership_type"]}
            for name in ("industry", "address"):
                if name in values:
                    fields[name] = values[name] or ""
            if "is_key_enterprise" in values:
                fields["is_key_enterprise"] = bool(values["is_key_enterprise"])
            enterprise = existing.get(values["uscc"])
            if enterprise is None:
                enterprise = Enterprise(uscc=values["uscc"], **fields)
                rows[id(enterprise)] = good
                new.append(enterprise)
            else:
                changes.append((good, enterprise, fields))
        # The rules first, so that a refused row leaves no person behind either.
        new = services.enterprises_check(new, reject=self.refuser(rows))
        goods = [rows[id(e)] for e in new] + [good for good, _e, _f in changes]
        # A representative named without an ID number who now arrives with one gains the
        # identity (same enterprise, same name, nobody else holds the number): the person is
        # updated, not replaced, so links and the screening watch list follow by blind index.
        known = _known_persons(
            g.cleaned["legal_representative_resident_id"]
            for g in goods
            if g.cleaned.get("legal_representative_resident_id")
        )
        current = Person.objects.in_bulk(
            {e.legal_representative_id for _g, e, _f in changes if e.legal_representative_id}
        )
        for good, enterprise, _fields in changes:
            resident_id = good.cleaned.get("legal_representative_resident_id")
            person = current.get(enterprise.legal_representative_id)
            if (
                resident_id
                and resident_id not in known
                and person is not None
                and not person.resident_id_index
                and person.name == good.cleaned["legal_representative_name"]
            ):
                try:
                    known[resident_id] = services.person_update(
                        person=person, resident_id=resident_id, actor=self.actor
                    )
                except ServiceError as error:
                    self.refuse(good, error)
        pairs = [
            (g.cleaned["legal_representative_name"], g.cleaned["legal_representative_resident_id"])
            for g in goods
            if g.cleaned.get("legal_representative_resident_id")
        ]
        persons, _renamed = _ensure_persons(pairs, actor=self.actor, known=known)
        # Named without an ID number: a person without identity, one per enterprise (kept
        # while the file names the same representative).
        nameless: dict[int, Person] = {}
        for good in goods:
            if good.cleaned.get("legal_representative_name") and not good.cleaned.get(
                "legal_representative_resident_id"
            ):
                nameless[good.row.number] = Person(name=good.cleaned["legal_representative_name"])
        for good, enterprise, _fields in changes:
            person = current.get(enterprise.legal_representative_id)
            if (
                good.row.number in nameless
                and person is not None
                and person.name == good.cleaned["legal_representative_name"]
            ):
                nameless[good.row.number] = person
        services.persons_create_bulk(
            [p for p in nameless.values() if p.pk is None], actor=self.actor, details=IMPORT_DETAILS
        )
        for enterprise in new:
            good = rows[id(enterprise)]
            representative = good.cleaned.get("legal_representative_resident_id")
            if representative:
                enterprise.legal_representative = persons[representative]
            elif good.row.number in nameless:
                enterprise.legal_representative = nameless[good.row.number]
        services.enterprises_create_bulk(new, actor=self.actor, details=IMPORT_DETAILS)
        self.report.imported += len(new)
        for enterprise in new:
            self.registered(rows[id(enterprise)])
        for good, enterprise, fields in changes:
            representative = good.cleaned.get("legal_representative_resident_id")
            chosen = persons[representative] if representative else nameless.get(good.row.number)
            if chosen is not None:
                fields["legal_representative_id"] = chosen.pk
            if not _differs(enterprise, fields):
                self.count(False, False)
                self.registered(good)
                continue
            if "legal_representative_id" in fields:
                fields["legal_representative"] = chosen
                del fields["legal_representative_id"]
            if self.update(good, services.enterprise_update, enterprise=enterprise, **fields):
                self.count(False, True)
                self.registered(good)

    def registered(self, good: _Good) -> None:
        """An enterprise row went in: count the ownership rule used; warn when the USCC says
        it was registered outside the district (imported all the same)."""
        rule = good.cleaned.get("ownership_rule")
        if rule:
            self.report.inferred[rule] = self.report.inferred.get(rule, 0) + 1
        uscc = good.cleaned["uscc"]
        if registry.registered_outside(uscc, self.division):
            self.report.warnings.append(
                Rejection(
                    row=good.row.number,
                    field="uscc",
                    values=good.row.original,
                    error=str(
                        _(
                            "Registered outside the district: the unified social credit code's "
                            "division code is %(code)s, "
                            "the district's is %(district)s. Imported; check that the enterprise "
                            "belongs here."
                        )
                        % {"code": uscc[2:8], "district": self.division}
                    ),
                )
            )

    # officials --------------------------------------------------------------------------
    def prepare_officials(self, goods: list[_Good]) -> list[list[_Good]]:
        """Check units and supervisors for the whole file; order rows so that every
        supervisor is written before the officials they supervise (any file order works)."""
        units = {u.code: u for u in Unit.objects.filter(code__in={g.cleaned["unit_code"] for g in goods})}
        self.units = {unit.pk: unit for unit in units.values()}
        in_file = {g.cleaned["resident_id"]: g for g in goods}
        supervisor_ids = {
            g.cleaned["supervising_leader_resident_id"]
            for g in goods
            if g.cleaned.get("supervising_leader_resident_id")
        }
        outside = {blind_index(rid): rid for rid in supervisor_ids - set(in_file)}
        existing_officials = set(
            Official.objects.filter(person__resident_id_index__in=list(outside)).values_list(
                "person__resident_id_index", flat=True
            )
        )
        known_outside = {outside[index] for index in existing_officials}
        valid: dict[str, _Good] = {}
        for good in goods:
            values = good.cleaned
            if values["unit_code"] not in units:
                self.reject(
                    good.row,
                    "unit_code",
                    _("No unit with code %(code)s exists; create the unit first.")
                    % {"code": values["unit_code"]},
                )
                continue
            values["unit_id"] = units[values["unit_code"]].pk
            supervisor = values.get("supervising_leader_resident_id")
            if supervisor and supervisor not in in_file and supervisor not in known_outside:
                self.reject(
                    good.row,
                    "supervising_leader_resident_id",
                    _("The supervising leader must be an official already in the directory or in this file."),
                )
                continue
            valid[values["resident_id"]] = good
        # Rows whose supervisor row was rejected fall out too (repeat until stable).
        changed = True
        while changed:
            changed = False
            for resident_id, good in list(valid.items()):
                supervisor = good.cleaned.get("supervising_leader_resident_id")
                if supervisor and supervisor in in_file and supervisor not in valid:
                    self.reject(
                        good.row,
                        "supervising_leader_resident_id",
                        _("The supervising leader's row was rejected."),
                    )
                    del valid[resident_id]
                    changed = True
        levels: list[list[_Good]] = []
        placed: set[str] = set()
        remaining = dict(valid)
        while remaining:
            level = [
                good for rid, good in remaining.items()
                if not good.cleaned.get("supervising_leader_resident_id")
                or good.cleaned["supervising_leader_resident_id"] not in valid
                or good.cleaned["supervising_leader_resident_id"] in placed
            ]
            if not level:
                for good in remaining.values():
                    self.reject(
                        good.row,
                        "supervising_leader_resident_id",
                        _("Supervising leaders form a cycle in this file."),
                    )
                break
            for good in level:
                placed.add(good.cleaned["resident_id"])
                del remaining[good.cleaned["resident_id"]]
            levels.append(level)
        return levels

    def write_officials(self, batch: list[_Good]) -> None:
        known = _known_persons(g.cleaned["resident_id"] for g in batch)
        supervisor_ids = {
            g.cleaned["supervising_leader_resident_id"]
            for g in batch
            if g.cleaned.get("supervising_leader_resident_id")
        }
        supervisors = dict(
            Official.objects.filter(
                person__resident_id_index__in=[blind_index(r) for r in supervisor_ids]
            ).values_list("person__resident_id_index", "pk")
        )
        existing = {
            o.person_id: o for o in Official.objects.filter(person_id__in=[p.pk for p in known.values()])
        }
        new: list[Official] = []
        rows: dict[int, _Good] = {}
        changes: list[tuple[_Good, Official, dict[str, Any]]] = []
        for good in batch:
            values = good.cleaned
            fields: dict[str, Any] = {"unit_id": values["unit_id"], "position": values["position"]}
            if "rank" in values:
                fields["rank"] = values["rank"] or Rank.CLERK
            if "is_leading_cadre" in values:
                fields["is_leading_cadre"] = bool(values["is_leading_cadre"])
            if "supervising_leader_resident_id" in values:
                supervisor = values["supervising_leader_resident_id"]
                fields["supervising_leader_id"] = supervisors[blind_index(supervisor)] if supervisor else None
            person = known.get(values["resident_id"])
            official = existing.get(person.pk) if person is not None else None
            if official is None:
                official = Official(person=person, **fields) if person is not None else Official(**fields)
                rows[id(official)] = good
                new.append(official)
            else:
                changes.append((good, official, fields))
        new = services.officials_check(new, reject=self.refuser(rows))
        # Changed officials first: a refused change leaves its person's name as it was.
        updated: list[_Good] = []
        changed: set[int] = set()  # row numbers an update service changed
        leaders = Official.objects.in_bulk(
            {f["supervising_leader_id"] for _g, _o, f in changes if f.get("supervising_leader_id")}
        )
        for good, official, fields in changes:
            if not _differs(official, fields):
                updated.append(good)
                continue
            arguments = {
                name: value
                for name, value in fields.items()
                if name not in ("unit_id", "supervising_leader_id")
            }
            arguments["unit"] = self.units[fields["unit_id"]]
            if "supervising_leader_id" in fields:
                arguments["supervising_leader"] = leaders.get(fields["supervising_leader_id"])
            if self.update(good, services.official_update, official=official, **arguments):
                changed.add(good.row.number)
                updated.append(good)
        persons, renamed = _ensure_persons(
            [(rows[id(o)].cleaned["name"], rows[id(o)].cleaned["resident_id"]) for o in new]
            + [(g.cleaned["name"], g.cleaned["resident_id"]) for g in updated],
            actor=self.actor, known=known,
        )
        for official in new:
            official.person = persons[rows[id(official)].cleaned["resident_id"]]
        # Position history as official_create opens it: one open position from today.
        services.officials_create_bulk(new, actor=self.actor, details=IMPORT_DETAILS)
        self.report.imported += len(new)
        for good in updated:
            self.count(False, good.row.number in changed or good.cleaned["resident_id"] in renamed)

    # links ------------------------------------------------------------------------------
    def write_links(self, batch: list[_Good]) -> None:
        enterprises = dict(
            Enterprise.objects.filter(uscc__in={g.cleaned["uscc"] for g in batch}).values_list("uscc", "pk")
        )
        usable = []
        for good in batch:
            if good.cleaned["uscc"] not in enterprises:
                self.reject(
                    good.row,
                    "uscc",
                    _(
                        "No enterprise with this unified social credit code exists; import the "
                        "enterprise first."
                    ),
                )
            else:
                usable.append(good)
        known = _known_persons(g.cleaned["resident_id"] for g in usable)
        existing: dict[tuple, EnterpriseLink] = {}
        for link in EnterpriseLink.objects.filter(
            person_id__in=[p.pk for p in known.values()], enterprise_id__in=set(enterprises.values())
        ).order_by("pk"):
            existing.setdefault((link.person_id, link.enterprise_id, link.kind, link.role), link)
        new: list[EnterpriseLink] = []
        rows: dict[int, _Good] = {}
        updated: list[_Good] = []
        changed: set[int] = set()  # row numbers an update service changed
        for good in usable:
            values = good.cleaned
            enterprise_id = enterprises[values["uscc"]]
            role = values.get("role") or ""
            fields = {
                name: values.get(name)
                for name in ("share_percent", "start_date", "end_date")
                if name in values
            }
            person = known.get(values["resident_id"])
            link = (
                existing.get((person.pk, enterprise_id, values["kind"], role)) if person is not None else None
            )
            if link is None:
                link = EnterpriseLink(
                    enterprise_id=enterprise_id, kind=values["kind"], role=role, source="import", **fields
                )
                if person is not None:
                    link.person = person
                rows[id(link)] = good
                new.append(link)
            elif not _differs(link, fields):
                updated.append(good)
            # A changed share is judged by the share-total rule against what is stored
            # (this batch's earlier changes included); refused, nothing of the row is kept.
            elif self.update(good, services.enterprise_link_update, link=link, **fields):
                changed.add(good.row.number)
                updated.append(good)
        # New links: each link's rules, then the share totals per enterprise — stored shares
        # and the rows before it in the file — before any person is written for them.
        new = services.enterprise_links_check(new, reject=self.refuser(rows))
        persons, renamed = _ensure_persons(
            [(rows[id(x)].cleaned["name"], rows[id(x)].cleaned["resident_id"]) for x in new]
            + [(g.cleaned["name"], g.cleaned["resident_id"]) for g in updated],
            actor=self.actor, known=known,
        )
        for link in new:
            link.person = persons[rows[id(link)].cleaned["resident_id"]]
        services.enterprise_links_create_bulk(new, actor=self.actor, details=IMPORT_DETAILS)
        self.report.imported += len(new)
        for good in updated:
            self.count(False, good.row.number in changed or good.cleaned["resident_id"] in renamed)

    # relatives --------------------------------------------------------------------------
    def write_relatives(self, batch: list[_Good]) -> None:
        official_ids = {g.cleaned["official_resident_id"] for g in batch}
        officials = {
            index: (pk, person_id)
            for index, pk, person_id in Official.objects.filter(
                person__resident_id_index__in=[blind_index(r) for r in official_ids]
            ).values_list("person__resident_id_index", "pk", "person_id")
        }
        usable = []
        for good in batch:
            if blind_index(good.cleaned["official_resident_id"]) not in officials:
                self.reject(
                    good.row,
                    "official_resident_id",
                    _("No official with this resident ID number exists; import the official first."),
                )
            else:
                usable.append(good)
        known = _known_persons(g.cleaned["resident_id"] for g in usable)
        existing = {
            (r.official_id, r.person_id, r.relationship): r
            for r in RelatedPerson.objects.filter(
                official_id__in={pk for pk, _p in officials.values()},
                person_id__in=[p.pk for p in known.values()],
            )
        }
        new: list[RelatedPerson] = []
        rows: dict[int, _Good] = {}
        updated: list[_Good] = []
        changed: set[int] = set()  # row numbers an update service changed
        for good in usable:
            values = good.cleaned
            official_id, _official_person = officials[blind_index(values["official_resident_id"])]
            person = known.get(values["resident_id"])
            fields = {"occupation": values.get("occupation") or ""} if "occupation" in values else {}
            relative = (
                existing.get((official_id, person.pk, values["relationship"])) if person is not None else None
            )
            if relative is None:
                relative = RelatedPerson(
                    official_id=official_id, relationship=values["relationship"], **fields
                )
                if person is not None:
                    relative.person = person
                rows[id(relative)] = good
                new.append(relative)
            elif not _differs(relative, fields):
                updated.append(good)
            elif self.update(good, services.related_person_update, related=relative, **fields):
                changed.add(good.row.number)
                updated.append(good)
        new = services.related_persons_check(new, reject=self.refuser(rows))
        persons, renamed = _ensure_persons(
            [(rows[id(r)].cleaned["name"], rows[id(r)].cleaned["resident_id"]) for r in new]
            + [(g.cleaned["name"], g.cleaned["resident_id"]) for g in updated],
            actor=self.actor, known=known,
        )
        for relative in new:
            relative.person = persons[rows[id(relative)].cleaned["resident_id"]]
        services.related_persons_create_bulk(new, actor=self.actor, details=IMPORT_DETAILS)
        self.report.imported += len(new)
        for good in updated:
            self.count(False, good.row.number in changed or good.cleaned["resident_id"] in renamed)


def import_rows(
    kind: str,
    rows: Iterable[Row],
    *,
    actor,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Validate and import ``rows`` of ``kind``; return the report (rejections sorted by row).

    Rows are streamed: enterprises, links and relatives are written every ``BATCH_SIZE`` good
    rows, so memory holds one batch and the natural keys seen (officials are ordered by their
    supervisors first, so their good rows are kept until the end)."""
    if kind not in KINDS:
        raise ValueError(f"unknown import kind {kind!r}")
    report = ImportReport(kind=kind, dry_run=dry_run)
    importer = _Importer(kind, actor=actor, report=report, progress=progress)
    token = _LABELS.set(None)
    try:
        _import(kind, rows, importer, dry_run=dry_run)
    finally:
        _LABELS.reset(token)
    report.rejected.sort(key=lambda rejection: rejection.row)
    return report


def _import(kind: str, rows: Iterable[Row], importer: _Importer, *, dry_run: bool) -> None:
    write = getattr(importer, f"write_{kind}")
    goods: list[_Good] = []
    seen: dict[tuple, int] = {}

    def flush(batch: list[_Good]) -> None:
        # One transaction per batch (a savepoint inside the import's outer transaction).
        with transaction.atomic():
            write(batch)
        importer.progress(len(batch))

    # One directory import at a time, of any kind (they all write persons, by resident ID): two at once both
    # found a row new and the second's insert failed on a unique key (a 500, the whole file lost).
    with one_import_at_a_time("directory", dry_run=dry_run):
        for row in rows:
            if _LABELS.get() is None:
                _LABELS.set(file_labels(kind, row.original))
            cleaned, errors = _clean_row(kind, row.values)
            if errors:
                for error in errors:
                    importer.reject(row, error.field, error.message)
                importer.progress(1)
                continue
            blame, key = _natural_key(kind, cleaned)
            if key in seen:
                importer.reject(
                    row, blame, _("This row repeats row %(row)d of the file.") % {"row": seen[key]}
                )
                importer.progress(1)
                continue
            seen[key] = row.number
            goods.append(_Good(row=row, cleaned=cleaned))
            if kind != "officials" and len(goods) >= BATCH_SIZE:
                flush(goods)
                goods = []
        if kind == "officials":
            for level in importer.prepare_officials(goods):
                for batch in _batches(level):
                    flush(batch)
        elif goods:
            flush(goods)


def import_file(
    kind: str, source, *, filename: str | None = None, actor, dry_run: bool = False, progress_factory=None
) -> ImportReport:
    """Read an .xlsx or .csv file and import it, streaming its rows (openpyxl's read-only
    mode, the csv reader). ``progress_factory(total)`` may return a callable advanced by the
    number of rows done."""
    progress = None
    if progress_factory:
        if isinstance(source, bytes):
            data = source
        elif hasattr(source, "read"):
            data = source.read()
            filename = filename or getattr(source, "name", "")
        else:
            filename = filename or os.fspath(source)
            with open(source, "rb") as handle:
                data = handle.read()
        source = data
        progress = progress_factory(count_rows(data, filename or ""))
    _fields, rows = read_rows(
        source, filename=filename, aliases=aliases_for(kind),
        required=[column.name for column in COLUMNS[kind] if column.required],
    )
    return import_rows(kind, rows, actor=actor, dry_run=dry_run, progress=progress)
