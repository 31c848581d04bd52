"""``./qinqing import listings|records FILE [--json] [--dry-run]``: blacklist decisions and records from .xlsx or .csv.

Records (``import records``): 统一社会信用代码 or 公民身份号码, 名称, 记录类型 (荣誉, 廉洁记录证明, 履行廉洁承诺,
违反廉洁承诺, 行贿犯罪, 违反六要求, or an outside list: 失信被执行人, 重大税收违法, 政府采购严重违法失信), 标题,
来源, 日期, 失效日期, 证据; one record per row through ``services.record_add``.

Listings:

Columns (Chinese headers, English aliases accepted): 统一社会信用代码 (an enterprise) or 公民身份号码
(a person), 名称, 列入原因, 限制措施, 起始日期, 截止日期, 决定文书号; optionally 列入类型 (失信 /
不廉洁 / 围猎、拉拢腐蚀; inferred from 列入原因 when absent). 限制措施 names the activities in
article 21's words separated by 、 (公共资源交易、政府采购、工程建设招投标、财政补助、贷款、社会团体登记、
商协会任职、荣誉、政治安排). Each good row becomes one listing through ``services.listing_decide``
(one transaction and its audit events per row); the decision number is the natural key, so a
row whose number is already stored with the same party and restrictions is "unchanged" and a
row that would change a stored decision is rejected (a decision is changed by objection or
early removal, not by re-import). The report has the directory imports' shape.
"""  # noqa: E501

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qinqing.core.audit import SystemActor
from qinqing.core.crypto import blind_index
from qinqing.core.errors import ServiceError
from qinqing.core.identifiers import validate_resident_id, validate_uscc
from qinqing.core.input_rules import cell_problems
from qinqing.core.tabular import Column, Row, header_aliases, one_import_at_a_time, parse_day, read_rows

from . import services
from .models import ARTICLE_WORDS, Listing, ListingKind

COLUMNS = [
    Column("uscc", "统一社会信用代码", ("信用代码", "uscc", "unified social credit code")),
    Column("id_number", "公民身份号码", ("身份证号", "身份证号码", "id_number", "resident id")),
    Column("name", "名称", ("企业名称", "姓名", "name")),
    Column("grounds", "列入原因", ("原因", "grounds", "reason")),
    Column("activities", "限制措施", ("限制", "restrictions", "activities")),
    Column("start", "起始日期", ("开始日期", "start", "start date")),
    Column("end", "截止日期", ("结束日期", "end", "end date")),
    Column("number", "决定文书号", ("文书号", "决定书编号", "number", "document number")),
    Column("kind", "列入类型", ("类型", "kind")),
]
REQUIRED = ("name", "grounds", "activities", "start", "end", "number")
# Milliseconds a row takes (measured 2026-12-03 on the 2-core machine, PostgreSQL: 1,000 listing decisions
# in 53 s): a page's file estimated past settings.IMPORT_IN_REQUEST_SECONDS is imported by the worker
# (core.imports).
ROW_MS = 55
KIND_WORDS = {
    "失信": ListingKind.DISHONEST,
    "不廉洁": ListingKind.NOT_CLEAN,
    "围猎、拉拢腐蚀": ListingKind.CORRUPTING_OFFICIALS,
    "围猎": ListingKind.CORRUPTING_OFFICIALS,
    **{kind.value: kind.value for kind in ListingKind},
}


def aliases() -> dict[str, str]:
    return header_aliases(COLUMNS)


@dataclass
class Rejection:
    row: int
    field: str
    error: str

    @property
    def column(self) -> str:
        """The column's header as the file names it (the import report's column)."""
        return _header(self.field)

    def as_dict(self) -> dict:
        return {"row": self.row, "field": self.field, "error": self.error}


@dataclass
class ImportReport:
    kind: str = "listings"
    dry_run: bool = False
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejection] = None

    def __post_init__(self):
        self.rejected = self.rejected or []

    @property
    def rejected_rows(self) -> int:
        return len({rejection.row for rejection in self.rejected})

    def as_dict(self) -> dict:
        return {"imported": self.imported, "updated": self.updated, "unchanged": self.unchanged,
                "rejected": [rejection.as_dict() for rejection in self.rejected]}


class RowInvalid(Exception):
    def __init__(self, field: str, message: str):
        self.field, self.message = field, message
        super().__init__(message)


def _header(name: str, columns=None) -> str:
    """A field's column as the template (and the user's file) names it, for messages."""
    for column in columns or (*COLUMNS, *RECORD_COLUMNS):
        if column.name == name:
            return column.header
    return name


def _date(value: str, field: str) -> datetime.date:
    day = parse_day(value)
    if day is None:
        raise RowInvalid(
            field,
            _("%(field)s must be a date in the form YYYY-MM-DD; got %(value)s.")
            % {"field": _header(field), "value": value},
        )
    return day


def _activities(value: str) -> list[str]:
    words = [
        word.strip()
        for word in value.replace("，", "、")
        .replace(",", "、")
        .replace("；", "、")
        .replace(";", "、")
        .split("、")
    ]
    activities, unknown = [], []
    for word in filter(None, words):
        (activities if word in ARTICLE_WORDS else unknown).append(ARTICLE_WORDS.get(word, word))
    if unknown:
        raise RowInvalid(
            "activities",
            _("%(words)s is not one of article 21's restrictions; use: %(allowed)s (separated by 、).")
            % {"words": "、".join(unknown), "allowed": "、".join(ARTICLE_WORDS)},
        )
    if len(set(activities)) != len(activities):
        raise RowInvalid("activities", _("An activity is named twice."))
    return [str(a) for a in activities]


def _kind(values: dict[str, str]) -> str:
    given = values.get("kind", "").strip()
    if given:
        if given not in KIND_WORDS:
            raise RowInvalid(
                "kind",
                _("%(value)s is not a grounds type; use 失信, 不廉洁 or 围猎、拉拢腐蚀.") % {"value": given},
            )
        return KIND_WORDS[given]
    grounds = values.get("grounds", "")
    if any(word in grounds for word in ("围猎", "拉拢", "腐蚀", "行贿")):
        return ListingKind.CORRUPTING_OFFICIALS
    if "不廉洁" in grounds:
        return ListingKind.NOT_CLEAN
    return ListingKind.DISHONEST


def _clean_party(values: dict[str, str], cleaned: dict, errors: list[RowInvalid]) -> None:
    """The party a row is about: an enterprise by its code or a person by ID number, exactly one."""
    uscc, id_number = values.get("uscc", "").strip(), values.get("id_number", "").strip()
    if bool(uscc) == bool(id_number):
        errors.append(
            RowInvalid(
                "uscc",
                _("Give either 统一社会信用代码 (an enterprise) or 公民身份号码 (a person), one of them."),
            )
        )
    elif uscc:
        try:
            cleaned["uscc"] = validate_uscc(uscc)
        except ValidationError as error:
            errors.append(RowInvalid("uscc", error.messages[0]))
    elif "*" in id_number:  # the ledger exported by the platform masks it (``ledger_rows``)
        errors.append(RowInvalid("id_number", _(
            "This resident ID number is masked, as the platform exports it; enter the full number to import "
            "the row, or leave the row out if the decision is already stored.")))
    else:
        try:
            cleaned["id_number"] = validate_resident_id(id_number)
        except ValidationError as error:
            errors.append(RowInvalid("id_number", error.messages[0]))


def _input_rule(values: dict[str, str]) -> list[RowInvalid]:
    """The input rule (core.input_rules): a NUL or a broken character is reported on its column."""
    return [RowInvalid(name, message) for name, message in cell_problems(values)]


def clean_row(values: dict[str, str]) -> tuple[dict, list[RowInvalid]]:
    errors: list[RowInvalid] = _input_rule(values)
    if errors:
        return {}, errors
    cleaned: dict = {}
    for name in REQUIRED:
        if not values.get(name, "").strip():
            errors.append(RowInvalid(name, _("%(field)s is required.") % {"field": _header(name, COLUMNS)}))
    _clean_party(values, cleaned, errors)
    for name, clean in (("start", _date), ("end", _date)):
        if values.get(name, "").strip():
            try:
                cleaned[name] = clean(values[name], name)
            except RowInvalid as error:
                errors.append(error)
    for name, clean in (("activities", lambda v: _activities(v)), ("kind", lambda _v: _kind(values))):
        if name == "kind" or values.get(name, "").strip():
            try:
                cleaned[name] = clean(values.get(name, ""))
            except RowInvalid as error:
                errors.append(error)
    if "start" in cleaned and "end" in cleaned and cleaned["end"] < cleaned["start"]:
        errors.append(RowInvalid("end", _("截止日期 is before 起始日期.")))
    cleaned.update(name=values.get("name", "").strip()[:200], grounds=values.get("grounds", "").strip(),
                   number=values.get("number", "").strip()[:64])
    return cleaned, errors


def _same(listing: Listing, cleaned: dict) -> bool:
    party = listing.uscc == cleaned.get("uscc", "") and (
        listing.id_index == (blind_index(cleaned["id_number"]) if cleaned.get("id_number") else ""))
    stored = sorted((r.activity, r.start, r.end) for r in listing.restrictions.all())
    wanted = sorted((a, cleaned["start"], cleaned["end"]) for a in cleaned["activities"])
    return party and stored == wanted and listing.grounds == cleaned["grounds"]


def import_rows(
    rows: Iterable[Row], *, actor, dry_run: bool = False, progress: Callable[[int], None] | None = None
) -> ImportReport:
    report = ImportReport(dry_run=dry_run)
    seen: dict[str, int] = {}
    with one_import_at_a_time("integrity.listings", dry_run=dry_run):
        for row in rows:
            cleaned, errors = clean_row(row.values)
            if not errors and cleaned["number"] in seen:
                errors = [
                    RowInvalid(
                        "number",
                        _("This row repeats row %(row)d of the file.") % {"row": seen[cleaned["number"]]},
                    )
                ]
            if errors:
                report.rejected += [
                    Rejection(row.number, error.field, str(error.message)) for error in errors
                ]
                continue
            seen[cleaned["number"]] = row.number
            existing = (
                Listing.objects.filter(number=cleaned["number"]).prefetch_related("restrictions").first()
            )
            if existing is not None:
                if _same(existing, cleaned):
                    report.unchanged += 1
                else:
                    report.rejected.append(
                        Rejection(
                            row.number,
                            "number",
                            _(
                                "Decision %(number)s is already stored with another party, "
                                "grounds or restrictions; a decision is changed "
                                "by objection or early removal, not by re-import."
                            )
                            % {"number": cleaned["number"]},
                        )
                    )
                continue
            try:
                with transaction.atomic():  # one row, one savepoint: a refused row leaves nothing behind
                    services.listing_decide(
                        uscc=cleaned.get("uscc", ""),
                        id_number=cleaned.get("id_number", ""),
                        name=cleaned["name"],
                        kind=cleaned["kind"],
                        grounds=cleaned["grounds"],
                        number=cleaned["number"],
                        decided_on=cleaned["start"],
                        restrictions=[(a, cleaned["start"], cleaned["end"]) for a in cleaned["activities"]],
                        actor=actor,
                        source="import",
                    )
            except ServiceError as error:
                report.rejected.append(Rejection(row.number, error.field or "", error.text()))
                continue
            report.imported += 1
            if progress:
                progress(1)
    report.rejected.sort(key=lambda rejection: rejection.row)
    return report


def import_file(
    source, *, filename: str | None = None, actor=None, dry_run: bool = False, progress_factory=None
) -> ImportReport:
    _fields, rows = read_rows(source, filename=filename, aliases=aliases(), required=REQUIRED)
    rows = list(rows)
    progress = progress_factory(len(rows)) if progress_factory else None
    return import_rows(rows, actor=actor or SystemActor("import"), dry_run=dry_run, progress=progress)


# --- integrity records (outside lists among them): ./qinqing import records FILE ----------------------------
RECORD_COLUMNS = [
    Column("uscc", "统一社会信用代码", ("信用代码", "uscc")),
    Column("id_number", "公民身份号码", ("身份证号", "身份证号码", "id_number")),
    Column("name", "名称", ("企业名称", "姓名", "name")),
    Column("kind", "记录类型", ("类型", "名单", "kind", "list")),
    Column("title", "标题", ("事由", "title")),
    Column("source", "来源", ("来源单位", "source")),
    Column("occurred_on", "日期", ("列入日期", "认定日期", "date", "occurred_on")),
    Column("expires_on", "失效日期", ("移出日期", "有效期至", "expires_on")),
    Column("evidence", "证据", ("文书", "evidence")),
]
RECORD_REQUIRED = ("name", "kind", "source", "occurred_on")
# 记录类型 in Chinese: the record kinds, and the three outside lists (kind external_list).
RECORD_KINDS = {
    "荣誉": ("honour", ""),
    "廉洁记录证明": ("clean_record", ""),
    "履行廉洁承诺": ("pledge_kept", ""),
    "违反廉洁承诺": ("pledge_broken", ""),
    "行贿犯罪": ("bribery_conviction", ""),
    "违反六要求": ("requirement_breach", ""),
    "失信被执行人": ("external_list", "dishonest_debtor"),
    "重大税收违法": ("external_list", "major_tax_violation"),
    "政府采购严重违法失信": ("external_list", "procurement_violation"),
}


def record_aliases() -> dict[str, str]:
    return header_aliases(RECORD_COLUMNS)


def clean_record_row(values: dict[str, str]) -> tuple[dict, list[RowInvalid]]:
    errors: list[RowInvalid] = _input_rule(values)
    if errors:
        return {}, errors
    cleaned: dict = {
        "name": values.get("name", "").strip()[:200],
        "title": values.get("title", "").strip()[:300],
        "source": values.get("source", "").strip()[:200],
        "evidence": values.get("evidence", "").strip(),
    }
    for name in RECORD_REQUIRED:
        if not values.get(name, "").strip():
            label = _header(name, RECORD_COLUMNS)
            errors.append(RowInvalid(name, _("%(field)s is required.") % {"field": label}))
    _clean_party(values, cleaned, errors)
    kind = values.get("kind", "").strip()
    if kind:
        if kind not in RECORD_KINDS:
            errors.append(RowInvalid("kind", _("%(value)s is not a record kind; use one of: %(allowed)s.")
                                     % {"value": kind, "allowed": "、".join(RECORD_KINDS)}))
        else:
            cleaned["kind"], cleaned["external_list"] = RECORD_KINDS[kind]
            cleaned["title"] = cleaned["title"] or kind
    for name in ("occurred_on", "expires_on"):
        if values.get(name, "").strip():
            try:
                cleaned[name] = _date(values[name], name)
            except RowInvalid as error:
                errors.append(error)
    return cleaned, errors


def import_record_rows(rows: Iterable[Row], *, actor, dry_run: bool = False, progress=None) -> ImportReport:
    """One record per good row through ``services.record_add``; a row equal to a stored record (same party, kind,
    list, title and date) is unchanged, so re-importing a list adds nothing."""  # noqa: E501
    from .models import IntegrityRecord

    report = ImportReport(kind="records", dry_run=dry_run)
    with one_import_at_a_time("integrity.records", dry_run=dry_run):
        for row in rows:
            cleaned, errors = clean_record_row(row.values)
            if errors:
                report.rejected += [
                    Rejection(row.number, error.field, str(error.message)) for error in errors
                ]
                continue
            party = (
                {"uscc": cleaned["uscc"]}
                if cleaned.get("uscc")
                else {"id_index": blind_index(cleaned["id_number"])}
            )
            if IntegrityRecord.objects.filter(
                **party,
                kind=cleaned["kind"],
                external_list=cleaned["external_list"],
                title=cleaned["title"],
                occurred_on=cleaned["occurred_on"],
            ).exists():
                report.unchanged += 1
                continue
            try:
                with transaction.atomic():
                    services.record_add(
                        uscc=cleaned.get("uscc", ""),
                        id_number=cleaned.get("id_number", ""),
                        name=cleaned["name"],
                        kind=cleaned["kind"],
                        external_list=cleaned["external_list"],
                        title=cleaned["title"],
                        source=cleaned["source"],
                        evidence=cleaned["evidence"],
                        occurred_on=cleaned["occurred_on"],
                        expires_on=cleaned.get("expires_on"),
                        actor=actor,
                    )
            except ServiceError as error:
                report.rejected.append(Rejection(row.number, error.field or "", error.text()))
                continue
            report.imported += 1
            if progress:
                progress(1)
    report.rejected.sort(key=lambda rejection: rejection.row)
    return report


def import_records_file(
    source, *, filename: str | None = None, actor=None, dry_run: bool = False, progress_factory=None
) -> ImportReport:
    _fields, rows = read_rows(source, filename=filename, aliases=record_aliases(), required=RECORD_REQUIRED)
    rows = list(rows)
    progress = progress_factory(len(rows)) if progress_factory else None
    return import_record_rows(rows, actor=actor or SystemActor("import"), dry_run=dry_run, progress=progress)


# --- the import page's two kinds, and the listings ledger that reads back -----------------------------------
IMPORTS = {
    # kind: (columns, required, import function)
    "listings": (COLUMNS, REQUIRED, import_file),
    "records": (RECORD_COLUMNS, RECORD_REQUIRED, import_records_file),
}
_ACTIVITY_WORDS = {activity: word for word, activity in ARTICLE_WORDS.items()}
_ARTICLE_ORDER = {activity: index for index, activity in enumerate(ARTICLE_WORDS.values())}
_KIND_WORDS = {
    ListingKind.DISHONEST: "失信",
    ListingKind.NOT_CLEAN: "不廉洁",
    ListingKind.CORRUPTING_OFFICIALS: "围猎、拉拢腐蚀",
}


def ledger_rows(listings) -> Iterable[list]:
    """The listings as rows of the import's own columns (``COLUMNS``), so the ledger exported reads back in
    as unchanged: a resident ID masked as on the pages (a person's row then reads back as one to correct,
    never as another person), the restrictions in article 21's words and order with the earliest start and
    the latest end of their periods."""
    for listing in listings:
        restrictions = sorted(listing.restrictions.all(),
                              key=lambda restriction: _ARTICLE_ORDER.get(restriction.activity, 99))
        yield [
            listing.uscc,
            listing.masked_id,
            listing.name,
            listing.grounds,
            "、".join(_ACTIVITY_WORDS.get(r.activity, r.activity) for r in restrictions),
            min((r.start for r in restrictions), default=None),
            max((r.end for r in restrictions), default=None),
            listing.number,
            _KIND_WORDS.get(listing.kind, listing.kind),
        ]
