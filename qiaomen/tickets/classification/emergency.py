"""Emergency signals in a resident's words: a lexicon of patterns a person can read and extend.

A missed emergency costs far more than a false alarm. The lexicon is one of two nets: the other
is the trained model's own belief that a text is an emergency (classifier.suggest adds the two
EMG-* probabilities and treats a low total as enough). The lexicon catches the plain words
(摔倒, 煤气味, 着火 …) even in a text about something else; the model catches the indirect
phrasings residents really use (脸都紫了, 一动不动). Both are checked on every line of
corpus/emergency.txt and on the look-alikes of corpus/not_emergency.txt (false alarms measured).

A lexicon signal is dropped only when its own clause (or the one before) speaks of the past or
of prevention — 去年摔倒过, 怎么防止老人跌倒, 中风出院了 — and nothing there says it is now.

A symptom word (胸口闷, 喘不上气, 头晕 …) is not an emergency by itself: "想找心理咨询，最近老是
心慌睡不着" asks for a counsellor, "签家庭医生，我血压高头晕" for a home doctor. Symptom signals
alone are dropped when the note asks for such a service and nothing says it is acute (突然, 刚才,
叫不醒, 冷汗, 发紫 …); any other signal (摔倒, 叫不醒, 着火) keeps them all.

The lexicon reads the note with dialect words and input slips in standard form (colloquial.py):
摔到了 and 跌低 are 摔倒, 着伙 is 着火, 煤汽 is 煤气.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qiaomen.tickets.classification.colloquial import standardise
from qiaomen.tickets.classification.features import normalize

HEALTH = "EMG-HEALTH"
SAFE = "EMG-SAFE"


@dataclass(frozen=True)
class Pattern:
    name: str  # what the alert calls it
    kind: str  # the emergency sub-category it points to
    regex: re.Pattern[str]
    symptom: bool = False  # a symptom, which alone does not make a service request an emergency


def _p(name: str, kind: str, alternatives: str, *, symptom: bool = False) -> Pattern:
    """`alternatives`: regular expressions separated by spaces (none contains a space)."""
    return Pattern(name=name, kind=kind, regex=re.compile("|".join(alternatives.split())), symptom=symptom)


def _any(words: str) -> str:
    return "(?:" + "|".join(words.split()) + ")"


def _alternation(words: str) -> re.Pattern[str]:
    return re.compile("|".join(words.split()))


ELDER = _any(
    "独居 一个人住 一人住 孤寡 空巢 孤老 老人 老太 老头 老伯 阿婆 阿公 大爷 大妈 大娘 奶奶 爷爷 姥姥 姥爷 外婆 外公"
)
SEVERAL_DAYS = _any("几天 好几天 多天 [两二三四五六七八九十0-9]+天 一个?星期 一周 好久 几日 多日 一整天 一天")
SEVERAL_FULL_DAYS = _any("几天 好几天 多天 [两三四五六七八九十0-9]+天 一个?星期 一周 几日 多日")
NO_ANSWER = _any(
    "没开门 (?<!开)不开门 没人开 没人应 没人答应 没有人应 没应 没回应 不应 没见 没看见 没看到 没出门 没出来 没下楼"
    " 没露面"
    " 联系不上 打不通 没人接 不接 没动静 没声音 敲门没 没取 没拿 没拉开"
)

PATTERNS: tuple[Pattern, ...] = (
    # --- health -------------------------------------------------------------------------------
    _p(
        "摔倒",
        HEALTH,
        "摔倒 跌倒 滑倒 绊倒 摔了一跤 摔在地上 倒在地上 倒地 摔地上 跌在地上 从床上掉下来 从楼梯上滚 踩空"
        " 躺在.{0,4}地上 后脑勺着地",
    ),
    _p("起不来", HEALTH, "(?:爬|站|起)不起来 起不来 起不了身 动不了 动弹不得"),
    _p(
        "昏迷",
        HEALTH,
        "昏迷 晕倒 昏倒 晕过去 昏过去 晕厥 不省人事 人事不省 不醒人事 (?:叫|喊|推)[^，。]{0,3}不醒 叫不应"
        " 叫他不应 叫她不应 没(?:有|了)?意识 (?<!刷卡)(?<!按了)没反应 一动不动 没动静了"
        " 叫了.{0,4}(?:没|不)(?:动|答应|反应) 一直没醒 突然倒 倒下了 就倒了",
    ),
    _p(
        "胸口疼",
        HEALTH,
        "胸口(?:很|特别|好|一直)?(?:疼|痛|闷|憋) 捂着(?:胸口|心口) 胸痛 心口(?:疼|痛) 心绞痛 心脏病(?:犯|发) 心梗"
        " 石头压着",
        symptom=True,
    ),
    _p(
        "呼吸困难",
        HEALTH,
        "喘不(?:上|过来?)气 呼吸困难 上不来气 出不来气 透不过气 没(?:了|有)?呼吸 没气了 憋得(?:脸|满脸)"
        " 脸(?:都)?(?:紫|发青|青了) 嗓子发紧 哮喘犯 卡住了.{0,6}憋 呛着 噎住",
        symptom=True,
    ),
    _p(
        "中风",
        HEALTH,
        "中风 脑梗 脑溢血 脑出血 嘴歪 口眼歪斜 半边(?:身子|身体|脸) 脸一边 说不出话 说话说不清 口齿不清 含糊"
        " 舌头发硬 认不得人 说胡话 头痛得要炸",
        symptom=True,
    ),
    _p("抽搐", HEALTH, "抽搐 抽风 抽了几下 口吐白沫 嘴角.{0,3}白沫 癫痫(?:发作|犯) 浑身抽 手脚一直抖"),
    _p("高烧", HEALTH, "高烧 烧到(?:39|40|41|四十|三十九) 浑身滚烫", symptom=True),
    _p(
        "出血",
        HEALTH,
        "大出血 血流不止 止不住血 血止不住 流了(?:好多|很多|一地)血 血流了好多 吐了?(?:好多|很多)?血 满头是血 头破血流"
        " 在流血 都是血 见红 扎穿",
    ),
    _p(
        "想不开",
        HEALTH,
        "想不开 轻生 自杀 寻死 不想活了 活不下去 跳楼 跳下去 割腕 上吊 寻短见 一了百了 遗书 药我都吃了"
        " 吃了(?:一大把|好多|很多)(?:药|安眠药) 往水里走 站在.{0,6}边上 楼顶上站着 谢谢这些年",
    ),
    _p(
        "中毒",
        HEALTH,
        "中毒 误服 误吃 农药 吃错药 吞下去 吞了 烧炭 一直吐 过敏了",
    ),
    _p("急救", HEALTH, "救护车来 快叫救护车 打120 叫120 喊120 救命"),
    _p("落水", HEALTH, "溺水 落水 掉(?:进|到)(?:了)?(?:河|水|湖|塘|江|池|海)"),
    _p("烫伤", HEALTH, "烫伤 被开水烫 烧伤 被狗咬 咬伤 骨折 扭成那样"),
    _p("独居多日无应答", HEALTH, rf"{ELDER}.*{SEVERAL_DAYS}.*{NO_ANSWER} {SEVERAL_FULL_DAYS}.*{NO_ANSWER}"),
    _p("屋里有异味", HEALTH, rf"{ELDER}.*(?:屋里|家里|门口|门缝).*(?:臭味|异味|怪味)"),
    # --- safety -------------------------------------------------------------------------------
    _p(
        "着火",
        SAFE,
        "(?<![点打]不)着火 起火 失火 火灾 烧起来 火苗 明火 火光 火势 大火 烧着了 (?<!睡)(?<![点打]不)着了 冒火 火很快"
        " 火窜 火.{0,3}往 往.{0,6}蹿"
        " 烧了房子",
    ),
    _p(
        "冒烟",
        SAFE,
        "冒烟 冒白烟 冒黑烟 浓烟 黑烟 好多烟 都是烟 烟(?:很|特别|好)大 烟味(?:很|特别|好)?(?:大|重|浓) 烧焦 焦糊味"
        " 焦味 糊味 烧化 满屋子?(?:都是)?烟 烟雾报警器?(?:响|叫)",
    ),
    _p(
        "燃气泄漏",
        SAFE,
        "(?:煤气|燃气|然气|天然气|液化气|瓦斯)(?:味|泄漏|泄露|漏|管道?.{0,8}(?:漏|断|穿)) 漏(?:煤气|燃气|天然气)"
        " 臭鸡蛋味 还在出气 嘶嘶响 汽油 刺鼻 化学品味",
    ),
    _p(
        "被困",
        SAFE,
        "被困 困在 困住 关在电梯 卡在电梯 电梯.{0,8}(?:困|关(?:在|住|着)|卡|掉) 锁在.{0,4}(?:出不来|里面|车里)"
        " (?<!车子)(?<!车)出不来(?!水) (?<![餐门])卡在(?!一半) 卡住"
        " 关着个 掉进 掉下去",
    ),
    _p(
        "触电",
        SAFE,
        "火花 电线.{0,6}(?:烧|冒|着|短路|断) 短路 漏电 触电 电箱.{0,6}(?:冒|烧|响|泡)"
        " 电闸.{0,6}(?:冒|烧|火|焦|响|烫|泡|水) 电表箱.{0,4}(?:冒|烧)"
        " 插座.{0,4}(?:冒|烧|炸) 滋滋 高压线 线皮",
    ),
    _p("爆炸", SAFE, "爆炸 炸开 突然炸了 砰的一声"),
    _p(
        "坍塌",
        SAFE,
        "坍塌 (?<!天)塌了 要塌 倒塌 塌下来 塌方 冲垮 摇摇欲坠 掉下来砸 砸到人 砸坏 砸伤 高空坠物 往下掉 往下沉 往下滑"
        " 要掉下来"
        " 掉了一半 随时会掉 要倒了 往.{0,6}歪 晃来晃去 往外晃 在晃 裂(?:开|缝).{0,8}(?:大|宽|拳头)"
        " (?:裂|缝|水|火).{0,6}越来越大 承重墙"
        " 咔咔响 咔嚓声 脱落 缝.{0,16}(?:拳头|越来越)",
    ),
    _p(
        "水淹与漏电",
        SAFE,
        "水漫进 灌水 往里灌 淹到(?:屋|家|床) (?:滴|流|漏|泡).{0,8}(?:电闸|电箱|电灯|插座)"
        " 漏水.{0,6}(?:电|插座|电箱) 喷了一地",
    ),
    _p("坑洞与井盖", SAFE, "井盖.{0,6}(?:没了|偷|丢|不见|掀) 大黑洞 深坑 没盖的井 轿厢不在 窟窿"),
    _p(
        "暴力",
        SAFE,
        "拿(?:着)?.{0,2}刀 持刀 (?:菜|砍|水果)刀.{0,6}(?:追|砍|捅) 砍人 要杀 动刀 打得?流血 往死里打 泼汽油",
    ),
)

PAST_OR_PREVENTION = _alternation(
    "去年 前年 以前 上次 上回 之前 曾经 过去 那年 那次 小时候 年轻时 几年前 好多年前 上个月 上礼拜 上周 出院"
    " 以后 后遗症 康复"
    " 预防 防止 防范 怎么防 如何防 防摔 防滑 防火 避免 以免 免得 万一 如果 要是 假如 假设"
    " 担心.{0,6}会 怕.{0,6}会 宣传 讲座 培训 演练 演习 知识 科普 排查 检查一下 想装 安装 装个 装一个 扶手 怎么跑"
    " 费用 报销 医保 证 课"
)
# Fear or a question in the signal's own clause (怕孩子误吃, 能不能装个扶手), never the clause
# before: "我好怕，他晕倒了" is an emergency.
SAME_CLAUSE_DOUBT = _alternation("怕 担心 能不能 有没有 会不会 是不是 要不要 感觉整个人")
# Words that put it in the present, whatever came before (去年摔过，今天又摔倒了).
NOW = _alternation("现在 刚才 刚刚 今天 今早 今晚 正在 马上 快来 快点 赶紧 又 还在 此刻 这会儿 突然")
# A note that asks for a service rather than for help now: a counsellor, a home doctor, a check-up,
# a reimbursement, a mediation.
SERVICE_REQUEST = _alternation(
    "想找 想签 想约 想问 想请 想让 想申请 想做 想订 想给 想去 想预约 咨询 心理 辅导 疏导 开导 家庭医生 签约 随访"
    " 预约 挂号 体检 开药 复查 报销 能报 报多少 医保 调解 评评理 讨个说法 社区有没有"
)
# Words that a symptom is happening now and is serious, whatever the note asks for.
ACUTE = _alternation(
    "突然 刚才 刚刚 快来 救命 赶紧 马上 快点 120 救护车 冷汗 发紫 紫了 越来越 倒了 倒在 起不来 不行了 要命"
    " 晕过去 叫不醒 没反应 一直吐 吐血 抽搐 来一下 来一趟 派人 过来"
)
# A symptom followed by 了 that is not a duration (疼了一晚上, 闷了好几天): it has just come on.
JUST_CHANGED = re.compile(r"了(?![一好几两半整个多])")
# A verb followed by 过 is a past event: 摔倒过, 晕倒过, 困过人.
PAST_ASPECT = re.compile(r"^过")
NEGATED = re.compile(r"(?:没有?|不是|并没有?|未|无)人?$")
CLAUSE_END = re.compile(r"[，。！？；,.!?;\n\s…~～、]+")


@dataclass(frozen=True)
class Signal:
    name: str
    kind: str
    words: str  # the resident's words that matched


def _clauses(text: str) -> list[tuple[int, int]]:
    spans = []
    start = 0
    for separator in CLAUSE_END.finditer(text):
        if separator.start() > start:
            spans.append((start, separator.start()))
        start = separator.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans or [(0, len(text))]


def _clause_at(spans: list[tuple[int, int]], position: int) -> int:
    for number, (start, end) in enumerate(spans):
        if start <= position < end:
            return number
    return len(spans) - 1


def _discounted(text: str, spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Past, prevention or negated: the clause or the one before says so, and nothing says now."""
    number = _clause_at(spans, start)
    clause_start, clause_end = spans[number]
    # The clause without the signal's own words: 晕过去 holds 过去 ("the past") by accident.
    clause = text[clause_start:start] + " " + text[end:clause_end]
    if NOW.search(clause):
        return False
    if NEGATED.search(text[clause_start:start]) or PAST_ASPECT.match(text[end:]) or SAME_CLAUSE_DOUBT.search(clause):
        return True
    before = text[spans[number - 1][0] : spans[number - 1][1]] if number > 0 else ""
    return bool(PAST_OR_PREVENTION.search(clause) or PAST_OR_PREVENTION.search(before))


def emergency_signals(text: str) -> list[Signal]:
    """The emergency signals in `text`, at most one per pattern, in the lexicon's order; symptom
    signals alone in a request for a service are none (the module's docstring says why)."""
    text = standardise(normalize(text))
    spans = _clauses(text)
    found: list[tuple[Pattern, re.Match[str]]] = []
    for pattern in PATTERNS:
        for match in pattern.regex.finditer(text):
            if match.group(0) and not _discounted(text, spans, match.start(), match.end()):
                found.append((pattern, match))
                break
    if _one_symptom_in_a_service_request(text, found):
        return []
    return [Signal(name=pattern.name, kind=pattern.kind, words=match.group(0)) for pattern, match in found]


def _one_symptom_in_a_service_request(text: str, found: list[tuple[Pattern, re.Match[str]]]) -> bool:
    """One symptom and nothing else, in a note that asks for a service, with no word that it is
    acute. Two kinds of symptom together (胸口闷得说不出话, 烧到40度 + 说胡话) and a symptom said
    as a change (喘不上气了, but not 疼了一晚上) are kept: a missed emergency costs more than a visit."""
    if len(found) != 1 or not found[0][0].symptom:
        return False
    if JUST_CHANGED.match(text, found[0][1].end()):
        return False
    return bool(SERVICE_REQUEST.search(text)) and not ACUTE.search(text)
