"""Rights requests hold the resident's own words, encrypted: their row key, the column, empty."""

from django.db import migrations

from qiaomen.core.sealing_migrations import row_key_add


class Migration(migrations.Migration):
    dependencies = [("registry", "0012_row_key_constrain")]

    operations = [row_key_add("rightsrequest")]
