"""Free text that can hold health and family details gets encrypted: first the row keys it is bound to."""

from django.db import migrations

from qiaomen.core.sealing_migrations import row_key_add


class Migration(migrations.Migration):
    dependencies = [("tickets", "0010_row_key_constrain")]

    operations = [
        row_key_add("classificationcorrection"),
        row_key_add("spotcheck"),
        row_key_add("ticketevent"),
    ]
