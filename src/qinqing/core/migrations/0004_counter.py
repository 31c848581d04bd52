from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0003_calendar'),
    ]

    operations = [
        migrations.CreateModel(
            name='Counter',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('series', models.CharField(max_length=64, verbose_name='series')),
                ('period', models.CharField(blank=True, default='', max_length=16, verbose_name='period')),
                ('last', models.PositiveBigIntegerField(default=0, verbose_name='last number')),
            ],
            options={
                'verbose_name': 'counter',
                'verbose_name_plural': 'counters',
                'constraints': [models.UniqueConstraint(fields=('series', 'period'), name='core_counter_series_period')],
            },
        ),
    ]
