"""Three concept-level alternatives written from the law and the families of the blind batches' misses (2026-12-02,
session 33), before the twentieth batch was read: a tax, the county's or district's share of it, and a reward or support
in one sentence, in either order (``concept-contribution-linked``; the policy kind's catch-all, so it adds a finding only
where no specific rule of the kind has one); favours for investors from outside the county or city, and land-transfer
money cut, halved, returned or subsidised (``selective-subsidy``). "税收优惠" is not read as a tax (national tax incentives
are lawful), and the national 70 % floor for industrial land reserve prices is a negative example. Over the 48,121
distinct corpus clauses they add a finding to two problematic clauses that already had one of the same kind and to no
lawful clause; on the three batches of this session (the seventeenth to the nineteenth), no lawful clause either. A rule a
reviewer has edited is kept (``seeding.reseed_unless_edited``).
"""

from django.db import migrations

from qinqing.fairness import seeding

NEW = ()


seed, unseed = seeding.revision(NEW)


class Migration(migrations.Migration):
    dependencies = [("fairness", "0027_rules_nineteenth_batch_revision"), ("core", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
