"""The policy-interpretation library now lives in the policy app (policy 0002): the model leaves
the appeals app's state; its table ``appeals_policyinterpretation`` stays where it is, rows and all."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('appeals', '0009_notification_status_history'),
        ('policy', '0002_policyinterpretation'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='PolicyInterpretation')],
            database_operations=[],
        ),
    ]
