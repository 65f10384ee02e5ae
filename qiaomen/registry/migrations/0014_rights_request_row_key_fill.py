"""Each existing rights request gets its own random row key."""

from django.db import migrations

from qiaomen.core.sealing_migrations import row_key_fill


class Migration(migrations.Migration):
    dependencies = [("registry", "0013_rights_request_row_key_add")]

    operations = [row_key_fill("registry.RightsRequest")]
