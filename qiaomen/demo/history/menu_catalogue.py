"""The demo street's partners and the 39 services they put on the menu over the year (one is
withdrawn, so the year ends with the plan's 38; the first 15 are there from the start)."""

from __future__ import annotations

# name, kind, handling department, serves only the street's first community
PARTNERS: list[tuple[str, str, str, bool]] = [
    ("街道社区卫生服务中心", "hospital", "weijian", False),
    ("幸福街道中心小学", "school", "jiaoyu", False),
    ("阳光养老服务中心", "social", "minzheng", False),
    ("爱心助残协会", "social", "canlian", False),
    ("惠民家政服务有限公司", "company", "juweihui", False),
    ("邻里法律服务所", "social", "sifa", False),
    ("安康大药房", "company", "weijian", False),
    ("启明青少年活动中心", "social", "jiaoyu", True),
    ("巾帼家庭服务社", "social", "fulian", False),
    ("就业创业指导站", "social", "renshe", False),
]

# group, service, partner index, when, ticket sub-category
ENTRIES: list[tuple[str, str, int, str, str]] = [
    ("elders", "老年助餐配送", 2, "每日 11:00–12:30", "LIF-MEAL"),
    ("elders", "家庭医生上门随访", 0, "每周一、三 14:00–17:00", "LIF-MED"),
    ("disabled", "辅具租赁", 3, "工作日 9:00–17:00", "LIF-ACC"),
    ("children", "课后托管", 1, "上学日 16:00–18:00", "LIF-EDU"),
    ("families", "家政服务", 4, "每日 8:00–18:00", "LIF-ERR"),
    ("families", "法律咨询", 5, "每周二、五 9:00–11:30", "MED-LAW"),
    ("elders", "代购代办", 4, "每日 8:00–20:00", "LIF-ERR"),
    ("disabled", "无障碍设施改造", 3, "预约后三个工作日内上门评估", "LIF-ACC"),
    ("children", "学业辅导", 1, "每周三 16:30–18:00", "LIF-EDU"),
    ("families", "就业指导", 9, "工作日 9:00–17:00", "LIF-JOB"),
    ("elders", "慢病用药配送", 6, "工作日 9:00–18:00", "LIF-MED"),
    ("disabled", "残疾人就业推荐", 9, "每周三 9:00–11:30", "LIF-JOB"),
    ("children", "儿童疫苗接种提醒", 0, "工作日 8:00–11:30", "LIF-MED"),
    ("families", "家庭纠纷调解", 8, "工作日 9:00–17:00", "MED-FAM"),
    ("elders", "上门理发", 4, "每月15日 9:00–16:00", "LIF-ERR"),
    # Added during the year.
    ("elders", "上门助浴", 2, "每周二、四 9:00–11:30", "LIF-ERR"),
    ("disabled", "康复训练指导", 0, "每周二 14:00–16:00", "LIF-MED"),
    ("children", "假期托管班", 7, "寒暑假工作日 8:30–17:00", "LIF-EDU"),
    ("families", "社保医保办理指引", 9, "工作日 9:00–17:00", "POL-SOC"),
    ("elders", "老年人免费体检", 0, "每月第一个周六 8:00–11:00", "LIF-MED"),
    ("disabled", "上门送药", 6, "工作日 9:00–18:00", "LIF-MED"),
    ("children", "留守儿童陪伴", 8, "每周六 9:00–11:00", "LIF-EDU"),
    ("families", "困难家庭救助申请辅导", 2, "工作日 9:00–17:00", "POL-AID"),
    ("elders", "智能手机使用辅导", 7, "每周六 14:00–16:00", "LIF-EDU"),
    ("disabled", "心理疏导", 0, "每周四 14:00–17:00", "LIF-PSY"),
    ("children", "儿童心理咨询", 0, "每周五 14:00–17:00", "LIF-PSY"),
    ("families", "家电维修", 4, "每日 9:00–18:00", "LIF-FAC"),
    ("elders", "适老化改造评估", 3, "预约后三个工作日内", "LIF-ACC"),
    ("disabled", "手语翻译陪同", 3, "提前两天预约", "LIF-ERR"),
    ("children", "入学政策咨询", 1, "每年4–6月工作日 9:00–16:00", "POL-EDU"),
    ("families", "孕产妇健康指导", 0, "每周三 9:00–11:00", "LIF-MED"),
    ("elders", "紧急呼叫设备安装", 2, "工作日 9:00–17:00", "LIF-ERR"),
    ("disabled", "残疾人证办理指引", 3, "工作日 9:00–17:00", "POL-AID"),
    ("children", "青少年兴趣课堂", 7, "每周日 9:00–11:00", "LIF-EDU"),
    ("families", "婚姻家庭辅导", 8, "每周四 14:00–16:00", "MED-FAM"),
    ("children", "儿童安全教育", 7, "每月第二个周六 9:00–11:00", "LIF-EDU"),
    ("families", "居住证办理指引", 9, "工作日 9:00–17:00", "POL-RES"),
    ("families", "法律援助申请", 5, "工作日 9:00–17:00", "MED-LAW"),
    ("families", "家庭教育讲座", 1, "每月最后一个周六 14:00–16:00", "LIF-EDU"),
]
AT_START = 15
WITHDRAWN = "儿童疫苗接种提醒"  # moved to the health department's own app mid-year
