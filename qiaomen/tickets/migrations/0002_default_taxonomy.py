"""The default taxonomy of taxonomy.md: 4 categories, 20 sub-categories, routing, priorities.

Keywords give the staff entry page a first suggestion; the trained classifier comes later.
"""

from __future__ import annotations

from django.db import migrations

CATEGORIES = [("POL", "政策咨询"), ("LIF", "生活服务"), ("MED", "矛盾调解"), ("EMG", "应急求助")]

# code, name, department code, priority, keywords
SUBCATEGORIES = [
    ("POL-SOC", "社保医保", "renshe", "P3", "社保 医保 养老保险 报销 参保 退休金 养老金"),
    ("POL-AID", "救助补贴与住房保障", "minzheng", "P3", "低保 补贴 救助 廉租房 公租房 困难 津贴"),
    ("POL-EDU", "子女入学", "jiaoyu", "P3", "入学 上学 学位 幼儿园 小学 初中 转学"),
    ("POL-RES", "居住证与户籍办理", "gongan", "P3", "居住证 户口 落户 户籍 身份证 迁户"),
    ("LIF-MEAL", "老年助餐", "minzheng", "P2", "助餐 送餐 吃饭 食堂 老年餐 做饭"),
    ("LIF-ERR", "代购代办", "juweihui", "P2", "代购 代办 买菜 买药 跑腿 取药"),
    ("LIF-MED", "医疗保健", "weijian", "P2", "看病 家庭医生 体检 血压 复诊 上门 护理"),
    ("LIF-JOB", "就业指导", "renshe", "P3", "就业 工作 找工作 失业 培训 招聘"),
    ("LIF-ACC", "无障碍改造", "canlian", "P3", "无障碍 扶手 轮椅 坡道 适老化"),
    ("LIF-EDU", "学业辅导", "juweihui", "P3", "辅导 作业 功课 补课 学习"),
    ("LIF-PSY", "心理辅导", "weijian", "P3", "心理 抑郁 焦虑 失眠 情绪 孤独"),
    ("LIF-ENV", "垃圾清运与环境卫生", "chengguan", "P2", "垃圾 清运 卫生 异味 污水 老鼠 堆放"),
    ("LIF-PARK", "停车难", "chengguan", "P3", "停车 车位 占道 乱停"),
    ("LIF-FAC", "设施维修", "zhujian", "P2", "电梯 路灯 水管 漏水 维修 坏了 路面 井盖"),
    ("MED-NEI", "邻里纠纷", "juweihui", "P2", "邻居 噪音 吵架 纠纷 楼上 漏水到"),
    ("MED-FAM", "家庭纠纷", "fulian", "P2", "家暴 离婚 家庭矛盾 赡养 子女不管"),
    ("MED-PROP", "物业纠纷", "zhujian", "P3", "物业 物业费 业委会 小区管理"),
    ("MED-LAW", "法律援助", "sifa", "P3", "欠薪 工资 合同 律师 法律 维权 起诉"),
    ("EMG-HEALTH", "突发疾病与意外", "weijian", "P1", "摔倒 晕倒 昏迷 急病 受伤 不省人事 心脏"),
    ("EMG-SAFE", "安全隐患", "yingji", "P1", "火灾 着火 冒烟 燃气 煤气 漏气 坍塌 被困"),
]


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    Category = apps.get_model("tickets", "Category")
    Subcategory = apps.get_model("tickets", "Subcategory")
    Department = apps.get_model("accounts", "Department")
    categories = {code: Category.objects.get_or_create(code=code, defaults={"name": name})[0] for code, name in CATEGORIES}
    for code, name, department, priority, keywords in SUBCATEGORIES:
        Subcategory.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "category": categories[code.split("-")[0]],
                "department": Department.objects.get(code=department),
                "default_priority": priority,
                "keywords": keywords,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial"), ("accounts", "0002_default_departments")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
