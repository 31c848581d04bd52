"""PostgreSQL: leave 15% of each appeals page free, so the daily sweep's updates (urged on,
flagged on: columns no index covers) are HOT updates that touch no index.

The table has 19 indexes; a non-HOT update of one row writes an entry into every one of
them, and a full page forces that. Applies to pages written from now on; existing rows
move to the new layout with ``VACUUM FULL appeals_appeal`` in a maintenance window
(docs/OPERATIONS.md). SQLite has no such setting.
"""

from django.db import migrations


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE appeals_appeal SET (fillfactor = 85)")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE appeals_appeal RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("appeals", "0004_dashboard_figures")]

    operations = [migrations.RunPython(forward, backward)]
