"""Each row with encrypted fields gets a row key, bound into its ciphertexts: the column, empty."""

from django.db import migrations

from qiaomen.core.sealing_migrations import row_key_add


class Migration(migrations.Migration):
    dependencies = [("tickets", "0007_ticket_client_key")]

    operations = [
        row_key_add("ticket"),
    ]
