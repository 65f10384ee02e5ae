"""Row keys are required and unique."""

from django.db import migrations

from qiaomen.core.sealing_migrations import row_key_constrain


class Migration(migrations.Migration):
    dependencies = [("registry", "0011_row_key_fill")]

    operations = [
        row_key_constrain("person"),
        row_key_constrain("fieldconflict"),
        row_key_constrain("doorcode"),
    ]
