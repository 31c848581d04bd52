"""The screening watch list (``conduct.ScreeningWatch``) and the triggers that keep it complete.

The triggers only ever ADD rows, so the list stays a superset of "every link and every legal
representation whose person is, or ever was, an official's or a related person's person":

- an official or a related person is inserted, or re-pointed at another person → all links
  and represented enterprises of that person;
- a link is inserted or re-pointed (person_id, or its id) → the link, if its person is any
  official's or related person's person;
- an enterprise is inserted or its legal representative (or id) changes → the enterprise,
  under the same condition.

Duplicates are refused by the unique columns and skipped (``NOT EXISTS`` plus ``INSERT OR
IGNORE`` on SQLite, whose outer statement's conflict clause would override the trigger's own;
``ON CONFLICT DO NOTHING`` on PostgreSQL).

Concurrency. SQLite has one writer at a time. On PostgreSQL (READ COMMITTED, Django's
default) a new relative and a new link of the same person, written by two transactions at
once, would each miss the other's uncommitted row. So both sides lock the person row first:
the official / related-person side ``FOR UPDATE``, the link / enterprise side ``FOR KEY
SHARE`` (the lock a foreign-key check takes anyway). The two conflict, so the second
transaction waits for the first to commit and its next statement sees the first one's row.

The current rows are backfilled here; ``./qinqing screen --rebuild-watch`` rebuilds the list
at any time (and reports any row the triggers had missed).
"""

import django.db.models.deletion
from django.db import migrations, models

SQLITE_SUBJECT_BODY = """
    INSERT OR IGNORE INTO conduct_screeningwatch (link_id)
         SELECT l.id FROM directory_enterpriselink l
          WHERE l.person_id = NEW.person_id
            AND NOT EXISTS (SELECT 1 FROM conduct_screeningwatch w WHERE w.link_id = l.id);
    INSERT OR IGNORE INTO conduct_screeningwatch (enterprise_id)
         SELECT e.id FROM directory_enterprise e
          WHERE e.legal_representative_id = NEW.person_id
            AND NOT EXISTS (SELECT 1 FROM conduct_screeningwatch w WHERE w.enterprise_id = e.id);
"""
SQLITE_IS_SUBJECT = """(EXISTS (SELECT 1 FROM directory_official o WHERE o.person_id = {person})
          OR EXISTS (SELECT 1 FROM directory_relatedperson r WHERE r.person_id = {person}))"""
SQLITE_LINK_BODY = """
    INSERT OR IGNORE INTO conduct_screeningwatch (link_id)
         SELECT NEW.id WHERE NOT EXISTS (SELECT 1 FROM conduct_screeningwatch w WHERE w.link_id = NEW.id);
"""
SQLITE_ENTERPRISE_BODY = """
    INSERT OR IGNORE INTO conduct_screeningwatch (enterprise_id)
         SELECT NEW.id WHERE NOT EXISTS (SELECT 1 FROM conduct_screeningwatch w WHERE w.enterprise_id = NEW.id);
"""
SQLITE_TRIGGERS = {
    "conduct_watch_official_insert": ("AFTER INSERT ON directory_official", "", SQLITE_SUBJECT_BODY),
    "conduct_watch_official_update": ("AFTER UPDATE OF person_id ON directory_official", "", SQLITE_SUBJECT_BODY),
    "conduct_watch_related_insert": ("AFTER INSERT ON directory_relatedperson", "", SQLITE_SUBJECT_BODY),
    "conduct_watch_related_update": ("AFTER UPDATE OF person_id ON directory_relatedperson", "", SQLITE_SUBJECT_BODY),
    "conduct_watch_link_insert": ("AFTER INSERT ON directory_enterpriselink",
                                  SQLITE_IS_SUBJECT.format(person="NEW.person_id"), SQLITE_LINK_BODY),
    "conduct_watch_link_update": ("AFTER UPDATE OF id, person_id ON directory_enterpriselink",
                                  SQLITE_IS_SUBJECT.format(person="NEW.person_id"), SQLITE_LINK_BODY),
    "conduct_watch_enterprise_insert": ("AFTER INSERT ON directory_enterprise",
                                        "NEW.legal_representative_id IS NOT NULL AND "
                                        + SQLITE_IS_SUBJECT.format(person="NEW.legal_representative_id"), SQLITE_ENTERPRISE_BODY),
    "conduct_watch_enterprise_update": ("AFTER UPDATE OF id, legal_representative_id ON directory_enterprise",
                                        "NEW.legal_representative_id IS NOT NULL AND "
                                        + SQLITE_IS_SUBJECT.format(person="NEW.legal_representative_id"), SQLITE_ENTERPRISE_BODY),
}
SQLITE_FORWARD = [
    f"CREATE TRIGGER {name} {event} FOR EACH ROW{f' WHEN {when}' if when else ''} BEGIN {body} END"
    for name, (event, when, body) in SQLITE_TRIGGERS.items()
]
SQLITE_BACKWARD = [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS]

POSTGRES_FORWARD = [
    """CREATE OR REPLACE FUNCTION conduct_watch_subject() RETURNS trigger AS $$
       BEGIN
         -- Wait for any transaction writing a link or enterprise of this person (it holds
         -- KEY SHARE on the row), so that the statements below see what it wrote.
         PERFORM 1 FROM directory_person WHERE id = NEW.person_id FOR UPDATE;
         INSERT INTO conduct_screeningwatch (link_id)
              SELECT l.id FROM directory_enterpriselink l WHERE l.person_id = NEW.person_id
         ON CONFLICT DO NOTHING;
         INSERT INTO conduct_screeningwatch (enterprise_id)
              SELECT e.id FROM directory_enterprise e WHERE e.legal_representative_id = NEW.person_id
         ON CONFLICT DO NOTHING;
         RETURN NULL;
       END; $$ LANGUAGE plpgsql""",
    """CREATE OR REPLACE FUNCTION conduct_watch_link() RETURNS trigger AS $$
       BEGIN
         -- Wait for any transaction adding an official or relative for this person (FOR UPDATE).
         PERFORM 1 FROM directory_person WHERE id = NEW.person_id FOR KEY SHARE;
         IF EXISTS (SELECT 1 FROM directory_official o WHERE o.person_id = NEW.person_id)
            OR EXISTS (SELECT 1 FROM directory_relatedperson r WHERE r.person_id = NEW.person_id) THEN
           INSERT INTO conduct_screeningwatch (link_id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
         END IF;
         RETURN NULL;
       END; $$ LANGUAGE plpgsql""",
    """CREATE OR REPLACE FUNCTION conduct_watch_enterprise() RETURNS trigger AS $$
       BEGIN
         PERFORM 1 FROM directory_person WHERE id = NEW.legal_representative_id FOR KEY SHARE;
         IF EXISTS (SELECT 1 FROM directory_official o WHERE o.person_id = NEW.legal_representative_id)
            OR EXISTS (SELECT 1 FROM directory_relatedperson r WHERE r.person_id = NEW.legal_representative_id) THEN
           INSERT INTO conduct_screeningwatch (enterprise_id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
         END IF;
         RETURN NULL;
       END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER conduct_watch_official AFTER INSERT OR UPDATE OF person_id ON directory_official
       FOR EACH ROW EXECUTE FUNCTION conduct_watch_subject()""",
    """CREATE TRIGGER conduct_watch_related AFTER INSERT OR UPDATE OF person_id ON directory_relatedperson
       FOR EACH ROW EXECUTE FUNCTION conduct_watch_subject()""",
    """CREATE TRIGGER conduct_watch_link AFTER INSERT OR UPDATE OF id, person_id ON directory_enterpriselink
       FOR EACH ROW EXECUTE FUNCTION conduct_watch_link()""",
    """CREATE TRIGGER conduct_watch_enterprise AFTER INSERT OR UPDATE OF id, legal_representative_id ON directory_enterprise
       FOR EACH ROW WHEN (NEW.legal_representative_id IS NOT NULL) EXECUTE FUNCTION conduct_watch_enterprise()""",
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS conduct_watch_official ON directory_official",
    "DROP TRIGGER IF EXISTS conduct_watch_related ON directory_relatedperson",
    "DROP TRIGGER IF EXISTS conduct_watch_link ON directory_enterpriselink",
    "DROP TRIGGER IF EXISTS conduct_watch_enterprise ON directory_enterprise",
    "DROP FUNCTION IF EXISTS conduct_watch_subject()",
    "DROP FUNCTION IF EXISTS conduct_watch_link()",
    "DROP FUNCTION IF EXISTS conduct_watch_enterprise()",
]

# The backfill: a frozen copy of conflicts.WATCH_LINKS_SQL / WATCH_ENTERPRISES_SQL at the time
# of this migration, driven by the (distinct) persons of officials and related persons.
BACKFILL = [
    """INSERT INTO conduct_screeningwatch (link_id)
       SELECT l.id FROM (SELECT person_id FROM directory_official UNION SELECT person_id FROM directory_relatedperson) s
         JOIN directory_enterpriselink l ON l.person_id = s.person_id""",
    """INSERT INTO conduct_screeningwatch (enterprise_id)
       SELECT e.id FROM (SELECT person_id FROM directory_official UNION SELECT person_id FROM directory_relatedperson) s
         JOIN directory_enterprise e ON e.legal_representative_id = s.person_id""",
]


def forward(apps, schema_editor):
    statements = POSTGRES_FORWARD if schema_editor.connection.vendor == "postgresql" else SQLITE_FORWARD
    for statement in statements + BACKFILL:
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    statements = POSTGRES_BACKWARD if schema_editor.connection.vendor == "postgresql" else SQLITE_BACKWARD
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('conduct', '0001_initial'),
        ('directory', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='ScreeningWatch',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('enterprise', models.OneToOneField(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='directory.enterprise')),
                ('link', models.OneToOneField(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='directory.enterpriselink')),
            ],
            options={
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('enterprise__isnull', True), ('link__isnull', False)), models.Q(('enterprise__isnull', False), ('link__isnull', True)), _connector='OR'), name='conduct_screeningwatch_one_target')],
            },
        ),
        migrations.RunPython(forward, backward),
    ]
