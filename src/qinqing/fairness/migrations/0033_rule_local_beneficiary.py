"""A concept-level rule for the family the whole policy documents miss most (2026-12-02, session 34): support, rewards or
subsidies whose beneficiary is defined by being registered, recorded or set up in the city, district or county
(``concept-local-beneficiary``: "在本区依法登记注册的企业……给予", "补助对象须为在某市依法登记注册纳税的法人组织"), read
from the law (Fair Competition Review Regulations art. 9: no differential treatment of operators by region) and written
after the misses of real_policies*.tsv were read — so real_policies_third.tsv is no longer a blind measure for it (its
first-sight figure with 0032, 7 of 13, stays the record). A catch-all: it adds a finding only where no specific location
rule has. Over the 49,540 distinct clauses of the corpus it flags no lawful clause ("本政策适用于在本区依法登记的各类
所有制企业" is excluded with the other equal-treatment wordings); it adds a finding to 4 problematic clauses of
real_policies_third.tsv (7 → 11 of 13) and to none of the held-out documents of real_policies_second.tsv. A rule a reviewer
has edited is kept (``seeding.reseed_unless_edited``).
"""

from django.db import migrations

from qinqing.fairness import seeding

NEW = ("concept-local-beneficiary",)


seed, unseed = seeding.revision(NEW)


class Migration(migrations.Migration):
    dependencies = [("fairness", "0032_rules_second_policy_documents"), ("core", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
