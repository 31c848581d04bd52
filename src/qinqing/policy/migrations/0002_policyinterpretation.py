"""The policy-interpretation library moves here from appeals (issue 9 item 5): the model only.

Its table stays ``appeals_policyinterpretation`` (created by appeals 0003), so nothing is copied
and nothing is lost; appeals 0010 removes the model from the appeals app's state.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('policy', '0001_initial'),
        ('appeals', '0009_notification_status_history'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='PolicyInterpretation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('question', models.CharField(max_length=300, verbose_name='question')),
                        ('answer', models.TextField(verbose_name='answer')),
                        ('article_keys', models.CharField(max_length=200, verbose_name='policy articles')),
                        ('keywords', models.CharField(blank=True, default='', max_length=300, verbose_name='keywords')),
                        ('is_published', models.BooleanField(default=False, verbose_name='published')),
                        ('published_at', models.DateTimeField(blank=True, null=True, verbose_name='published at')),
                        ('created_at', models.DateTimeField(verbose_name='created at')),
                        ('updated_at', models.DateTimeField(verbose_name='updated at')),
                        ('author', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+',
                                                     to=settings.AUTH_USER_MODEL, verbose_name='author')),
                    ],
                    options={
                        'verbose_name': 'policy interpretation',
                        'verbose_name_plural': 'policy interpretations',
                        'ordering': ['question', 'pk'],
                        'db_table': 'appeals_policyinterpretation',
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
