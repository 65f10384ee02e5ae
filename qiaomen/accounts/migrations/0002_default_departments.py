"""The twelve default departments of taxonomy.md (stable codes)."""

from __future__ import annotations

from django.db import migrations

DEPARTMENTS = [
    ("minzheng", "民政"),
    ("renshe", "人社"),
    ("weijian", "卫健"),
    ("gongan", "公安派出所"),
    ("jiaoyu", "教育"),
    ("chengguan", "城管"),
    ("zhujian", "住建"),
    ("sifa", "司法所"),
    ("canlian", "残联"),
    ("fulian", "妇联"),
    ("yingji", "应急管理"),
    ("juweihui", "社区居委会"),
]


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    Department = apps.get_model("accounts", "Department")
    for code, name in DEPARTMENTS:
        Department.objects.get_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
