"""Rights requests' row keys are required and unique."""

from django.db import migrations

from qiaomen.core.sealing_migrations import row_key_constrain


class Migration(migrations.Migration):
    dependencies = [("registry", "0014_rights_request_row_key_fill")]

    operations = [row_key_constrain("rightsrequest")]
