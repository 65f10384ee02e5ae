"""Hole 1, step 1 of 3: a nullable birth year beside the birth date that is about to go.

The birth date becomes nullable here, so that going back from step 3 can re-add the column
empty before step 2's reverse fills it from the decrypted ID numbers.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0005_doorcode_submission"),
    ]

    operations = [
        migrations.AlterField(
            model_name="person",
            name="birth_date",
            field=models.DateField(null=True, verbose_name="birth date"),
        ),
        migrations.AddField(
            model_name="person",
            name="birth_year",
            field=models.PositiveSmallIntegerField(
                blank=True,
                db_index=True,
                editable=False,
                help_text="empty for people born in the year their file was created or the year before",
                null=True,
                verbose_name="birth year",
            ),
        ),
    ]
