"""Rules generalised on the tuning half of the fourth quoted batch (tests/corpus/published_fourth.tsv,
real wording from regulators' cases and tender notices): four new rules — ``filing-barrier``
(备案/同意 as a precondition for doing business), ``non-local-conditions`` (conditions or standards
imposed on non-local operators or goods only), ``direct-award`` (business or operating rights given
without competition through strategic-cooperation agreements, meeting minutes or a named investment
entity), ``business-scope`` (营业执照经营范围 as a qualification) — and broader patterns in
``organisation-form`` (independent legal person required), ``local-registration``, ``local-branch``,
``buy-local``, ``named-brand`` (one designated supplier for a whole sector), ``supplier-library`` and
``tax-linked-reward`` (rewards keyed to 纳税额); ``size-financial`` no longer reads a policy's reward
as a tender's size condition.

As in 0004: new rules are created; a changed rule is rewritten from seed/rules.json only when no
reviewer has edited it (no ``fairness.rule.update`` audit event for it), so a reviewer's own version
stays.
"""

from django.db import migrations

from qinqing.fairness import seeding

NEW = ("filing-barrier", "non-local-conditions", "direct-award", "business-scope")


seed, unseed = seeding.revision(NEW)


class Migration(migrations.Migration):
    dependencies = [("fairness", "0004_rules_from_published_cases"), ("core", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
