"""Rules revised on eighteen more whole real local policy documents (2026-12-02, session 34,
``tests/corpus/real_policies_second.tsv``: Dalian, 甘井子区 and Liaoning province), collected right after 0031 and scored
once at first sight with it — 12 of 35 problematic clauses found, 17 of 807 lawful clauses flagged. Written from the ten
tuning documents only (Q01, Q05, Q06, Q07, Q11, Q16, Q17, Q18 are held out by the address-hash convention):

* exclusions: development targets ("培育和引进……骨干企业3-5家") for the size rules (``size-financial``,
  ``concept-scale-threshold``), land revenue transferred to a zone's account (``selective-subsidy``), funds drawn from the
  local tax share (``concept-contribution-linked``), trademark-strategy guidance (``famous-brand``), the registration
  authority by registered capital (``registered-capital``, ``concept-scale-threshold``), attracting top-500 firms with no
  favour (``ranking-honours``);
* alternatives: tax paid "在本区" (``local-registration``), the support's subject "在……设立的" (``local-registration``),
  favours for well-known firms, priority recognition for early entrants, fee exemptions inside a zone, relaxed
  registration in selected zones, priority power or land for designated leading firms (``concept-selective-favour``),
  SOEs' registration before their documents are complete (``ownership-form``).

On the held-out documents 0032 changes nothing (5 of 18 found, 11 lawful flagged, before and after). Over the corpus no
lawful clause gains a finding. A rule a reviewer has edited is kept (``seeding.reseed_unless_edited``).
"""

from django.db import migrations

from qinqing.fairness import seeding

NEW = ()


seed, unseed = seeding.revision(NEW)


class Migration(migrations.Migration):
    dependencies = [("fairness", "0031_rules_whole_policy_documents"), ("core", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
