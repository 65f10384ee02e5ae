"""Everyday words per sub-category: one extra feature per code, "a word of this code's list is in
the text", beside the character n-grams.

Sixty lines a code cannot teach the model every way residents name a thing (物管 for 物业, 挪车
for 停车, 工钱 for 工资); a person can list them. The lists here are the default, written by the
team from how residents speak (never from the held-out lines); an installation adds its own
through the `keywords` of its sub-categories (the taxonomy admin), which `train_classifier`
merges in (training.installation_lexicon). The model stores the lists it was trained with, so
prediction needs no database.

The two emergency codes keep only the taxonomy's plain words: the emergency lexicon (emergency.py)
reads the rest with their context.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from qiaomen.tickets.classification.features import normalize

# The weight of a code's lexicon feature beside the unit-length n-gram blocks; chosen by 5-fold
# cross-validation on the train part (0.2 / 0.3 / 0.4 / 0.5 / 1.0 tried).
LEXICON_WEIGHT = 0.3

_WORDS = {
    "POL-SOC": "社保 医保 养老保险 报销 参保 退休金 养老金 交社保 断缴 补缴 医保卡 社保卡 异地就医 住院报销 大病保险"
    " 缴费 灵活就业 城乡居民 新农合 退休 生存认证 个人账户 缴费年限",
    "POL-AID": "低保 补贴 救助 廉租房 公租房 困难 津贴 低保户 特困 残疾补贴 高龄补贴 临时救助 保障房 租房补贴 困难户"
    " 生活困难 补助 救济 五保 孤儿 优抚 申请 没收入 揭不开锅 房租太贵 住房",
    "POL-EDU": "入学 上学 学位 幼儿园 小学 初中 转学 报名 划片 学区 招生 借读 积分入学 择校 插班 一年级 入园 学籍 读书"
    " 学校 开学",
    "POL-RES": "居住证 户口 落户 户籍 身份证 迁户 户口本 迁出 迁入 暂住证 积分落户 分户 补办 派出所 办证 集体户 上户口"
    " 改名 外地人 证件 登记",
    "LIF-MEAL": "助餐 送餐 吃饭 食堂 老年餐 做饭 饭菜 午饭 晚饭 盒饭 饭堂 订餐 配餐 送饭 一顿 饭钱 饭 菜 吃的 做不动"
    " 牙口 软一点 清淡",
    "LIF-ERR": "代购 代办 买菜 买药 跑腿 取药 帮忙买 帮我买 帮着 捎 带点 取快递 交电费 交水费 充值 办事 跑一趟 帮忙去"
    " 不会用手机 寄 代交",
    "LIF-MED": "看病 家庭医生 体检 血压 复诊 上门 护理 医生 开药 量血压 血糖 打针 输液 康复 慢性病 签约 疫苗 换药"
    " 卫生服务中心 社区医院 挂号 检查 药 护工 糖尿病 心电图 抽血 化验 拍片 b超 随访",
    "LIF-JOB": "就业 工作 找工作 失业 培训 招聘 上班 岗位 技能 简历 面试 再就业 失业金 零工 活儿 没活干 下岗 应聘 创业"
    " 毕业 挣钱 赚钱 干活 工厂 月薪",
    "LIF-ACC": "无障碍 扶手 轮椅 坡道 适老化 台阶 门槛 防滑 拐杖 助行器 上下楼 残疾 盲道 坐便 马桶 加装 改造 腿脚"
    " 行动不便 推车 爬楼",
    "LIF-EDU": "辅导 作业 功课 补课 学习 写作业 成绩 数学 英语 语文 考试 托管 四点半 课后 家教 放学 跟不上 上课 老师"
    " 题",
    "LIF-PSY": "心理 抑郁 焦虑 失眠 情绪 孤独 心里 难受 想哭 睡不着 烦 压力 闷 没人说话 聊聊 心情 想不通 憋屈 难过 发呆"
    " 一个人 寂寞 没意思 不开心 哭",
    "LIF-ENV": "垃圾 清运 卫生 异味 污水 老鼠 堆放 臭 苍蝇 蚊子 蟑螂 脏 清理 垃圾桶 垃圾站 狗屎 落叶 积水 化粪池 排污"
    " 臭味 味道 乱扔 没人收 环卫 保洁",
    "LIF-PARK": "停车 车位 占道 乱停 停车位 电动车 充电桩 挡住 堵住 挪车 停满 车库 停车费 车 堵门 消防通道 停不下"
    " 没地方停",
    "LIF-FAC": "电梯 路灯 水管 漏水 维修 坏了 路面 井盖 灯不亮 声控灯 下水道 堵了 水龙头 修 屋顶 渗水 墙皮 门禁 单元门"
    " 窗户 自来水 停水 水压 暖气 楼道灯 报修 坏 不亮 松了",
    "MED-NEI": "邻居 噪音 吵架 纠纷 楼上 漏水到 楼下 隔壁 对门 吵 装修 狗叫 占用 油烟 晾衣 脚步声 半夜 跳 扰民 不讲理"
    " 吵得 遛狗 堆东西 楼道里堆 新搬来 邻里 拍球",
    "MED-FAM": "家暴 离婚 家庭矛盾 赡养 子女不管 老公 老婆 儿媳 婆婆 打我 分家 房产 遗产 抚养费 抚养 不孝 儿子 女儿"
    " 媳妇"
    " 丈夫 闹 动手 家里人 兄弟 姐妹 爸妈 骂我 拌嘴 两口子 老两口 再婚 后妈 姊妹",
    "MED-PROP": "物业 物业费 业委会 小区管理 保安 物业公司 公共收益 维修基金 不管事 收费 保洁 绿化 物管 涨价 不作为"
    " 门卫"
    " 管理处",
    "MED-LAW": "欠薪 工资 合同 律师 法律 维权 起诉 工钱 押金 房东 赔偿 欠钱 借钱 打官司 法院 仲裁 辞退 老板 包工头 骗"
    " 诈骗 借条 不还 拖欠 劳动 签",
    "EMG-HEALTH": "摔倒 晕倒 昏迷 急病 受伤 不省人事 心脏",
    "EMG-SAFE": "火灾 着火 冒烟 燃气 煤气 漏气 坍塌 被困",
}

DEFAULT_LEXICON: dict[str, tuple[str, ...]] = {code: tuple(words.split()) for code, words in _WORDS.items()}

Lexicon = Mapping[str, Iterable[str]]


def merged(*lexicons: Lexicon) -> dict[str, tuple[str, ...]]:
    """The union of several lexicons, words normalised as the text is, each once, in order."""
    result: dict[str, list[str]] = {}
    for lexicon in lexicons:
        for code, words in lexicon.items():
            listed = result.setdefault(code, [])
            for word in words:
                word = normalize(word).strip()
                if word and word not in listed:
                    listed.append(word)
    return {code: tuple(words) for code, words in sorted(result.items()) if words}


def hits(normalised: str, words: Iterable[str]) -> list[str]:
    """The listed words found in an already normalised text, longest first."""
    return sorted((word for word in words if word in normalised), key=len, reverse=True)
