"""What residents ask for, when: the seasonal mix of demands over the default taxonomy.

Visits hear other demands than the QR page: at the door people ask about policies, meals and
errands; on their own they report what broke. Summer brings heat and power cuts, winter heating
and frozen pipes, spring the school places, and the days after a festival the rubbish. The texts
are residents' own words from the classifier's corpus, plus the seasonal ones below.
"""

from __future__ import annotations

import datetime as dt
import random
from functools import cache

from qiaomen.tickets.classification.corpus import corpus_examples

# Weights of each sub-category (taxonomy.md codes) on a visit and in a resident's own report.
VISIT_WEIGHTS = {
    "POL-SOC": 10, "POL-AID": 9, "POL-EDU": 3, "POL-RES": 4, "LIF-MEAL": 8, "LIF-ERR": 8, "LIF-MED": 7,
    "LIF-JOB": 4, "LIF-ACC": 3, "LIF-EDU": 3, "LIF-PSY": 2, "LIF-ENV": 4, "LIF-PARK": 2, "LIF-FAC": 6,
    "MED-NEI": 4, "MED-FAM": 2, "MED-PROP": 2, "MED-LAW": 2, "EMG-HEALTH": 0.4, "EMG-SAFE": 0.4,
}  # fmt: skip
REPORT_WEIGHTS = {
    "POL-SOC": 4, "POL-AID": 3, "POL-EDU": 2, "POL-RES": 3, "LIF-MEAL": 2, "LIF-ERR": 2, "LIF-MED": 3,
    "LIF-JOB": 2, "LIF-ACC": 1, "LIF-EDU": 1, "LIF-PSY": 1, "LIF-ENV": 12, "LIF-PARK": 8, "LIF-FAC": 14,
    "MED-NEI": 7, "MED-FAM": 2, "MED-PROP": 7, "MED-LAW": 2, "EMG-HEALTH": 0.8, "EMG-SAFE": 0.8,
}  # fmt: skip
# How likely a grid worker settles a demand of the sub-category at the door (before skill).
ON_SPOT = {
    "POL-SOC": 0.95, "POL-AID": 0.9, "POL-EDU": 0.9, "POL-RES": 0.95, "LIF-MEAL": 0.85, "LIF-ERR": 0.9,
    "LIF-MED": 0.7, "LIF-JOB": 0.85, "LIF-ACC": 0.3, "LIF-EDU": 0.8, "LIF-PSY": 0.7, "LIF-ENV": 0.6,
    "LIF-PARK": 0.5, "LIF-FAC": 0.4, "MED-NEI": 0.85, "MED-FAM": 0.75, "MED-PROP": 0.4, "MED-LAW": 0.5,
    "EMG-HEALTH": 0.0, "EMG-SAFE": 0.0,
}  # fmt: skip
# What a troubled building keeps reporting.
LASTING_PROBLEMS = ("LIF-FAC", "LIF-ENV", "MED-PROP", "LIF-PARK")

SEASONAL_TEXTS = {
    "summer": {
        "LIF-FAC": [
            "天太热了 楼里又停电了 空调开不了 老人受不了",
            "这几天高温 单元的电闸老跳 一开空调就断电",
            "楼道的电表箱烫手 一到晚上就停电",
        ],
        "EMG-HEALTH": ["楼上老人在家中暑晕倒了 叫不醒 快来人"],
    },
    "winter": {
        "LIF-FAC": [
            "天太冷 家里的水管冻裂了 一直漏水 没水用",
            "楼顶水箱的管子冻住了 整栋楼都停水",
            "暖气片不热 家里老人冻得睡不着",
        ],
        "EMG-SAFE": ["楼下有人在楼道里烧炭取暖 一股煤气味"],
    },
    "spring": {
        "POL-EDU": [
            "孩子九月上小学 学区入学登记在哪里报名",
            "我们是随迁子女 上小学要准备哪些材料",
            "孩子幼升小 积分入学怎么算 什么时候报名",
        ],
    },
    "festival": {
        "LIF-ENV": [
            "过完节楼下垃圾堆成山了 好几天没人清运",
            "节后小区里到处是鞭炮纸屑和快递箱 没人打扫",
            "节日里垃圾桶都满出来了 臭味很大",
        ],
    },
}


def seasons_of(day: dt.date, after_festival: bool) -> list[str]:
    seasons = []
    if day.month in (6, 7, 8, 9):
        seasons.append("summer")
    if day.month in (12, 1, 2):
        seasons.append("winter")
    if day.month in (3, 4, 5):
        seasons.append("spring")
    if after_festival:
        seasons.append("festival")
    return seasons


def season_factor(code: str, seasons: list[str]) -> float:
    """How much more common the sub-category is in these seasons."""
    factor = 1.0
    if "summer" in seasons and code in ("LIF-FAC", "EMG-HEALTH"):
        factor *= 2.5
    if "winter" in seasons and code in ("LIF-FAC", "EMG-SAFE"):
        factor *= 2.2
    if "spring" in seasons and code == "POL-EDU":
        factor *= 5.0
    if "festival" in seasons and code == "LIF-ENV":
        factor *= 5.0
    return factor


def demand_weights(base: dict[str, float], seasons: list[str]) -> dict[str, float]:
    return {code: weight * season_factor(code, seasons) for code, weight in base.items()}


def draw(rng: random.Random, weights: dict[str, float]) -> str:
    codes = list(weights)
    return rng.choices(codes, weights=[weights[code] for code in codes])[0]


@cache
def corpus_texts() -> dict[str, tuple[str, ...]]:
    texts: dict[str, list[str]] = {}
    for example in corpus_examples():
        texts.setdefault(example.code, []).append(example.text)
    return {code: tuple(lines) for code, lines in texts.items()}


def demand_text(rng: random.Random, code: str, seasons: list[str]) -> str:
    """A resident's words for a demand of the sub-category: the season's, or the corpus'."""
    seasonal = [text for season in seasons for text in SEASONAL_TEXTS.get(season, {}).get(code, [])]
    if seasonal and rng.random() < 0.6:
        return rng.choice(seasonal)
    return rng.choice(corpus_texts()[code])
