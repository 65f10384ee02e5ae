"""Each row with encrypted fields gets a row key, bound into its ciphertexts: the column, empty."""

from django.db import migrations

from qiaomen.core.sealing_migrations import row_key_add


class Migration(migrations.Migration):
    dependencies = [("registry", "0009_rights_request")]

    operations = [
        row_key_add("person"),
        row_key_add("fieldconflict"),
        row_key_add("doorcode"),
    ]
