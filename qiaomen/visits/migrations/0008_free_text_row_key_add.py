"""Demands get encrypted: first the row keys they are bound to."""

from django.db import migrations

from qiaomen.core.sealing_migrations import row_key_add


class Migration(migrations.Migration):
    dependencies = [("visits", "0007_row_key_constrain")]

    operations = [
        row_key_add("demand"),
    ]
