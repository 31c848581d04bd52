"""Issue 18: a person's date of birth and gender are stored encrypted (SM4-GCM).

The columns become text; existing values are encrypted in place with raw SQL (the
historical model would try to decrypt the plain values). The audit trail is untouched:
record digests are computed over the decrypted values, which do not change.
"""

from django.db import migrations

import qinqing.core.crypto

_SELECT = "SELECT id, birth_date, gender FROM directory_person"
_UPDATE = "UPDATE directory_person SET birth_date = %s, gender = %s WHERE id = %s"
_TOKEN = "sm4gcm:"  # noqa: S105 (the ciphertext prefix, not a secret)


def _encrypt(apps, schema_editor):
    from qinqing.core.crypto import encrypt_text, encrypt_text_deterministic

    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute(_SELECT)
        rows = cursor.fetchall()
        updates = []
        for pk, birth, gender in rows:
            birth = None if birth in (None, "") else str(birth)[:10]
            new_birth = encrypt_text_deterministic(birth) if birth and not birth.startswith(_TOKEN) else birth
            new_gender = encrypt_text(gender) if gender and not gender.startswith(_TOKEN) else (gender or "")
            updates.append((new_birth, new_gender, pk))
        if updates:
            cursor.executemany(_UPDATE, updates)


def _decrypt(apps, schema_editor):
    from qinqing.core.crypto import decrypt_text

    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute(_SELECT)
        updates = [
            (
                decrypt_text(birth) if birth and birth.startswith(_TOKEN) else birth,
                decrypt_text(gender) if gender and gender.startswith(_TOKEN) else (gender or ""),
                pk,
            )
            for pk, birth, gender in cursor.fetchall()
        ]
        if updates:
            cursor.executemany(_UPDATE, updates)


class Migration(migrations.Migration):

    dependencies = [
        ("directory", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="person",
            name="birth_date",
            field=qinqing.core.crypto.EncryptedDateField(blank=True, null=True, verbose_name="date of birth"),
        ),
        migrations.AlterField(
            model_name="person",
            name="gender",
            field=qinqing.core.crypto.EncryptedTextField(
                blank=True,
                choices=[("M", "Male"), ("F", "Female"), ("", "Unknown")],
                default="",
                verbose_name="gender",
            ),
        ),
        migrations.RunPython(_encrypt, _decrypt),
    ]
