"""A main-responsibility list's tasks from a spreadsheet (.xlsx or .csv), as units draw them up in Excel.

Columns (headers in Chinese or English, in any order): 任务 (required), 措施, 责任人 (an official in office
of the list's unit, by name, or 姓名（职务） where two share a name), 完成时限 (required, a date within the
list's year); 单位, where a file has it (the ledger's export does), must be the list's unit — a row of
another unit is refused, not added to this list. Each row goes through ``services.task_add`` (the same rules,
one audit event each); a row whose task is already on the list is left unchanged; a bad row is reported with
its row number and column, the others are added. The import is one transaction holding the list's import lock
(``core.tabular.one_import_at_a_time``), so two imports of one file into one list at once take turns and the
second finds the tasks the first added. ``dry_run`` is the same run rolled back: the rows past the list's
limit are refused in it as in the real import."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from qinqing.core import tabular
from qinqing.core.errors import ServiceError
from qinqing.core.tabular import Column, header_aliases, one_import_at_a_time, parse_day, read_rows
from qinqing.directory.importing import ImportReport, Rejection

from . import selectors, services

COLUMNS = [
    Column("task", "任务", ("事项", "工作任务", "责任事项", "task")),
    Column("measures", "措施", ("工作措施", "具体措施", "measures")),
    Column("owner", "责任人", ("责任领导", "owner", "responsible person")),
    # 应办结: the header of the ledger's own .xlsx (Due), so an exported ledger reads back in
    Column("due_on", "完成时限", ("时限", "期限", "完成时间", "应办结", "due", "due on")),
]
# Read, not written to the template: the ledger's export names each row's unit (单位), and a file of several
# units' lists must not add another unit's tasks to this list.
UNIT = Column("unit", "单位", ("责任单位", "unit"))
HEADERS = {column.name: column.header for column in (*COLUMNS, UNIT)}
REQUIRED = ("task", "due_on")


def aliases() -> dict[str, str]:
    return header_aliases([*COLUMNS, UNIT])


def _reject(report, number, field, message):
    report.rejected.append(Rejection(row=number, field=field, error=str(message), column=HEADERS[field]))


def _owner(text: str, officials: list):
    """The official ``text`` names: by name, or 姓名（职务）; None when none or several match."""
    text = text.strip()
    exact = [official for official in officials if str(official) == text]
    by_name = [official for official in officials if official.person.name == text]
    found = exact or by_name
    return found[0] if len(found) == 1 else None


def import_tasks(source, *, duty_list, actor, dry_run: bool = False, filename: str | None = None):
    report = ImportReport(kind="duty tasks", dry_run=dry_run)
    _fields, rows = read_rows(source, filename=filename, aliases=aliases(), required=REQUIRED)
    with one_import_at_a_time(f"duties:{duty_list.pk}", dry_run=dry_run):
        officials = list(selectors.unit_officials(duty_list.unit_id))
        existing = set(duty_list.tasks.values_list("task", flat=True))
        own_unit = duty_list.unit.name
        own_spellings = set(tabular.name_spellings(own_unit))
        for row in rows:
            values = row.values
            task = values.get("task", "").strip()
            due_on = parse_day(values.get("due_on", ""))
            owner_text = values.get("owner", "").strip()
            owner = _owner(owner_text, officials) if owner_text else None
            unit_text = values.get("unit", "").strip()
            checks = [
                (
                    bool(unit_text) and not own_spellings & set(tabular.name_spellings(unit_text)),
                    "unit",
                    _(
                        "This row is a task of %(unit)s; this list is %(own)s's. Import each unit's rows "
                        "into its own list."
                    ) % {"unit": unit_text, "own": own_unit},
                ),
                (not task, "task", _("Required.")),
                (due_on is None, "due_on", _("Give a date as YYYY-MM-DD.")),
                (
                    bool(owner_text) and owner is None,
                    "owner",
                    _("No official in office of this unit by this name (name, or name（position）)."),
                ),
            ]
            bad = [(field, message) for failed, field, message in checks if failed]
            for field, message in bad:
                _reject(report, row.number, field, message)
            if bad:
                continue
            if task in existing:
                report.unchanged += 1
                continue
            try:
                with transaction.atomic():
                    services.task_add(
                        duty_list=duty_list,
                        task=task,
                        measures=values.get("measures", ""),
                        owner=owner,
                        due_on=due_on,
                        actor=actor,
                    )
            except ServiceError as error:
                if error.status == 403 or error.field == "status":
                    raise  # not a row's fault: the list is not the user's, or no longer a draft
                _reject(report, row.number, error.field if error.field in HEADERS else "task", error.text())
                continue
            existing.add(task)
            report.imported += 1
    return report
