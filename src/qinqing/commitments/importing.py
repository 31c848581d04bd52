"""Import of an existing 承诺事项台账 (.xlsx or .csv): ``./qinqing import commitments FILE`` or the page.

Columns (Chinese headers, English aliases accepted): 统一社会信用代码 (or 企业名称) of the enterprise in the
directory, 承诺类型 (招商引资协议 / 政策承诺 / 会议纪要 / 合同), 承诺事项, 承诺内容, 依据, 责任单位 (a unit's
name), 承诺日期, 完成时限, 相关文件, 公开范围 (公开 / 企业 / 内部; default 内部). Each good row becomes one
commitment through ``services.commitment_register`` (its own transaction and audit event); a row whose
enterprise already has a commitment with the same 承诺事项 and 承诺日期 is "unchanged". The report has the
directory imports' shape (``directory.importing.ImportReport``, a ``Rejection`` per refused cell).

The import is one transaction holding the ledger's lock (``core.tabular.one_import_at_a_time``): two imports
of the same file at once take turns, and the second finds the first one's rows unchanged. (Not a unique
constraint: two commitments with one title and date for one enterprise are not wrong in themselves, the
register form allows them; "the same row" is the import's notion.) A dry run is the same run rolled back.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qinqing.core.errors import ServiceError
from qinqing.core.identifiers import validate_uscc
from qinqing.core.tabular import (
    Column,
    header_aliases,
    name_spellings,
    one_import_at_a_time,
    parse_day,
    read_rows,
)
from qinqing.directory.importing import ImportReport, Rejection

from . import services
from .models import Commitment, Kind, Scope

COLUMNS = [
    Column("uscc", "统一社会信用代码", ("信用代码", "uscc")),
    Column("enterprise", "企业名称", ("企业", "enterprise")),
    Column("kind", "承诺类型", ("类型", "kind")),
    Column("title", "承诺事项", ("事项", "title")),
    Column("content", "承诺内容", ("内容", "content")),
    Column("legal_basis", "依据", ("法律依据", "政策依据", "legal basis")),
    Column("unit", "责任单位", ("单位", "responsible unit", "unit")),
    Column("made_on", "承诺日期", ("日期", "made on")),
    Column("deadline", "完成时限", ("时限", "期限", "deadline")),
    Column("documents", "相关文件", ("文件", "documents")),
    Column("scope", "公开范围", ("公开", "scope")),
]
HEADERS = {column.name: column.header for column in COLUMNS}
KIND_WORDS = {
    "招商引资协议": Kind.INVESTMENT,
    "投资协议": Kind.INVESTMENT,
    "政策承诺": Kind.POLICY,
    "会议纪要": Kind.MINUTES,
    "合同": Kind.CONTRACT,
    **{k.value: k.value for k in Kind},
}
SCOPE_WORDS = {
    "公开": Scope.PUBLIC,
    "企业": Scope.ENTERPRISES,
    "内部": Scope.INTERNAL,
    "": Scope.INTERNAL,
    **{s.value: s.value for s in Scope},
}
REQUIRED = ("kind", "title", "content", "unit", "made_on", "deadline")
# Milliseconds a row takes (measured 2026-12-03 on the 2-core machine, PostgreSQL: 1,000 rows in 15 s): a
# page's file estimated past settings.IMPORT_IN_REQUEST_SECONDS is imported by the worker (core.imports).
ROW_MS = 15


def aliases() -> dict[str, str]:
    return header_aliases(COLUMNS)


def _only(found):
    """The one row a name's spellings find; None for none or for two (two names that differ only in how
    they are written are not guessed between)."""
    rows = list(found[:2])
    return rows[0] if len(rows) == 1 else None


def _reject(report, number, field, message):
    report.rejected.append(Rejection(row=number, field=field, error=str(message), column=HEADERS[field]))


def import_file(source, *, actor, dry_run: bool = False, filename: str | None = None, progress_factory=None):
    report = ImportReport(kind="commitments", dry_run=dry_run)
    _fields, rows = read_rows(source, filename=filename, aliases=aliases(), required=REQUIRED)
    with one_import_at_a_time("commitments", dry_run=dry_run):
        for row in rows:
            _import_row(report, row, actor=actor)
    return report


def _import_row(report, row, *, actor) -> None:
    from qinqing.directory.models import Enterprise, Unit

    values, problems = row.values, 0
    for name in REQUIRED:
        if not values.get(name, "").strip():
            _reject(report, row.number, name, _("Required."))
            problems += 1
    if not (values.get("uscc") or values.get("enterprise")):
        _reject(report, row.number, "uscc", _("Give the enterprise's credit code or name."))
        problems += 1
    if values.get("uscc", "").strip():
        try:  # the directory's normal form: full-width characters and spaces typed into the cell are fine
            uscc = validate_uscc(values["uscc"])
        except ValidationError as error:
            _reject(report, row.number, "uscc", error.messages[0])
            problems += 1
    if problems:
        return
    enterprise = (
        Enterprise.objects.filter(uscc=uscc).first()
        if values.get("uscc", "").strip()
        else _only(Enterprise.objects.filter(name__in=name_spellings(values["enterprise"])))
    )
    unit = _only(Unit.objects.filter(name__in=name_spellings(values["unit"])))
    kind = KIND_WORDS.get(values["kind"].strip())
    scope = SCOPE_WORDS.get(values.get("scope", "").strip())
    made_on, deadline = parse_day(values["made_on"]), parse_day(values["deadline"])
    checks = [
        (enterprise is None, "uscc" if values.get("uscc") else "enterprise", _("Not in the directory.")),
        (unit is None, "unit", _("No unit of this name in the directory.")),
        (kind is None, "kind", _("Not a kind of commitment: 招商引资协议, 政策承诺, 会议纪要 or 合同.")),
        (scope is None, "scope", _("公开, 企业 or 内部.")),
        (made_on is None, "made_on", _("Give a date as YYYY-MM-DD.")),
        (deadline is None, "deadline", _("Give a date as YYYY-MM-DD.")),
    ]
    bad = [(field, message) for failed, field, message in checks if failed]
    for field, message in bad:
        _reject(report, row.number, field, message)
    if bad:
        return
    title = values["title"].strip()
    stored = Commitment.objects.filter(enterprise=enterprise, title=title, made_on=made_on).first()
    if stored is not None:
        # The same row: unchanged, or a registered commitment the file says otherwise (an exported ledger with
        # cells corrected), which an import does not change: a change is requested and approved on its page.
        given = {"kind": kind, "content": values["content"].strip(), "unit": unit.pk, "deadline": deadline,
                 "legal_basis": values.get("legal_basis", "").strip(),
                 "documents": values.get("documents", "").strip(), "scope": scope}
        held = {"kind": stored.kind, "content": stored.content.strip(), "unit": stored.unit_id,
                "deadline": stored.deadline, "legal_basis": stored.legal_basis.strip(),
                "documents": stored.documents.strip(), "scope": stored.scope}
        # Only the columns the file has (an export has no 依据, 相关文件 or 公开范围); a blank 公开范围 says
        # nothing.
        differing = [name for name in given if name in values and given[name] != held[name]
                     and not (name == "scope" and not values[name].strip())]
        for name in differing:
            _reject(report, row.number, name, _(
                "Commitment %(number)s is registered with another %(column)s; a registered commitment is "
                "changed on its page (a change request), not by an import.")
                % {"number": stored.number, "column": HEADERS[name]})
        if not differing:
            report.unchanged += 1
        return
    try:
        # The real run's service even in a dry run (rolled back with the import): the same rules, so the same
        # report; a savepoint per row, so a refused row leaves nothing behind.
        with transaction.atomic():
            services.commitment_register(
                enterprise=enterprise,
                unit=unit,
                kind=kind,
                title=title,
                content=values["content"],
                legal_basis=values.get("legal_basis", ""),
                made_on=made_on,
                deadline=deadline,
                documents=values.get("documents", ""),
                scope=scope,
                actor=actor,
            )
    except ServiceError as error:
        field = error.field if error.field in HEADERS else ("unit" if error.status == 403 else "title")
        _reject(report, row.number, field, error.text())
        return
    report.imported += 1
