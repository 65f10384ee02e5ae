"""Hole 1, step 3 of 3: the birth date leaves the clear columns; the birth year is checked."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0007_person_birth_year_fill_id_mask_narrowed"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="person",
            name="birth_date",
        ),
        migrations.AddConstraint(
            model_name="person",
            constraint=models.CheckConstraint(
                condition=models.Q(("birth_year__isnull", True), ("birth_year__gte", 1880), _connector="OR"),
                name="person_birth_year_plausible",
            ),
        ),
    ]
