"""Open311Key and Open311Request now belong to the open311 app (open311 0001 renamed their
tables and kept their rows): the api app forgets them, in the migration state only. The api app
has no tables left; its migrations stay, as landed migrations do."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('api', '0001_initial'),
        ('open311', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='Open311Request'),
                migrations.DeleteModel(name='Open311Key'),
            ],
        ),
    ]
