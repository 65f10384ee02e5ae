"""The data sources and special-group tags that a new installation starts with."""

from __future__ import annotations

from django.db import migrations

SOURCES = [
    ("police", "公安人口数据"),
    ("civil_affairs", "民政"),
    ("health", "卫健"),
    ("hrss", "人社"),
    ("disabled_fed", "残联"),
    ("community", "社区采集"),
    ("visit", "入户走访核实"),
    ("staff", "工作人员录入"),
    ("demo", "演示数据"),
]

# code, name, special group, sensitive (health or disability), order
TAGS = [
    ("elder_alone", "独居老人", True, False, 10),
    ("elder_80", "高龄老人", True, False, 20),
    ("disabled", "残障人士", True, True, 30),
    ("child_distress", "困境儿童", True, False, 40),
    ("child_left", "留守儿童", True, False, 50),
    ("min_living", "低保户", True, False, 60),
    ("chronic", "慢病患者", True, True, 70),
    ("veteran", "退役军人", True, False, 80),
    ("maternal", "孕产妇", True, True, 90),
]


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    DataSource = apps.get_model("registry", "DataSource")
    Tag = apps.get_model("registry", "Tag")
    for code, name in SOURCES:
        DataSource.objects.get_or_create(code=code, defaults={"name": name})
    for code, name, special, sensitive, order in TAGS:
        Tag.objects.get_or_create(
            code=code,
            defaults={"name": name, "is_special_group": special, "is_sensitive": sensitive, "sort_order": order},
        )


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
