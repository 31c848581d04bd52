# Issue 19: the privilege columns of auth_user as an audited (unmanaged) record.
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0008_idempotencyrecord"),
    ]

    operations = [
        migrations.CreateModel(
            name="AccountPrivileges",
            fields=[
                ("id", models.AutoField(primary_key=True, serialize=False)),
                ("username", models.CharField(max_length=150, verbose_name="user name")),
                ("is_active", models.BooleanField(verbose_name="active")),
                ("is_staff", models.BooleanField(verbose_name="staff status")),
                ("is_superuser", models.BooleanField(verbose_name="superuser status")),
            ],
            options={
                "verbose_name": "account privileges",
                "verbose_name_plural": "account privileges",
                "db_table": "auth_user",
                "managed": False,
                "default_permissions": (),
            },
        ),
    ]
