"""Main-responsibility pages (article 16): thin (parse, call a service or selector, render). Access is
declared in supervision/access.py."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qinqing.core import clock, excel, workflow
from qinqing.core.access import may_open
from qinqing.core.errors import NotFound, ServiceError, found_or_404
from qinqing.core.forms import (
    bind_error,
    filter_choice,
    form_status,
    imported,
    posted,
    refusal_of,
    refusal_placed,
)
from qinqing.core.imports import ImportQueued
from qinqing.core.paging import page_of
from qinqing.core.tabular import template_headers

from . import cadres, forms, importing, selectors, services
from .models import DutyStatus, Rating, TaskState


def index(request):
    """Every organ's list for the year (the discipline office's and district leaders' view), or the
    reader's own units'; a unit's staff draw up a new list here."""
    year_text, refusal = filter_choice(request, "year", [str(year) for year in selectors.years_shown()])
    year = int(year_text) if year_text else clock.today().year
    units = selectors.creatable_units(request.user, year)
    form = forms.CreateForm(posted(request), units=units, initial={"year": year})
    if form.is_bound and form.is_valid():
        try:
            row = services.duty_create(
                unit=form.cleaned_data["unit"], year=form.cleaned_data["year"], actor=request.user
            )
        except ServiceError as error:
            bind_error(form, error)
        else:
            messages.success(
                request,
                _(
                    "List drawn up as a draft: add its tasks and name its first responsible "
                    "person, then file it."
                ),
            )
            return redirect("supervision:duty_detail", pk=row.pk)
    rows = selectors.coverage(request.user, year)
    return render(
        request,
        "supervision/duties/index.html",
        {
            "year": year,
            "years": selectors.years_shown(),
            "rows": rows,
            "missing": sum(1 for row in rows if row.duty is None or row.duty.status == DutyStatus.DRAFT),
            "form": form if units.exists() or form.is_bound else None,
            "notices": selectors.notices_for(request.user),
            "awaiting": selectors.awaiting_review(request.user),
            "file_by": services.file_by(year),
            "report_by": services.report_by(year),
            "refusal": refusal,
            "sees_all": selectors.sees_all(request.user),
        },
        status=refusal["status"] if refusal else form_status(form),
    )


def export(request):
    """The year's lists and their tasks as an .xlsx ledger (one row a task; an organ without a list, one
    row)."""
    year_text, refusal = filter_choice(request, "year", [str(year) for year in selectors.years_shown()])
    if refusal:
        return index(request)
    year = int(year_text) if year_text else clock.today().year
    rows = selectors.coverage(request.user, year)
    tasks = selectors.tasks_by_list(row.duty.pk for row in rows if row.duty)

    def lines():
        for row in rows:
            duty = row.duty
            head = [
                row.unit.name,
                year,
                duty.get_status_display() if duty else _("No list"),
                str(duty.first_responsible) if duty and duty.first_responsible else "",
                duty.get_rating_display() if duty and duty.rating else "",
            ]
            for task in tasks.get(duty.pk, []) if duty else []:
                yield [
                    *head,
                    task.task,
                    task.measures,
                    str(task.owner) if task.owner else "",
                    task.due_on,
                    task.get_state_display(),
                    task.performance,
                ]
            if not duty or not tasks.get(duty.pk):
                yield [*head, "", "", "", "", "", ""]

    headers = [
        _("Unit"),
        _("Year"),
        _("Status"),
        _("First responsible person"),
        _("Opinion"),
        _("Task"),
        _("Measures"),
        _("Responsible person"),
        _("Due"),
        _("State"),
        _("Performance"),
    ]
    return excel.xlsx_response(
        _("Main responsibility %(year)s") % {"year": year}, headers, lines(), sheet_title=str(year)
    )


def task_template(request):
    """The blank task list the import reads (空白模板): its columns, required ones marked *."""
    headers = template_headers(importing.COLUMNS, importing.REQUIRED)
    return excel.xlsx_response("duty-tasks-template.xlsx", headers, [], sheet_title=_("Tasks"))


def _detail(request, duty, *, refusal=None, status=200, **context):
    officials = selectors.unit_officials(duty.unit_id)
    context.setdefault("task_form", forms.TaskForm(officials=officials, year=duty.year))
    context.setdefault("import_form", forms.TaskImportForm())
    context.setdefault("import_columns", importing.COLUMNS)
    context.setdefault(
        "responsible_form",
        forms.ResponsibleForm(officials=officials, initial={"first_responsible": duty.first_responsible_id}),
    )
    tasks = selectors.tasks_of(duty)
    actions = workflow.allowed_actions(services.DUTY_WORKFLOW, request.user, duty)
    shown = {("progress", task.pk) for task in tasks} | {(action, None) for action in actions}
    return render(
        request,
        "supervision/duties/detail.html",
        {
            "duty": duty,
            "tasks": tasks,
            "actions": actions,
            "editable": services.is_unit_staff(request.user, duty.unit_id),
            "states": TaskState.choices,
            "ratings": Rating.choices,
            "today": clock.today(),
            "report_by": services.report_by(duty.year),
            "may_remind": may_open(request.user, "supervision:reminders"),
            "refusal": refusal_placed(refusal, shown),
            **context,
        },
        status=refusal["status"] if refusal else status,
    )


@found_or_404
def detail(request, pk: int):
    return _detail(request, selectors.duty_for(request.user, pk))


def _form_posted(request, pk: int, *, form_name: str, make_form, call, done):
    """A form of the list's page posted: the service called with its cleaned data, or the page again with the
    refusal on the form (4xx)."""
    duty = selectors.duty_for(request.user, pk)
    form = make_form(request.POST, officials=selectors.unit_officials(duty.unit_id), duty=duty)
    if form.is_valid():
        try:
            call(duty_list=duty, actor=request.user, **form.cleaned_data)
        except ServiceError as error:
            bind_error(form, error)
        else:
            messages.success(request, done)
            return redirect("supervision:duty_detail", pk=duty.pk)
    return _detail(request, duty, status=form_status(form), **{form_name: form})


@require_POST
@found_or_404
def responsible(request, pk: int):
    return _form_posted(
        request,
        pk,
        form_name="responsible_form",
        make_form=lambda data, officials, duty: forms.ResponsibleForm(data, officials=officials),
        call=services.duty_set_responsible,
        done=_("First responsible person recorded."),
    )


@require_POST
@found_or_404
def task_add(request, pk: int):
    return _form_posted(
        request,
        pk,
        form_name="task_form",
        make_form=lambda data, officials, duty: forms.TaskForm(data, officials=officials, year=duty.year),
        call=services.task_add,
        done=_("Task added."),
    )


@require_POST
@found_or_404
def task_import(request, pk: int):
    """A draft list's tasks from a spreadsheet: the page again with the import's report (rows added, rows left
    as they were, rows refused with their row number and column)."""
    duty = selectors.duty_for(request.user, pk)
    form = forms.TaskImportForm(request.POST, request.FILES)
    report = None
    if form.is_valid():
        report = imported(form, importing.import_tasks, duty_list=duty, actor=request.user, request=request,
                          without_updates=True)
        if isinstance(report, ImportQueued):  # a large file: imported by the worker, its status page
            return report
    status = form_status(form)
    return _detail(
        request, selectors.duty_for(request.user, pk), import_form=form, import_report=report, status=status
    )


@require_POST
@found_or_404
def task_progress(request, pk: int):
    task = selectors.task_for(request.user, pk)
    try:
        services.task_progress(
            task=task,
            state=request.POST.get("state", ""),
            performance=request.POST.get("performance", ""),
            actor=request.user,
        )
    except NotFound:
        raise
    except ServiceError as error:
        duty = selectors.duty_for(request.user, task.duty_list_id)
        return _detail(request, duty, refusal=refusal_of(request, "progress", error, row=task.pk))
    messages.success(request, _("Performance recorded."))
    return redirect("supervision:duty_detail", pk=task.duty_list_id)


# action -> (service, the posted fields it takes, what the page says when it is done)
ACTIONS = {
    "file": (services.duty_file, (), gettext_lazy("The list is filed with the discipline office.")),
    "report": (
        services.duty_report,
        ("report",),
        gettext_lazy("The year-end report is filed with the discipline office."),
    ),
    "review": (services.duty_review, ("rating", "opinion"), gettext_lazy("The opinion is recorded.")),
    "return": (
        services.duty_return,
        ("reason",),
        gettext_lazy("The report is returned; the unit's staff are told."),
    ),
}


@require_POST
@found_or_404
def act(request, pk: int, action: str):
    duty = selectors.duty_for(request.user, pk)
    if action not in ACTIONS:
        raise NotFound()
    call, fields, done = ACTIONS[action]
    try:
        call(duty_list=duty, actor=request.user, **{name: request.POST.get(name, "") for name in fields})
    except NotFound:
        raise
    except ServiceError as error:
        return _detail(
            request, selectors.duty_for(request.user, pk), refusal=refusal_of(request, action, error)
        )
    messages.success(request, str(done))
    return redirect("supervision:duty_detail", pk=duty.pk)


def key_minority(request):
    """The leading cadres' dealings with enterprises, most signals first (article 16: 突出“关键少数”)."""
    months_text, refusal = filter_choice(request, "months", [str(months) for months in cadres.PERIODS])
    months = int(months_text) if months_text else 12
    rows = page_of(request, cadres.key_minority(months))
    return render(
        request,
        "supervision/duties/key_minority.html",
        {
            "rows": rows,
            "months": months,
            "periods": cadres.PERIODS,
            "refusal": refusal,
            "year": clock.today().year,
        },
        status=refusal["status"] if refusal else 200,
    )
