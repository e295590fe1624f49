
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('tips', '0016_queue_urgent_rank'),
    ]

    operations = [
        migrations.CreateModel(
            name='CleaningSlot',
            fields=[
                ('number', models.PositiveSmallIntegerField(primary_key=True, serialize=False)),
                ('holder', models.CharField(blank=True, default='', max_length=32)),
                ('until', models.DateTimeField(blank=True, null=True)),
            ],
            options={
                'verbose_name': 'cleaning slot',
                'verbose_name_plural': 'cleaning slots',
            },
        ),
    ]
