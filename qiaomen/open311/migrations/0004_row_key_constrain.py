"""Row keys are required and unique."""

from django.db import migrations

from qiaomen.core.sealing_migrations import row_key_constrain


class Migration(migrations.Migration):
    dependencies = [("open311", "0003_row_key_fill")]

    operations = [
        row_key_constrain("open311request"),
    ]
