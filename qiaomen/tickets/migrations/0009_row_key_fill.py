"""Each existing row gets its own random row key."""

from django.db import migrations

from qiaomen.core.sealing_migrations import row_key_fill


class Migration(migrations.Migration):
    dependencies = [("tickets", "0008_row_key_add")]

    operations = [
        row_key_fill("tickets.Ticket"),
    ]
