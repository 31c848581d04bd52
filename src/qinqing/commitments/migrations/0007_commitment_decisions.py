"""A change approved and a breach determined are decisions of their own, numbered and dated, that the
enterprise is told of by letter (article 10). Commitments changed or breached before this table existed get
theirs from the audit trail (each approve_change and breach event, in the order they happened: the day, who
decided, the reason of the request before it, the approval and the deadline moved), numbered in that order;
the rows are then audited (the record check compares each row with its last event)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


SERIES = {
    "change": ("commitments.change_notice", "承诺变〔{period}〕{number:04d}号"),
    "breach": ("commitments.breach_notice", "承诺违〔{period}〕{number:04d}号"),
}


def _new(changes: dict, field: str, default):
    value = (changes or {}).get(field)
    return value[1] if isinstance(value, list | tuple) and len(value) == 2 else default


def _old(changes: dict, field: str):
    value = (changes or {}).get(field)
    return value[0] if isinstance(value, list | tuple) and len(value) == 2 else None


def _date(value):
    import datetime

    if isinstance(value, str) and value:
        try:
            return datetime.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def decisions_from_the_trail(apps, schema_editor):
    from django.utils import timezone

    from qinqing.core import audit

    commitment_model = apps.get_model("commitments", "Commitment")
    decision_model = apps.get_model("commitments", "CommitmentDecision")
    event_model = apps.get_model("core", "AuditEvent")
    counter_model = apps.get_model("core", "Counter")
    events = list(event_model.objects.filter(
        object_type="commitments.Commitment",
        action__in=("commitments.commitment.request_change", "commitments.commitment.approve_change",
                    "commitments.commitment.breach"),
    ).order_by("seq"))
    rows = commitment_model.objects.in_bulk({int(event.object_id) for event in events})
    if not rows:
        return
    reasons = {}
    for event in events:
        row = rows.get(int(event.object_id))
        if row is None:
            continue
        if event.action.endswith("request_change"):
            reasons[row.pk] = _new(event.changes, "change_reason", row.change_reason)
            continue
        kind = "change" if event.action.endswith("approve_change") else "breach"
        day = timezone.localdate(event.occurred_at)
        series, pattern = SERIES[kind]
        counter, _created = counter_model.objects.get_or_create(series=series, period=f"{day:%Y}")
        counter.last += 1
        counter.save(update_fields=["last"])
        values = {"outcome": row.outcome} if kind == "breach" else {
            "reason": reasons.get(row.pk, row.change_reason),
            "approval": _new(event.changes, "change_approval", row.change_approval)[:300],
            "deadline_before": _date(_old(event.changes, "deadline")),
            "deadline_after": _date(_new(event.changes, "deadline", None)),
        }
        decision_model.objects.create(
            commitment=row, kind=kind, number=pattern.format(period=f"{day:%Y}", number=counter.last),
            decided_on=day, decided_by_id=event.actor_user_id or row.created_by_id, **values,
        )
    audit.record_rows_again(
        decision_model, migration="commitments.0007",
        details={"article": "10", "reason": "a change approved or a breach determined is told by letter"},
    )


class Migration(migrations.Migration):

    dependencies = [
        ('commitments', '0006_fund_decision_number'),
        ("core", "0013_import_run"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='CommitmentDecision',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('change', 'Change approved'), ('breach', 'Breach determined')], max_length=16, verbose_name='decision')),
                ('number', models.CharField(max_length=40, unique=True, verbose_name='document number')),
                ('decided_on', models.DateField(verbose_name='decided on')),
                ('reason', models.TextField(blank=True, default='', verbose_name='reason for the change')),
                ('approval', models.CharField(blank=True, default='', max_length=300, verbose_name='approval of the change')),
                ('deadline_before', models.DateField(blank=True, null=True, verbose_name='deadline before')),
                ('deadline_after', models.DateField(blank=True, null=True, verbose_name='deadline after')),
                ('outcome', models.TextField(blank=True, default='', verbose_name='what was not kept')),
                ('commitment', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='decisions', to='commitments.commitment', verbose_name='commitment')),
                ('decided_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='decided by')),
            ],
            options={
                'verbose_name': 'decision on a commitment',
                'verbose_name_plural': 'decisions on commitments',
                'ordering': ['decided_on', 'pk'],
            },
        ),
        migrations.RunPython(decisions_from_the_trail, migrations.RunPython.noop),
    ]
