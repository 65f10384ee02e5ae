"""Ticket descriptions, resolution notes and classifier suggestions (their words come from the text), classification corrections' text copies, event reasons
and spot-check notes are encrypted in place (see core.sealing_migrations)."""

import qiaomen.core.fields
from django.db import migrations

from qiaomen.core.sealing_migrations import row_key_fill, values_encrypt


class Migration(migrations.Migration):
    dependencies = [("tickets", "0011_free_text_row_key_add")]

    operations = [
        row_key_fill("tickets.ClassificationCorrection", "tickets.SpotCheck", "tickets.TicketEvent"),
        migrations.AlterField(
            "ticket", "description", qiaomen.core.fields.EncryptedTextField(default="", verbose_name="description")
        ),
        migrations.AlterField(
            "ticket", "resolution_note", qiaomen.core.fields.EncryptedTextField(blank=True, default="")
        ),
        migrations.AlterField("classificationcorrection", "text", qiaomen.core.fields.EncryptedTextField(default="")),
        migrations.AlterField("ticketevent", "reason", qiaomen.core.fields.EncryptedTextField(blank=True, default="")),
        migrations.AlterField("spotcheck", "note", qiaomen.core.fields.EncryptedTextField(blank=True, default="")),
        migrations.AlterField("ticket", "suggestion", qiaomen.core.fields.EncryptedJSONField(blank=True, default=dict)),
        values_encrypt("tickets.Ticket", "description", "resolution_note", "suggestion"),
        values_encrypt("tickets.ClassificationCorrection", "text"),
        values_encrypt("tickets.TicketEvent", "reason"),
        values_encrypt("tickets.SpotCheck", "note"),
    ]
