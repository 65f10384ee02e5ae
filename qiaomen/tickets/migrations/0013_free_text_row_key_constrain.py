"""Row keys are required and unique."""

from django.db import migrations

from qiaomen.core.sealing_migrations import row_key_constrain


class Migration(migrations.Migration):
    dependencies = [("tickets", "0012_free_text_encrypt")]

    operations = [
        row_key_constrain("classificationcorrection"),
        row_key_constrain("spotcheck"),
        row_key_constrain("ticketevent"),
    ]
