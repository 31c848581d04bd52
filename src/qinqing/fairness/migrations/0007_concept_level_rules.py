"""Concept-level rules (2026-11-30 evening): seventeen new rules, each a restricted CONCEPT (registered
capital, revenue, assets, headcount, profit, tax paid, years in business; local registration, tax,
branch, office or service point; ownership; named providers and brands; regional or client-type
performance; awards; association membership; lists; exclusive operation; exit; differential
subsidies; tax preferences) in a QUALIFICATION or SCORING context, with explicit lawful exceptions
(after-award service obligations, national scope, SME classification, statutory lists, rewards in
policy documents, "依法/按国家规定"). ``awards-score`` no longer reads a subsidy ("获得奖补") as an award.
Written from the misses of the fourth and fifth quoted batches and the concept list; the sixth batch
(tests/corpus/published_sixth.tsv) was held out and scored once after these rules were frozen.

As in 0004–0006: the new rules are created; a changed rule is rewritten from seed/rules.json only
when no reviewer has edited it (no ``fairness.rule.update`` audit event for it).
"""

from django.db import migrations

from qinqing.fairness import seeding

NEW = (
    "concept-local-presence",
    "concept-local-benefit",
    "concept-scale-threshold",
    "concept-ownership-limit",
    "concept-named-provider",
    "concept-exclusive",
    "concept-exit",
    "concept-nonlocal-differential",
    "concept-tax-preference",
    "concept-favoured-land",
    "concept-list-selection",
    "concept-nonlocal-burden",
    "concept-list-favour",
    "concept-regional-performance",
    "concept-named-brands",
    "concept-association",
    "concept-awards",
)


seed, unseed = seeding.revision(NEW)


class Migration(migrations.Migration):
    dependencies = [("fairness", "0006_rules_second_revision"), ("core", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
