"""Emergency signals in a resident's words: a lexicon of patterns, not the statistical model.

A missed emergency costs far more than a false alarm, so these are rules a person can read and
extend, checked on every line of corpus/emergency.txt (all must fire) and on the look-alikes
of corpus/not_emergency.txt (the false-alarm rate is measured, and kept under a bound).

A signal is dropped only when its own clause (or the one before it) speaks of the past or of
prevention — 去年摔倒过, 怎么防止老人跌倒 — and nothing in the clause says it is happening now.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

HEALTH = "EMG-HEALTH"
SAFE = "EMG-SAFE"


@dataclass(frozen=True)
class Pattern:
    name: str  # what the alert says, in the residents' language
    kind: str  # the emergency sub-category it points to
    regex: re.Pattern[str]


def _p(name: str, kind: str, *alternatives: str) -> Pattern:
    return Pattern(name=name, kind=kind, regex=re.compile("|".join(alternatives)))


def _any(*words: str) -> str:
    return "(" + "|".join(words) + ")"


ELDER = _any(
    "独居",
    "一个人住",
    "一人住",
    "孤寡",
    "空巢",
    "孤老",
    "老人",
    "老太",
    "老头",
    "老伯",
    "阿婆",
    "阿公",
    "大爷",
    "大妈",
    "大娘",
    "奶奶",
    "爷爷",
    "姥姥",
    "姥爷",
    "外婆",
    "外公",
)
SEVERAL_DAYS = r"(几天|好几天|多天|[两二三四五六七八九十0-9]+天|一个?星期|一周|好久|几日|多日)"
NO_ANSWER = (
    r"(没开门|不开门|没人开|没人应|没人答应|没有人应|没应|没回应|不应|没见|没看见|没看到|没出门|没出来|没下楼"
    r"|没露面|联系不上|打不通|没人接|不接电话|没动静|没声音|敲门没|没取|没拿)"
)

PATTERNS: tuple[Pattern, ...] = (
    # --- health -------------------------------------------------------------------------------
    _p(
        "摔倒",
        HEALTH,
        r"摔倒",
        r"跌倒",
        r"滑倒",
        r"绊倒",
        r"摔了一跤",
        r"摔了一下",
        r"摔在地上",
        r"倒在地上",
        r"倒地",
        r"摔地上",
        r"跌在地上",
        r"从床上掉下来",
        r"摔下来",
    ),
    _p("起不来", HEALTH, r"(爬|站|起)不起来", r"起不来", r"起不了身", r"动不了了", r"动弹不得"),
    _p(
        "昏迷",
        HEALTH,
        r"昏迷",
        r"晕倒",
        r"昏倒",
        r"晕过去",
        r"昏过去",
        r"晕厥",
        r"不省人事",
        r"不醒人事",
        r"叫不醒",
        r"喊不醒",
        r"叫不应",
        r"没有?意识",
        r"没反应了",
        r"休克",
        r"人事不省",
    ),
    _p(
        "胸口疼",
        HEALTH,
        r"胸口(很|特别|好|一直)?(疼|痛|闷|憋)",
        r"胸痛",
        r"心口(疼|痛)",
        r"心绞痛",
        r"心脏病(犯|发)",
        r"心梗",
    ),
    _p(
        "喘不上气",
        HEALTH,
        r"喘不(上|过)气",
        r"呼吸困难",
        r"上不来气",
        r"憋得慌",
        r"透不过气",
        r"没(了)?呼吸",
        r"没气了",
    ),
    _p(
        "中风",
        HEALTH,
        r"中风",
        r"脑梗",
        r"脑溢血",
        r"脑出血",
        r"嘴歪",
        r"口眼歪斜",
        r"半边(身子|身体|脸)",
        r"说不出话",
        r"口齿不清",
        r"舌头发硬",
        r"一边手脚",
    ),
    _p("抽搐", HEALTH, r"抽搐", r"抽风", r"口吐白沫", r"癫痫(发作|犯)", r"浑身抽"),
    _p("高烧", HEALTH, r"高烧(不退)?", r"烧到(39|40|41|四十|三十九)"),
    _p(
        "大出血",
        HEALTH,
        r"大出血",
        r"血流不止",
        r"流了(好多|很多|一地)血",
        r"吐血",
        r"止不住血",
        r"满头是血",
        r"头破血流",
    ),
    _p(
        "想不开",
        HEALTH,
        r"想不开",
        r"轻生",
        r"自杀",
        r"寻死",
        r"不想活",
        r"活不下去",
        r"跳楼",
        r"割腕",
        r"上吊",
        r"寻短见",
        r"一了百了",
        r"吃了(一大把|好多|很多)(药|安眠药)",
    ),
    _p("中毒", HEALTH, r"中毒", r"误服", r"喝了农药", r"吃错药"),
    _p("急救", HEALTH, r"救护车", r"打120", r"叫120", r"喊120", r"急救"),
    _p(
        "独居多日无应答",
        HEALTH,
        rf"{ELDER}.*{SEVERAL_DAYS}.*{NO_ANSWER}",
        rf"{SEVERAL_DAYS}.*{NO_ANSWER}.*{ELDER}",
        rf"{ELDER}.*{NO_ANSWER}.*{SEVERAL_DAYS}",
    ),
    _p("屋里有异味", HEALTH, rf"{ELDER}.*(屋里|家里|门口|门缝).*(臭味|异味|怪味)"),
    # --- safety -------------------------------------------------------------------------------
    _p(
        "着火",
        SAFE,
        r"着火",
        r"起火",
        r"失火",
        r"火灾",
        r"烧起来",
        r"火苗",
        r"明火",
        r"火光",
        r"火势",
        r"大火",
        r"烧着了",
    ),
    _p(
        "冒烟",
        SAFE,
        r"冒烟",
        r"浓烟",
        r"黑烟",
        r"烟(很|特别|好)?大",
        r"烟味(很|特别|好)?(大|重|浓)",
        r"烧焦",
        r"焦糊味",
        r"糊味",
        r"呛人的烟",
        r"满屋子?(都是)?烟",
        r"烟雾报警(器)?(响|叫)",
    ),
    _p(
        "燃气泄漏",
        SAFE,
        r"(煤气|燃气|天然气|液化气|瓦斯)(味|泄漏|泄露|漏)",
        r"漏(煤气|燃气|天然气)",
        r"漏气",
        r"气味(很|特别)?(大|重|浓).*(燃气|煤气)",
    ),
    _p(
        "被困",
        SAFE,
        r"被困",
        r"困在",
        r"困住",
        r"关在电梯",
        r"卡在电梯",
        r"电梯.{0,6}(困|关|卡).{0,3}(人|住|里)",
        r"锁在.{0,4}(出不来|里面)",
        r"出不来了",
    ),
    _p(
        "电线冒火花",
        SAFE,
        r"火花",
        r"打火花",
        r"电线.{0,6}(烧|冒|着|短路)",
        r"短路",
        r"漏电",
        r"触电",
        r"电箱.{0,4}(冒|烧|响)",
        r"电表箱.{0,4}(冒|烧)",
        r"插座.{0,4}(冒|烧|炸)",
    ),
    _p("爆炸", SAFE, r"爆炸", r"炸开", r"炸了一声", r"砰的一声.{0,6}(炸|烟|火)"),
    _p(
        "坍塌",
        SAFE,
        r"坍塌",
        r"塌了",
        r"要塌",
        r"倒塌",
        r"塌下来",
        r"塌方",
        r"摇摇欲坠",
        r"掉下来砸",
        r"砸到人",
        r"砸伤",
        r"高空坠物",
        r"往下掉(砖|水泥|石头|东西)",
        r"外墙.{0,4}(脱落|掉)",
    ),
    _p("淹水", SAFE, r"水漫进", r"进水了.{0,6}(电|插座)", r"淹到(屋|家|床)", r"漏水.{0,6}(电|插座|电箱)"),
    _p("持刀伤人", SAFE, r"拿(着)?刀", r"持刀", r"砍人", r"要杀", r"动刀", r"打得?流血", r"往死里打"),
)

PAST_OR_PREVENTION = re.compile(
    r"去年|前年|以前|上次|上回|之前|曾经|过去|那年|那次|小时候|年轻时|几年前|好多年前"
    r"|预防|防止|防范|怎么防|如何防|防摔|防滑|防火|避免|以免|免得|万一|如果|要是|假如|假设|担心.{0,6}会|怕.{0,6}会"
    r"|宣传|讲座|培训|演练|演习|知识|科普|排查|检查一下|有没有|是否|能不能装|想装|安装|装个|装一个|扶手"
)
# Words that put it in the present, whatever came before (去年摔过，今天又摔倒了).
NOW = re.compile(r"现在|刚才|刚刚|刚|今天|今早|今晚|今天早上|正在|马上|快来|快点|赶紧|又|还在|一直|此刻|这会儿")
# A verb followed by 过 is a past event: 摔倒过, 晕倒过, 着过火.
PAST_ASPECT = re.compile(r"^[过]")
NEGATED = re.compile(r"(没有?|不是|并没有?|未|无)(人)?$")
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
    return spans


def _clause_at(spans: list[tuple[int, int]], position: int) -> int:
    for number, (start, end) in enumerate(spans):
        if start <= position < end:
            return number
    return len(spans) - 1


def _discounted(text: str, spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Past, prevention or negated: the clause or the one before says so, and nothing says now."""
    number = _clause_at(spans, start)
    clause_start, clause_end = spans[number]
    clause = text[clause_start:clause_end]
    if NOW.search(clause):
        return False
    if NEGATED.search(text[clause_start:start]):
        return True
    if PAST_ASPECT.match(text[end:]):
        return True
    before = text[spans[number - 1][0] : spans[number - 1][1]] if number > 0 else ""
    return bool(PAST_OR_PREVENTION.search(clause) or PAST_OR_PREVENTION.search(before))


def emergency_signals(text: str) -> list[Signal]:
    """The emergency signals in `text`, one per pattern, in the order of the lexicon."""
    spans = _clauses(text)
    signals = []
    for pattern in PATTERNS:
        for match in pattern.regex.finditer(text):
            if match.group(0) and not _discounted(text, spans, match.start(), match.end()):
                signals.append(Signal(name=pattern.name, kind=pattern.kind, words=match.group(0)))
                break
    return signals
