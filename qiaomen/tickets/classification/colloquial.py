"""Colloquial Chinese to the standard words the corpus and the lexicons use, before features.

Grid workers type notes as residents speak: Sichuan (咋个, 啥子, 莫得, 屋头), Cantonese (冇, 唔,
咗, 嘅, 喺, 屋企), northern words (咋整, 贼冷, 俺, 埋汰), and pinyin-input slips that pick the
wrong character of the same sound (医宝 for 医保, 物叶 for 物业, 底保 for 低保). Character
n-grams survive a slip only partly: 物叶费 keeps 费 but loses 物业, the one bigram that says which
department. Mapping them to the standard form first gives the model and both lexicons the words
they were written for.

The tables were written by the team from common input-method slips and dialect glossaries, not
from any labelled test set. Only forms that mean nothing else in a demand are listed (唔 is
always "not"; 系 is left alone: 联系, 关系). A street can add its own slips here.
"""

from __future__ import annotations

import re

# Same-sound (or same-shape) slips of the words that decide a department, to the right word.
HOMOPHONES = {
    # social and medical insurance, assistance
    "医宝": "医保",
    "社宝": "社保",
    "养劳金": "养老金",
    "养劳": "养老",
    "认正": "认证",
    "底保": "低保",
    "低宝": "低保",
    "廉租方": "廉租房",
    "公租方": "公租房",
    "保障方": "保障房",
    "补帖": "补贴",
    "高令": "高龄",
    # residence, school, tutoring
    "居往证": "居住证",
    "居驻证": "居住证",
    "暂往证": "暂住证",
    "身分证": "身份证",
    "护口": "户口",
    "户藉": "户籍",
    "幼儿圆": "幼儿园",
    "学未": "学位",
    "学藉": "学籍",
    "手绪": "手续",
    "作叶": "作业",
    "作页": "作业",
    "付导": "辅导",
    "辅到": "辅导",
    # health, counselling, meals, errands
    "家庭医升": "家庭医生",
    "休检": "体检",
    "亦苗": "疫苗",
    "复珍": "复诊",
    "心里咨询": "心理咨询",
    "心里辅导": "心理辅导",
    "心里医生": "心理医生",
    "心里老师": "心理老师",
    "压立": "压力",
    "住餐": "助餐",
    "参厅": "餐厅",
    "老年参": "老年餐",
    "代构": "代购",
    "带办": "代办",
    "快第": "快递",
    # work and law
    "就叶": "就业",
    "创叶": "创业",
    "功作": "工作",
    "陪训": "培训",
    "工姿": "工资",
    "压金": "押金",
    "诈编": "诈骗",
    "援注": "援助",
    # housing estate, repairs, parking, environment, neighbours, family
    "物叶": "物业",
    "物页": "物业",
    "保按": "保安",
    "保浩": "保洁",
    "业委汇": "业委会",
    "电挮": "电梯",
    "电悌": "电梯",
    "路登": "路灯",
    "水笼头": "水龙头",
    "水厌": "水压",
    "停车味": "停车位",
    "娜车": "挪车",
    "冲电": "充电",
    "充电庄": "充电桩",
    "垃级": "垃圾",
    "拉圾": "垃圾",
    "老属": "老鼠",
    "早音": "噪音",
    "燥音": "噪音",
    "邻局": "邻居",
    "扰明": "扰民",
    "调节": "调解",
    "善养": "赡养",
    "离昏": "离婚",
    "家爆": "家暴",
    "遗厂": "遗产",
    "扶收": "扶手",
    "坡到": "坡道",
    "轮倚": "轮椅",
    "适老话": "适老化",
    "盲到": "盲道",
    # emergencies: the words the emergency lexicon looks for
    "煤汽": "煤气",
    "燃汽": "燃气",
    "着伙": "着火",
}

# Dialect words with one plain meaning in a demand, to Mandarin.
DIALECT = {
    # Sichuan and Chongqing
    "咋个": "怎么",
    "啥子": "什么",
    "莫得": "没有",
    "屋头": "家里",
    "老汉儿": "爸爸",
    "娃儿": "孩子",
    "晓得": "知道",
    "巴适": "舒服",
    "摆龙门阵": "聊天",
    "老辈子": "老人",
    "脑壳": "头",
    "一哈": "一下",
    "遭不住": "受不了",
    "一天到黑": "一整天",
    "腰杆": "腰",
    "茅厕": "厕所",
    "嘞个": "这个",
    "扯皮": "吵架",
    "隔壁子": "隔壁",
    "心头": "心里",
    "摔到了": "摔倒了",
    # Cantonese
    "唔该晒": "谢谢",
    "唔该": "麻烦",
    "唔见": "丢",
    "唔识": "不会",
    "唔俾": "不让",
    "郁唔到": "动不了",
    "唔郁": "不动",
    "冇": "没有",
    "唔": "不",
    "咗": "了",
    "嘅": "的",
    "啲": "些",
    "乜嘢": "什么",
    "咩": "什么",
    "喺": "在",
    "佢": "他",
    "睇": "看",
    "嚟": "来",
    "边度": "哪里",
    "边个": "谁",
    "点算": "怎么办",
    "点样": "怎样",
    "点解": "为什么",
    "屋企": "家里",
    "而家": "现在",
    "搵": "找",
    "揾": "找",
    "俾": "给",
    "咁": "这么",
    "攞": "拿",
    "几耐": "多久",
    "嘢": "东西",
    "瞓": "睡",
    "倾偈": "聊天",
    "嗌交": "吵架",
    "跌低": "摔倒",
    "落街": "下楼",
    "街市": "菜市场",
    "买餸": "买菜",
    "老细": "老板",
    "执笠": "倒闭",
    "返工": "上班",
    "阿嫲": "奶奶",
    "阿爷": "爷爷",
    "阿妈": "妈妈",
    "心抱": "儿媳",
    "细路仔": "孩子",
    "细路": "孩子",
    "隔篱": "隔壁",
    "成日": "整天",
    "车房": "车库",
    "嘈": "吵",
    "吠": "叫",
    "叫极": "怎么叫",
    "长者饭堂": "老年食堂",
    "补习": "补课",
    "lift": "电梯",
    # northern
    "咋整": "怎么办",
    "整不明白": "弄不明白",
    "咋弄": "怎么弄",
    "咋": "怎么",
    "啥": "什么",
    "俺们": "我们",
    "俺": "我",
    "埋汰": "脏",
    "唠嗑": "聊天",
    "闹心": "烦心",
    "嘎哈": "干什么",
    "干哈": "干什么",
    "瞅": "看",
    "老鼻子": "很多",
    "不得劲": "不舒服",
    "自个儿": "自己",
    "信儿": "消息",
    "栽倒": "摔倒",
    "吱声": "说话",
    "待业": "失业",
}

# Words that need their context: 贼 is "very" before an adjective (贼冷) and a thief otherwise
# (家里进贼了); 遭 is the passive (遭吓到) except in 遭遇, 遭殃, 遭罪, 遭受, 遭了 (糟了); 求 after a
# verb is a Sichuan expletive particle (跑求了); 紧 after a verb is Cantonese "-ing" (烧紧, 冒紧);
# slips that are also parts of ordinary words (和同事, 统一保管, 从大门进来, 下楼到超市, 一个女的)
# only where the slip is meant; 摔 an object (摔东西, 摔碗, 摔门) is throwing it, not a fall.
CONTEXTUAL = (
    (re.compile(r"贼(?=[好多大冷热吵臭烦难慢快贵累脏乱远差不能紧])"), "很"),
    (re.compile(r"遭(?![遇殃罪受了])"), "被"),
    (re.compile(r"(?<=[签订])和同|和同(?=[到期纠书])"), "合同"),
    (re.compile(r"一保(?=[能卡报不可的费])"), "医保"),
    (re.compile(r"门进(?=[卡坏])"), "门禁"),
    (re.compile(r"楼到(?=[里的灯口])"), "楼道"),
    (re.compile(r"(?<![一这那几两每某哪整半各])个仔"), "儿子"),
    (re.compile(r"(?<![一这那几两每某哪整半各])个女(?![人孩的生士子])"), "女儿"),
    (re.compile(r"摔(?=东西|碗|门|杯|盘|锅|瓶|手机|凳子|椅子)"), "砸"),
    (re.compile(r"(?<=[跑走忘搞整])求(?=了)"), ""),
    (re.compile(r"(?<=[烧冒喊叫漏])紧"), "着"),
)

_TABLE = {**DIALECT, **HOMOPHONES}
# Longest first: 唔该晒 before 唔该 before 唔, 咋整 before 咋.
_WORDS = re.compile("|".join(re.escape(word) for word in sorted(_TABLE, key=len, reverse=True)))


def standardise(text: str) -> str:
    """`text` (already NFKC-folded and lower-cased) with dialect words and slips in standard form."""
    text = _WORDS.sub(lambda match: _TABLE[match.group(0)], text)
    for pattern, replacement in CONTEXTUAL:
        text = pattern.sub(replacement, text)
    return text
