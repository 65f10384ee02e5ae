"""Questionnaire answers (JSON) and demand texts are encrypted in place (see core.sealing_migrations)."""

import qiaomen.core.fields
from django.db import migrations

from qiaomen.core.sealing_migrations import row_key_fill, values_encrypt


class Migration(migrations.Migration):
    dependencies = [("visits", "0008_free_text_row_key_add")]

    operations = [
        row_key_fill("visits.Demand"),
        migrations.AlterField(
            "visit", "answers", qiaomen.core.fields.EncryptedJSONField(default=dict, verbose_name="answers")
        ),
        migrations.AlterField(
            "demand", "text", qiaomen.core.fields.EncryptedTextField(default="", verbose_name="demand")
        ),
        values_encrypt("visits.Visit", "answers"),
        values_encrypt("visits.Demand", "text"),
    ]
