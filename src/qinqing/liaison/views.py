"""Liaison pages: thin (parse, call a service or selector, render). Access is declared in access.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from qinqing.core import access, clock, excel, workflow
from qinqing.core.errors import NotFound, ServiceError, found_or_404
from qinqing.core.forms import bind_error, posted
from qinqing.core.paging import page_of

from . import forms, selectors, services
from .models import FollowUp, LeaderEnterprise, Outcome, Scope


# --- leaders and key enterprises ---------------------------------------------------------------------
def coverage(request):
    return render(
        request, "liaison/coverage.html", {**selectors.coverage(), "leader_form": forms.LeaderAddForm()}
    )


@require_POST
def leader_add(request):
    form = forms.LeaderAddForm(request.POST)
    if form.is_valid():
        try:
            leader = services.leader_add(official=form.cleaned_data["official"], actor=request.user)
        except ServiceError as error:
            bind_error(form, error)
        else:
            messages.success(request, _("Added to the roster."))
            return redirect("liaison:leader_detail", pk=leader.pk)
    return render(request, "liaison/coverage.html", {**selectors.coverage(), "leader_form": form}, status=400)


def _leader_page(request, leader, *, status=200, **context):
    context.setdefault("link_form", forms.LinkAddForm())
    context.setdefault("list_form", forms.ListCreateForm())
    context.setdefault("scopes", Scope.choices)
    return render(request, "liaison/leader.html", {"leader": leader, **context}, status=status)


@found_or_404
def leader_detail(request, pk: int):
    return _leader_page(request, selectors.leader(pk))


@require_POST
@found_or_404
def link_add(request, pk: int):
    leader = selectors.leader(pk)
    form = forms.LinkAddForm(request.POST)
    if form.is_valid():
        try:
            services.link_add(
                leader=leader,
                enterprise=form.cleaned_data["enterprise"],
                started_on=form.cleaned_data["started_on"],
                actor=request.user,
            )
        except ServiceError as error:
            bind_error(form, error)
        else:
            messages.success(request, _("Linked."))
            return redirect("liaison:leader_detail", pk=leader.pk)
    return _leader_page(request, leader, link_form=form, status=400)


@require_POST
@found_or_404
def link_end(request, pk: int):
    link = LeaderEnterprise.objects.filter(pk=pk).first()
    if link is None:
        raise NotFound()
    services.link_end(link=link, actor=request.user)
    messages.success(request, _("The link has ended."))
    return redirect("liaison:leader_detail", pk=link.leader_id)


@require_POST
@found_or_404
def list_create(request, pk: int):
    leader = selectors.leader(pk)
    form = forms.ListCreateForm(request.POST)
    if form.is_valid():
        try:
            services.list_create(leader=leader, actor=request.user, **form.cleaned_data)
        except ServiceError as error:
            bind_error(form, error)
        else:
            messages.success(request, _("Responsibility list saved as a draft."))
            return redirect("liaison:leader_detail", pk=leader.pk)
    return _leader_page(request, leader, list_form=form, status=400)


@require_POST
@found_or_404
def list_act(request, pk: int):
    row = selectors.responsibility_list(pk)
    try:
        if request.POST.get("action") == "withdraw":
            services.list_withdraw(responsibility_list=row, actor=request.user)
            messages.success(request, _("Withdrawn."))
        else:
            services.list_publish(
                responsibility_list=row, scope=request.POST.get("scope", ""), actor=request.user
            )
            messages.success(request, _("Published."))
    except ServiceError as error:
        return _leader_page(request, selectors.leader(row.leader_id), error=error, status=error.status)
    return redirect("liaison:leader_detail", pk=row.leader_id)


@login_not_required
def lists_public(request):
    return render(request, "liaison/lists_public.html", {"lists": selectors.published_lists(request.user)})


@login_not_required
@found_or_404
def list_public(request, pk: int):
    return render(request, "liaison/list_public.html", {"row": selectors.published_list(request.user, pk)})


# --- meetings --------------------------------------------------------------------------------------------
def meetings(request):
    form = forms.MeetingForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.meeting_schedule(
                kind=data["kind"],
                title=data["title"],
                scheduled_on=data["scheduled_on"],
                place=data["place"],
                leader=data["leader"],
                participants=data["participants"],
                enterprises=list(data["enterprises"]),
                associations=list(data["associations"]),
                actor=request.user,
            )
        except ServiceError as error:
            bind_error(form, error)
        else:
            messages.success(request, _("Meeting scheduled."))
            return redirect("liaison:meeting_detail", pk=meeting.pk)
    return render(
        request,
        "liaison/meetings.html",
        {"meetings": page_of(request, selectors.meetings()), "form": form},
        status=400 if form.errors else 200,
    )


def _meeting_page(request, meeting, *, status=200, **context):
    context.setdefault("hold_form", forms.HoldForm())
    context.setdefault("problem_form", forms.ProblemForm(meeting=meeting))
    context.setdefault("follow_up_form", forms.FollowUpForm())
    return render(
        request,
        "liaison/meeting.html",
        {
            "meeting": meeting,
            "actions": workflow.allowed_actions(services.MEETING_WORKFLOW, request.user, meeting),
            "sees_appeals": access.sees_all(request.user, "appeals:detail"),
            **context,
        },
        status=status,
    )


@found_or_404
def meeting_detail(request, pk: int):
    return _meeting_page(request, selectors.meeting(pk))


@require_POST
@found_or_404
def meeting_act(request, pk: int):
    meeting = selectors.meeting(pk)
    action = request.POST.get("action", "")
    form = forms.HoldForm(request.POST) if action == "hold" else None
    try:
        if action == "hold":
            if not form.is_valid():
                return _meeting_page(request, meeting, hold_form=form, status=400)
            services.meeting_hold(
                meeting=meeting,
                minutes=form.cleaned_data["minutes"],
                held_on=form.cleaned_data["held_on"],
                actor=request.user,
            )
        elif action == "cancel":
            services.meeting_cancel(
                meeting=meeting, reason=request.POST.get("reason", ""), actor=request.user
            )
        else:
            raise ServiceError(_("Unknown action."), code="invalid_choice", field="action")
    except ServiceError as error:
        if form is not None:
            bind_error(form, error)
            return _meeting_page(request, meeting, hold_form=form, error=error, status=error.status)
        return _meeting_page(request, meeting, error=error, status=error.status)
    messages.success(request, _("Saved."))
    return redirect("liaison:meeting_detail", pk=meeting.pk)


@require_POST
@found_or_404
def problem_raise(request, pk: int):
    meeting = selectors.meeting(pk)
    form = forms.ProblemForm(request.POST, meeting=meeting)
    if form.is_valid():
        try:
            problem = services.problem_raise(meeting=meeting, actor=request.user, **form.cleaned_data)
        except ServiceError as error:
            bind_error(form, error)
            return _meeting_page(request, meeting, problem_form=form, status=error.status)
        messages.success(
            request, _("Filed as appeal %(number)s.") % {"number": problem.appeal.tracking_number}
        )
        return redirect("liaison:meeting_detail", pk=meeting.pk)
    return _meeting_page(request, meeting, problem_form=form, status=400)


@require_POST
@found_or_404
def follow_up_add(request, pk: int):
    meeting = selectors.meeting(pk)
    form = forms.FollowUpForm(request.POST)
    if form.is_valid():
        try:
            services.follow_up_add(meeting=meeting, actor=request.user, **form.cleaned_data)
        except ServiceError as error:
            bind_error(form, error)
            return _meeting_page(request, meeting, follow_up_form=form, status=error.status)
        messages.success(request, _("Follow-up added."))
        return redirect("liaison:meeting_detail", pk=meeting.pk)
    return _meeting_page(request, meeting, follow_up_form=form, status=400)


@require_POST
@found_or_404
def follow_up_done(request, pk: int):
    row = FollowUp.objects.filter(pk=pk).first()
    if row is None:
        raise NotFound()
    try:
        services.follow_up_done(follow_up=row, result=request.POST.get("result", ""), actor=request.user)
    except ServiceError as error:
        return _meeting_page(request, selectors.meeting(row.meeting_id), error=error, status=error.status)
    messages.success(request, _("Follow-up done."))
    return redirect("liaison:meeting_detail", pk=row.meeting_id)


# --- decisions -------------------------------------------------------------------------------------------
def decisions(request):
    form = forms.DecisionForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            decision = services.decision_register(actor=request.user, **form.cleaned_data)
        except ServiceError as error:
            bind_error(form, error)
        else:
            messages.success(request, _("Decision registered: now consult on it (article 9)."))
            return redirect("liaison:decision_detail", pk=decision.pk)
    return render(
        request,
        "liaison/decisions.html",
        {"decisions": page_of(request, selectors.decisions()), "form": form},
        status=400 if form.errors else 200,
    )


def _decision_page(request, decision, *, status=200, **context):
    context.setdefault("consultation_form", forms.ConsultationAddForm())
    context.setdefault("outcomes", [c for c in Outcome.choices if c[0] != Outcome.PENDING])
    return render(
        request,
        "liaison/decision.html",
        {
            "decision": decision,
            "actions": workflow.allowed_actions(services.DECISION_WORKFLOW, request.user, decision),
            **context,
        },
        status=status,
    )


@found_or_404
def decision_detail(request, pk: int):
    return _decision_page(request, selectors.decision(pk))


@require_POST
@found_or_404
def decision_act(request, pk: int):
    decision = selectors.decision(pk)
    action = request.POST.get("action", "")
    form = None
    try:
        if action == "consult":
            form = forms.ConsultationAddForm(request.POST)
            if not form.is_valid():
                return _decision_page(request, decision, consultation_form=form, status=400)
            data = form.cleaned_data
            services.consultation_add(
                decision=decision,
                form=data["form"],
                held_on=data["held_on"],
                place=data["place"],
                invite_federation=data["invite_federation"],
                associations=list(data["associations"]),
                enterprises=list(data["enterprises"]),
                actor=request.user,
            )
        elif action == "complete":
            found = decision.consultations.filter(pk=request.POST.get("consultation") or 0).first()
            if found is None:
                raise NotFound()
            services.consultation_complete(
                consultation=found, conclusion=request.POST.get("conclusion", ""), actor=request.user
            )
        elif action == "adopt":
            services.decision_adopt(decision=decision, actor=request.user)
        elif action == "withdraw":
            services.decision_withdraw(
                decision=decision, reason=request.POST.get("reason", ""), actor=request.user
            )
        elif action == "feedback":
            services.feedback_publish(
                decision=decision, feedback=request.POST.get("feedback", ""), actor=request.user
            )
        else:
            raise ServiceError(_("Unknown action."), code="invalid_choice", field="action")
    except NotFound:
        raise
    except ServiceError as error:
        extra = {"consultation_form": form} if form is not None else {}
        if form is not None:
            bind_error(form, error)
        return _decision_page(request, selectors.decision(pk), error=error, status=error.status, **extra)
    messages.success(request, _("Saved."))
    return redirect("liaison:decision_detail", pk=decision.pk)


@require_POST
@found_or_404
def opinion_answer(request, pk: int):
    row = selectors.opinion(pk)
    decision_pk = row.consultation.decision_id
    try:
        services.opinion_answer(
            opinion=row,
            outcome=request.POST.get("outcome", ""),
            response=request.POST.get("response", ""),
            actor=request.user,
        )
    except ServiceError as error:
        return _decision_page(request, selectors.decision(decision_pk), error=error, status=error.status)
    messages.success(request, _("Answer recorded."))
    return redirect("liaison:decision_detail", pk=decision_pk)


@found_or_404
def opinion_letter(request, pk: int):
    """The answer to an opinion as a printable reply letter: the party that gave it and the liaison office;
    404 while unanswered and for another party's."""
    from qinqing.core.letters import pdf_response

    from . import letters

    row = selectors.answered_opinion(request.user, pk)
    pdf = letters.render_pdf(row, base_url=request.build_absolute_uri("/"))
    return pdf_response(pdf, letters.filename(row))


# --- the federation's and enterprises' side --------------------------------------------------------------
def invitations(request):
    return render(
        request, "liaison/invitations.html", {"consultations": selectors.invitations_for(request.user)}
    )


@found_or_404
def invitation(request, pk: int):
    consultation = selectors.invitation(request.user, pk)
    form = forms.OpinionForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.opinion_submit(
                consultation=consultation, text=form.cleaned_data["text"], actor=request.user
            )
        except ServiceError as error:
            bind_error(form, error)
        else:
            messages.success(request, _("Your opinion was received."))
            return redirect("liaison:invitation", pk=consultation.pk)
    return render(
        request,
        "liaison/invitation.html",
        {
            "consultation": consultation,
            "decision": consultation.decision,
            "opinions": selectors.opinions_of(request.user, consultation),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@login_not_required
def feedback_public(request):
    return render(request, "liaison/feedback_public.html", {"decisions": selectors.published_feedback()})


def my_meetings(request):
    """The visits, roundtables and communication meetings the enterprise was invited to (article 7)."""
    meetings = page_of(request, selectors.meetings_invited(request.user))
    return render(request, "liaison/my_meetings.html", {"meetings": meetings})


def communication(request):
    """The regular communication meetings and their follow-ups, read by the federation taking part."""
    return render(
        request,
        "liaison/communication.html",
        {"meetings": page_of(request, selectors.communication_meetings(request.user))},
    )


def _frequency_year(request, today) -> tuple[int, ServiceError | None]:
    """The year the frequency page (and its ledger) shows: this year, or one of the five before it."""
    raw = request.GET.get("year", "")
    if not raw:
        return today.year, None
    if raw.isdigit() and today.year - 5 <= int(raw) <= today.year:
        return int(raw), None
    return today.year, ServiceError(
        _("The year must be between %(low)d and %(high)d."),
        code="out_of_range",
        field="year",
        params={"low": today.year - 5, "high": today.year},
    )


def frequency(request):
    """Each leader's visits against the frequency their responsibility list promises (article 7)."""
    today = clock.today()
    year, error = _frequency_year(request, today)
    status = 400 if error else 200
    rows = selectors.visit_frequency(year, today)
    return render(
        request,
        "liaison/frequency.html",
        {
            "rows": rows,
            "year": year,
            "years": range(today.year, today.year - 6, -1),
            "flagged": sum(1 for row in rows if row.flagged),
            "error": error,
        },
        status=status,
    )


def reminders(request):
    """The reminders the daily job wrote for the signed-in person (articles 7 and 9)."""
    reminders = page_of(request, selectors.reminders_for(request.user))
    return render(request, "liaison/reminders.html", {"reminders": reminders})


def associations(request):
    """The federation and chambers as directory records (article 9), and the accounts acting for each: a
    record is invited to consultations and communication meetings, its accounts give its opinions."""
    from qinqing.directory import services as directory_services
    from qinqing.directory.models import Association

    form = forms.AssociationForm(request.POST if request.POST.get("action") == "add" else None)
    member_form = forms.AssociationMemberForm(
        request.POST if request.POST.get("action") == "member" else None
    )
    status = 200
    if request.method == "POST":
        bound = form if form.is_bound else member_form
        if bound.is_valid():
            data = bound.cleaned_data
            try:
                if bound is form:
                    directory_services.association_create(
                        name=data["name"], kind=data["kind"], uscc=data["uscc"], actor=request.user
                    )
                else:
                    directory_services.association_member_add(
                        user=data["user"], association=data["association"], actor=request.user
                    )
            except ServiceError as error:
                bind_error(bound, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("liaison:associations")
        status = 400
    rows = Association.objects.prefetch_related("memberships__user").order_by("kind", "name")
    return render(
        request,
        "liaison/associations.html",
        {"rows": rows, "form": form, "member_form": member_form},
        status=status,
    )


# --- the ledgers (台账): the rows each list shows, every page (core.excel.ledger_response) ---------------
MEETING_HEADERS = [
    gettext_lazy("Date"),
    gettext_lazy("Kind"),
    gettext_lazy("Title"),
    gettext_lazy("Place"),
    gettext_lazy("Leader"),
    gettext_lazy("Status"),
    pgettext_lazy("ledger column", "Held on"),
    gettext_lazy("Taking part"),
    gettext_lazy("Problems raised"),
]


def meetings_xlsx(request):
    """The visits, roundtables and communication meetings the meetings page lists (走访与恳谈会台账)."""
    rows = (
        [
            m.scheduled_on, m.get_kind_display(), m.title, m.place,
            m.leader.official.person.name if m.leader else "", m.get_status_display(), m.held_on,
            m.participants, m.problem_count,
        ]
        for m in excel.each(selectors.meetings())
    )
    return excel.ledger_response(gettext_lazy("Visits and roundtables"), MEETING_HEADERS, rows)


FREQUENCY_HEADERS = [
    gettext_lazy("Leader"),
    gettext_lazy("Unit"),
    gettext_lazy("Year"),
    pgettext_lazy("ledger column", "Visits promised per period"),
    pgettext_lazy("ledger column", "Period"),
    gettext_lazy("Due in the periods ended"),
    gettext_lazy("Held in the periods ended"),
    pgettext_lazy("ledger column", "Visits missing"),
    pgettext_lazy("ledger column", "Periods short"),
    pgettext_lazy("ledger column", "Held in the current period"),
    pgettext_lazy("ledger column", "Due in the current period"),
    pgettext_lazy("ledger column", "Current period ends"),
    gettext_lazy("Held this year"),
    gettext_lazy("Flags"),
]


def frequency_xlsx(request):
    """Each leader's visits against the promised frequency for the page's year (走访频次台账)."""
    today = clock.today()
    year, error = _frequency_year(request, today)
    if error:
        return frequency(request)  # the page names the field (400)

    def rows():
        for row in selectors.visit_frequency(year, today):
            person, unit = row.leader.official.person.name, row.leader.official.unit.name
            if row.promise is None:
                yield [person, unit, year, None, "", None, None, None, None, None, None, None, None,
                       _("No published responsibility list promising visits this year.")]
                continue
            current = row.current
            yield [
                person, unit, year, row.promise.visits_per_period, row.promise.get_visit_period_display(),
                row.due_so_far, row.made_so_far, row.shortfall, row.periods_short,
                current.made if current else None, current.required if current else None,
                current.end if current else None, row.made_in_year,
                _("Visits missing") if row.shortfall else "",
            ]

    title = format_lazy("{}（{}）", gettext_lazy("Visit frequency"), year)
    return excel.ledger_response(
        title, FREQUENCY_HEADERS, rows(), sheet_title=gettext_lazy("Visit frequency")
    )


FOLLOW_UP_HEADERS = [
    pgettext_lazy("ledger column", "Meeting date"),
    pgettext_lazy("ledger column", "Meeting"),
    gettext_lazy("Status"),
    gettext_lazy("Federation and chambers invited"),
    gettext_lazy("Task"),
    gettext_lazy("Responsible unit"),
    gettext_lazy("Due on"),
    gettext_lazy("Overdue"),
    pgettext_lazy("ledger column", "Done on"),
    pgettext_lazy("ledger column", "Result"),
]


def communication_xlsx(request):
    """The communication meetings the federation's page lists and their follow-up items, one row each (a
    meeting without follow-ups on a row of its own)."""

    def rows():
        for m in excel.each(selectors.communication_meetings(request.user)):
            invited = "、".join(i.association.name for i in m.association_invitations.all())
            head = [m.scheduled_on, m.title, m.get_status_display(), invited]
            follow_ups = list(m.follow_ups.all())
            for item in follow_ups:
                yield [*head, item.task, item.unit.name if item.unit else "", item.due_on,
                       excel.yes_no(item.overdue), item.done_on, item.result]
            if not follow_ups:
                yield [*head, *[None] * 6]

    return excel.ledger_response(
        gettext_lazy("Communication meetings and follow-ups"), FOLLOW_UP_HEADERS, rows(),
        sheet_title=gettext_lazy("Follow-ups"),
    )
