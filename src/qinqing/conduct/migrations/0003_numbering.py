"""Gift receipt numbers are unique; letters and receipts are numbered by core.numbering, whose
counters continue from the numbers already issued."""

import re

from django.db import migrations, models

RECEIPT = re.compile(r"^亲清收〔(\d{4})〕(\d+)号$")


def renumber_duplicate_receipts(apps, schema_editor):
    """Two hand-ins at once could get the same receipt number (COUNT + 1). The first keeps it;
    each later one gets the next free number of its year, audited like any other write."""
    from qinqing.core import audit

    GiftRecord = apps.get_model("conduct", "GiftRecord")
    numbers = list(GiftRecord.objects.exclude(receipt_number="").order_by("pk").values_list("pk", "receipt_number"))
    highest: dict[str, int] = {}
    for _pk, number in numbers:
        match = RECEIPT.match(number)
        if match:
            highest[match.group(1)] = max(highest.get(match.group(1), 0), int(match.group(2)))
    seen = set()
    for pk, number in numbers:
        if number not in seen:
            seen.add(number)
            continue
        match = RECEIPT.match(number)
        year = match.group(1) if match else "0000"
        highest[year] = highest.get(year, 0) + 1
        gift = GiftRecord.objects.get(pk=pk)
        before = audit.snapshot(gift)
        gift.receipt_number = f"亲清收〔{year}〕{highest[year]:04d}号"
        gift.save(update_fields=["receipt_number"])
        seen.add(gift.receipt_number)
        audit.record_event(actor=audit.SystemActor("migration:conduct.0003"), action="conduct.gift.renumber_receipt", instance=gift,
                           before=before, details={"article": "15.1", "reason": "duplicate receipt number"})


def continue_counters(apps, schema_editor):
    Counter = apps.get_model("core", "Counter")
    ApprovalLetter = apps.get_model("conduct", "ApprovalLetter")
    GiftRecord = apps.get_model("conduct", "GiftRecord")
    lasts: dict[tuple[str, str], int] = {}
    for year, sequence in ApprovalLetter.objects.values_list("year", "sequence"):
        key = ("conduct.letter", str(year))
        lasts[key] = max(lasts.get(key, 0), sequence)
    for number in GiftRecord.objects.exclude(receipt_number="").values_list("receipt_number", flat=True):
        match = RECEIPT.match(number)
        if match:
            key = ("conduct.gift_receipt", match.group(1))
            lasts[key] = max(lasts.get(key, 0), int(match.group(2)))
    for (series, period), last in lasts.items():
        counter, created = Counter.objects.get_or_create(series=series, period=period, defaults={"last": last})
        if not created and counter.last < last:
            Counter.objects.filter(pk=counter.pk).update(last=last)


class Migration(migrations.Migration):

    dependencies = [
        ("conduct", "0002_screeningwatch"),
        ("core", "0004_counter"),
    ]

    operations = [
        migrations.RunPython(renumber_duplicate_receipts, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="giftrecord",
            constraint=models.UniqueConstraint(condition=models.Q(("receipt_number", ""), _negated=True), fields=("receipt_number",),
                                               name="conduct_gift_receipt_number_unique"),
        ),
        migrations.RunPython(continue_counters, migrations.RunPython.noop),
    ]
