"""The policy library's full-text index (policy.search_index): FTS5 on SQLite, a GIN-indexed tsvector on
PostgreSQL; the documents already stored are indexed here."""

from django.db import migrations


def create(apps, schema_editor):
    from qinqing.policy import search_index

    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for statement in search_index.create_statements(connection.vendor):
            cursor.execute(statement)
    document = apps.get_model("policy", "PolicyDocument")
    rows = [
        (row.pk, row.content_hash, search_index.document_text(row))
        for row in document.objects.only(
            "pk", "content_hash", "title", "issuing_body", "document_number", "raw_text"
        )
    ]
    search_index.index_rows(rows, conn=connection)


def drop(apps, schema_editor):
    from qinqing.policy import search_index

    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for statement in search_index.drop_statements(connection.vendor):
            cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("policy", "0004_policyreminder")]

    operations = [migrations.RunPython(create, drop)]
