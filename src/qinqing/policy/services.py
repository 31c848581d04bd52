"""Writes to the policy library (article 4): import a policy text as a new version of its series (the
district's measures, or a national, provincial, municipal or other district document, several current at
once), from .txt or .docx; supporting measures (配套措施) tracked to completion; publicity and integrity-
education activities (article 19), planned ahead, reminded, then recorded as held or cancelled."""

from __future__ import annotations

import datetime
import io

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from qinqing.core import audit, clock, limits, workflow
from qinqing.core.errors import PermissionDeniedError, ServiceError
from qinqing.core.roles import Role, has_role
from qinqing.core.workflow import ActorRule, Change, Transition, Workflow

from .access import EDUCATION_ROLES, MEASURE_ROLES
from .models import (
    DISTRICT_SERIES,
    ActivityKind,
    Article,
    Chapter,
    EducationActivity,
    Item,
    Level,
    MeasureStatus,
    PlannedActivity,
    PlanStatus,
    PolicyDocument,
    SupportingMeasure,
)
from .parser import content_hash, parse_policy


def policy_import(
    *,
    raw_text: str,
    source_name: str,
    actor,
    series: str | None = DISTRICT_SERIES,
    level: str = Level.DISTRICT,
    issuing_body: str = "",
    document_number: str = "",
    issued_on: datetime.date | None = None,
    valid_from: datetime.date | None = None,
    valid_until: datetime.date | None = None,
) -> tuple[PolicyDocument, bool]:
    """Parse ``raw_text`` and store it as the new current version of its series.

    The same content (by ``content_hash``) is never stored twice: re-importing it returns
    the existing document and ``created=False`` and writes nothing. A different text
    becomes version N+1 of its series and current; earlier versions are kept, no longer current.
    The district's own measures are the series ``DISTRICT_SERIES`` (the default); any other
    document (``series=None``: named after its level and title) is current next to it.
    """
    if level not in Level.values:
        raise ServiceError(
            _("Choose the level: national, provincial, municipal or district."),
            code="invalid_choice",
            field="level",
        )
    issuing_body = limits.check_text(
        issuing_body, field="issuing_body", label=_("Issuing body"), limit=limits.PLACE
    )
    document_number = limits.check_text(
        document_number, field="document_number", label=_("Document number"), limit=limits.NAME
    )
    limits.past_date(issued_on, field="issued_on", label=_("Issued on"), years=80)
    if valid_from and valid_until and valid_until < valid_from:
        raise ServiceError(
            _("The end of validity must not be before its start."),
            code="date_out_of_range",
            field="valid_until",
        )
    digest = content_hash(raw_text)
    existing = PolicyDocument.objects.filter(content_hash=digest).first()
    if existing is not None:
        return existing, False
    parsed = parse_policy(raw_text)
    if not parsed.articles:
        raise ServiceError(
            _(
                "No article (第X条) was found in %(source)s: the text is not a policy or its "
                "headings are missing."
            ),
            code="policy_no_articles",
            field="raw_text",
            params={"source": source_name},
        )
    if not parsed.title.strip():
        # Untitled, it would be named "" and every untitled text of its level one series: each new one
        # superseding the last.
        raise ServiceError(
            _("%(source)s has no title: put the document's title on its first line, before its first "
              "chapter or article."),
            code="policy_no_title",
            field="raw_text",
            params={"source": source_name},
        )
    if series is None:
        series = f"{level}:{parsed.title[:100]}"
    with transaction.atomic():
        # Lock the current version so two imports cannot both become current.
        previous = PolicyDocument.objects.select_for_update().filter(is_current=True, series=series).first()
        existing = PolicyDocument.objects.filter(content_hash=digest).first()
        if existing is not None:
            return existing, False
        if previous is not None:
            before = audit.snapshot(previous)
            previous.is_current = False
            previous.save(update_fields=["is_current"])
            audit.record_event(
                actor=actor, action="policy.policydocument.supersede", instance=previous, before=before
            )
        version = (
            PolicyDocument.objects.filter(series=series).aggregate(highest=Max("version"))["highest"] or 0
        ) + 1
        document = PolicyDocument.objects.create(
            title=parsed.title[:300],
            series=series,
            level=level,
            issuing_body=issuing_body,
            document_number=document_number,
            issued_on=issued_on,
            valid_from=valid_from,
            valid_until=valid_until,
            version=version,
            content_hash=digest,
            source_name=source_name[:300],
            preamble=parsed.preamble,
            raw_text=raw_text,
            imported_at=clock.now(),
            is_current=True,
        )
        audit.record_event(
            actor=actor,
            action="policy.policydocument.import",
            instance=document,
            details={"warnings": parsed.warnings},
        )
        chapters = Chapter.objects.bulk_create(
            [
                Chapter(document=document, number=chapter.number, title=chapter.title[:300])
                for chapter in parsed.chapters
            ]
        )
        articles = Article.objects.bulk_create(
            [
                Article(
                    document=document,
                    chapter=chapter_row,
                    number=article.number,
                    key=article.key,
                    text=article.text,
                )
                for chapter_row, chapter in zip(chapters, parsed.chapters, strict=True)
                for article in chapter.articles
            ]
        )
        items = Item.objects.bulk_create(
            [
                Item(
                    article=article_row,
                    number=item.number,
                    list_number=item.list_number,
                    key=item.key,
                    text=item.text,
                )
                for article_row, article in zip(articles, parsed.articles, strict=True)
                for item in article.items
            ]
        )
        from . import search_index

        search_index.index_document(document)  # the full-text index, in the same transaction
        for model, rows in ((Chapter, chapters), (Article, articles), (Item, items)):
            audit.record_bulk_events(
                actor=actor,
                action=f"policy.{model._meta.model_name}.import",
                model=model,
                pks=[row.pk for row in rows],
                details={"document_version": version},
            )
    return document, True


def text_from_file(name: str, data: bytes) -> str:
    """The text of an uploaded or given file: UTF-8 .txt, or the paragraphs of a .docx (python-docx); the
    same parser reads both."""
    lower = name.lower()
    if lower.endswith(".docx"):
        import docx

        from qinqing.core.attachments import MAX_UNZIPPED, unzipped_size

        try:
            too_large = unzipped_size(data) > MAX_UNZIPPED
            document = None if too_large else docx.Document(io.BytesIO(data))
        except Exception as error:  # noqa: BLE001 (python-docx raises several kinds for a broken file)
            raise ServiceError(
                _("%(name)s is not a readable .docx file."),
                code="invalid_file",
                field="file",
                params={"name": name[:80]},
            ) from error
        if document is None:
            raise ServiceError(
                _("%(name)s unpacks to more than %(limit)s MB."),
                code="invalid_file",
                field="file",
                params={"name": name[:80], "limit": MAX_UNZIPPED // 2**20},
            )
        lines = [paragraph.text for paragraph in document.paragraphs]
        for table in document.tables:
            for row in table.rows:
                lines.append(" ".join(cell.text for cell in row.cells))
        return "\n".join(lines)
    if lower.endswith(".txt"):
        # UTF-8, or GB18030 (a superset of GBK) as Chinese Windows saves text: as every other import reads it
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            if "\x00" in text:  # PostgreSQL's text holds no NUL (it answered 500); not a text file
                raise ServiceError(
                    _("%(name)s holds NUL characters: it is not a text file."),
                    code="invalid_file",
                    field="file",
                    params={"name": name[:80]},
                )
            return text
        raise ServiceError(
            _("%(name)s is neither UTF-8 nor GB18030/GBK text."),
            code="invalid_file",
            field="file",
            params={"name": name[:80]},
        )
    raise ServiceError(_("Import a .txt or .docx file."), code="invalid_file", field="file")


# --- supporting measures (配套措施) -----------------------------------------------------------------------
def _is_editor(actor, _obj=None) -> bool:
    return bool(getattr(actor, "is_superuser", False) or has_role(actor, *MEASURE_ROLES))


EDITOR = "editor"
MEASURE_WORKFLOW = Workflow(
    name="policy.measure",
    model=SupportingMeasure,
    actors={
        EDITOR: ActorRule(
            _is_editor,
            roles=MEASURE_ROLES,
            label=_("Policy office"),
        )
    },
    transitions={
        "start": Transition((MeasureStatus.PLANNED,), MeasureStatus.IN_PROGRESS, (EDITOR,), "4"),
        "complete": Transition(
            (MeasureStatus.PLANNED, MeasureStatus.IN_PROGRESS),
            MeasureStatus.DONE,
            (EDITOR,),
            "4",
            requires={"result": _("Result")},
        ),
    },
)


def measure_create(
    *, document, title: str, due_on, actor, unit=None, article_keys: str = ""
) -> SupportingMeasure:
    if not _is_editor(actor):
        raise PermissionDeniedError()
    title = limits.check_text(title, field="title", label=_("Measure"), limit=limits.PLACE)
    if not title:
        raise ServiceError(
            _("%(field)s is required."), code="required", field="title", params={"field": _("Measure")}
        )
    if due_on is None:
        raise ServiceError(
            _("%(field)s is required."), code="required", field="due_on", params={"field": _("Due on")}
        )
    today = clock.today()
    limits.check_date(
        due_on,
        field="due_on",
        label=_("Due on"),
        not_before=today - limits.YEAR,
        not_after=today + 5 * limits.YEAR,
    )
    keys = " ".join(
        limits.check_text(article_keys, field="article_keys", label=_("Articles"), limit=limits.PLACE)
        .replace("，", " ")
        .replace(",", " ")
        .split()
    )
    with transaction.atomic():
        measure = SupportingMeasure.objects.create(
            document=document,
            title=title,
            unit=unit,
            due_on=due_on,
            article_keys=keys,
            created_at=clock.now(),
        )
        audit.record_event(
            actor=actor, action="policy.measure.create", instance=measure, details={"article": "4"}
        )
    return measure


def measure_start(*, measure, actor) -> SupportingMeasure:
    return workflow.transition(MEASURE_WORKFLOW, measure, "start", actor=actor)


def measure_complete(*, measure, result: str, actor, completed_on=None) -> SupportingMeasure:
    result = limits.check_text(result, field="result", label=_("Result"), limit=limits.REASON)
    completed_on = limits.past_date(
        completed_on or clock.today(), field="completed_on", label=_("Completed on")
    )

    def apply(locked):
        locked.result, locked.completed_on = result, completed_on
        return Change(fields=["result", "completed_on"])

    return workflow.transition(
        MEASURE_WORKFLOW, measure, "complete", actor=actor, apply=apply, data={"result": result}
    )


# --- publicity and integrity education (article 19) ------------------------------------------------------
def _activity_values(*, kind: str, title: str, audience: str, actor, enterprise, content=None) -> dict:
    """The checks an activity and a plan share: the kind, the texts, and that an enterprise account writes
    its own enterprise's integrity-culture work only."""
    if kind not in ActivityKind.values:
        raise ServiceError(_("Choose the kind of activity."), code="invalid_choice", field="kind")
    values = {}
    texts = [("title", title, _("Title"), limits.PLACE), ("audience", audience, _("Audience"), limits.PLACE)]
    if content is not None:
        texts.append(("content", content, _("Content"), limits.REPORT))
    for name, value, label, limit in texts:
        values[name] = limits.check_text(value, field=name, label=label, limit=limit)
        if not values[name]:
            raise ServiceError(
                _("%(field)s is required."), code="required", field=name, params={"field": label}
            )
    from .selectors import own_enterprise_ids

    own = own_enterprise_ids(actor)
    if own is not None and (
        kind != ActivityKind.ENTERPRISE_CULTURE or enterprise is None or enterprise.pk not in own
    ):
        # an enterprise account records its own enterprise's integrity-culture work, nothing else
        raise PermissionDeniedError(
            _("An enterprise account records its own enterprise's integrity-culture work only."),
            field="enterprise",
        )
    if kind == ActivityKind.ENTERPRISE_CULTURE and enterprise is None:
        raise ServiceError(
            _("Name the enterprise whose integrity-culture work this is."),
            code="required",
            field="enterprise",
        )
    return values


def activity_record(
    *,
    kind: str,
    held_on,
    title: str,
    audience: str,
    content: str,
    attendance,
    actor,
    unit=None,
    enterprise=None,
    plan: PlannedActivity | None = None,
) -> EducationActivity:
    """A publicity or integrity-education activity, or an enterprise's own integrity-culture work (which
    names the enterprise). Recorded from a ``plan``, the plan is marked held and linked to it, in the same
    transaction."""
    if held_on is None:
        raise ServiceError(
            _("%(field)s is required."), code="required", field="held_on", params={"field": _("Date")}
        )
    limits.past_date(held_on, field="held_on", label=_("Date"))
    values = _activity_values(
        kind=kind, title=title, audience=audience, content=content, actor=actor, enterprise=enterprise
    )
    if not isinstance(attendance, int) or not 0 <= attendance <= 100000:
        raise ServiceError(
            _("Attendance must be a number between 0 and 100,000."), code="out_of_range", field="attendance"
        )
    with transaction.atomic():
        row = EducationActivity.objects.create(
            kind=kind,
            held_on=held_on,
            attendance=attendance,
            unit=unit,
            enterprise=enterprise,
            recorded_by=actor,
            created_at=clock.now(),
            **values,
        )
        audit.record_event(
            actor=actor, action="policy.educationactivity.record", instance=row, details={"article": "19"}
        )
        if plan is not None:

            def apply(locked):
                locked.activity = row
                return Change(fields=["activity"], details={"activity": row.pk})

            workflow.transition(PLAN_WORKFLOW, plan, "hold", actor=actor, apply=apply)
    return row


# The plan: an activity planned ahead, reminded before its date (policy.jobs), then held or cancelled.
PLANNER = "planner"
PLAN_ROLES = (*EDUCATION_ROLES, Role.ENTERPRISE_USER)


def _may_plan(actor, plan=None) -> bool:
    """The education staff act on every plan; an enterprise account on its own enterprise's plans."""
    from .selectors import own_enterprise_ids

    own = own_enterprise_ids(actor)
    return own is None or (plan is not None and plan.enterprise_id in own)


PLAN_WORKFLOW = Workflow(
    name="policy.education_plan",
    model=PlannedActivity,
    actors={PLANNER: ActorRule(_may_plan, roles=PLAN_ROLES, label=_("Organiser"))},
    transitions={
        "hold": Transition((PlanStatus.PLANNED,), PlanStatus.HELD, (PLANNER,), "19"),
        "cancel": Transition(
            (PlanStatus.PLANNED,),
            PlanStatus.CANCELLED,
            (PLANNER,),
            "19",
            requires={"reason": _("Why cancelled")},
        ),
    },
)


def activity_plan(
    *, kind: str, planned_on, title: str, audience: str, actor, unit=None, enterprise=None
) -> PlannedActivity:
    """Plan an activity ahead (article 19): on a day from today to two years on."""
    if not (has_role(actor, *PLAN_ROLES) or getattr(actor, "is_superuser", False)):
        raise PermissionDeniedError()
    if planned_on is None:
        raise ServiceError(
            _("%(field)s is required."),
            code="required",
            field="planned_on",
            params={"field": _("Planned for")},
        )
    today = clock.today()
    limits.check_date(
        planned_on,
        field="planned_on",
        label=_("Planned for"),
        not_before=today,
        not_after=today + 2 * limits.YEAR,
    )
    values = _activity_values(kind=kind, title=title, audience=audience, actor=actor, enterprise=enterprise)
    with transaction.atomic():
        plan = PlannedActivity.objects.create(
            kind=kind,
            planned_on=planned_on,
            unit=unit,
            enterprise=enterprise,
            planned_by=actor,
            created_at=clock.now(),
            **values,
        )
        audit.record_event(
            actor=actor, action="policy.plannedactivity.plan", instance=plan, details={"article": "19"}
        )
    return plan


def plan_cancel(*, plan: PlannedActivity, reason: str, actor) -> PlannedActivity:
    reason = limits.check_text(reason, field="reason", label=_("Why cancelled"), limit=limits.REASON)

    def apply(locked):
        locked.cancel_reason = reason
        return Change(fields=["cancel_reason"])

    return workflow.transition(
        PLAN_WORKFLOW, plan, "cancel", actor=actor, apply=apply, data={"reason": reason}
    )
