"""The plan's default visit rules, a standard questionnaire and the policies workers explain."""

from __future__ import annotations

from django.db import migrations

SPECIAL_TAGS = ["elder_alone", "elder_80", "disabled", "child_distress", "child_left", "min_living", "chronic", "veteran", "maternal"]

STANDARD_QUESTIONS = [
    {"code": "health", "label": "身体状况", "type": "choice", "required": True, "choices": ["良好", "一般", "较差"]},
    {"code": "living_alone", "label": "是否独自居住", "type": "boolean", "required": False},
    {"code": "safety", "label": "家中水电燃气是否安全", "type": "choice", "required": True, "choices": ["安全", "有隐患"]},
    {"code": "members_present", "label": "在家人数", "type": "number", "required": False},
    {"code": "needs", "label": "近期困难与需求", "type": "text", "required": False},
]

POLICIES = [
    ("elderly_allowance", "高龄津贴"),
    ("min_living", "最低生活保障"),
    ("medical_insurance", "城乡居民医保"),
    ("pension", "城乡居民养老保险"),
    ("residence_permit", "居住证办理"),
    ("disability_subsidy", "残疾人两项补贴"),
    ("employment", "就业创业扶持"),
    ("fraud_prevention", "防范电信诈骗"),
    ("fire_safety", "消防安全"),
]


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    VisitPolicy = apps.get_model("visits", "VisitPolicy")
    VisitRule = apps.get_model("visits", "VisitRule")
    VisitType = apps.get_model("visits", "VisitType")
    PolicyTopic = apps.get_model("visits", "PolicyTopic")
    Tag = apps.get_model("registry", "Tag")
    VisitPolicy.objects.get_or_create(pk=1)
    VisitRule.objects.get_or_create(name="普通家庭每季度至少1次", tag=None, defaults={"period": "quarter", "min_visits": 1})
    for tag in Tag.objects.filter(code__in=SPECIAL_TAGS):
        VisitRule.objects.get_or_create(
            name=f"{tag.name}每月至少2次", tag=tag, defaults={"period": "month", "min_visits": 2}
        )
    VisitType.objects.get_or_create(code="routine", defaults={"name": "常规走访", "questions": STANDARD_QUESTIONS})
    for code, name in POLICIES:
        PolicyTopic.objects.get_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("visits", "0001_initial"), ("registry", "0002_default_sources_and_tags")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
