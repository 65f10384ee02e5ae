"""The part of a note that says what is wanted: a denied need and the small talk around the
request are dropped before the sub-category is chosen.

"不用帮我买菜，我是想问能不能每天给送一顿饭" names two services and asks for one; n-grams weigh
both alike, and the one denied (买菜, errands) often has the stronger words. A clause that opens
with a denial (不是 / 不用 / 不要 / 没有要 …) and is followed by another clause is the need the
resident does not have; so is the X of "不是X，是Y" in one clause. Greetings and small talk
("坐坐坐，喝口水", "天冷了你们还跑上来") carry words of no sub-category, or of the wrong one.

Only the sub-category reads the focused text. The emergency lexicon reads the whole note: its own
rules already drop a denied signal (没有着火), and a missed emergency costs more than a wrong
department.
"""

from __future__ import annotations

import re

# Clause boundaries: punctuation, spaces, ellipses.
CLAUSE_END = re.compile(r"[，。！？；：,.!?;:\n\s…~～、]+")
# A clause that opens with the resident denying a need: 不是问低保的事, 我不是来找工作的,
# 倒不是要钱, 不用给我送饭, 没有要吵架的意思. 不想 alone (不想活了) and 不要 alone (不要在楼道
# 堆东西, a complaint) are left out.
DENIAL = re.compile(
    r"^(?:我|俺|咱|我们|其实|也|这)?(?:倒|并|也|可)?(?:不是|不用|不需要|用不着|没有要|没有想要|没想要|不想要|不找|不为)"
)
# In one clause: 不是X的事是Y, 不是X而是Y (X short, so that a long clause is not cut by chance).
DENIED_IN_CLAUSE = re.compile(r"(?:不是|不用|不要)[^，。,]{1,12}?(?:的事|的问题)?(?=而是|主要是|就是|只是)")
# Small talk around the request; a clause made of it names no service.
SMALL_TALK = re.compile(
    "坐坐|坐吧|进屋坐|喝口水|喝茶|倒杯水|辛苦|天冷|天热|太阳好|下雨了|又来啦|又来了|来了来了|你们来了|又见面"
    "|刚下班|吃了吗|吃饭了吗|长得真|真精神|真漂亮|装修得真|不急不急|别嫌我|不怕你笑话|说出来丢人|说起来丢人"
    "|你们忙|我说完就走|人就是好|有耐心|信得过你们|没什么事|没什么大事|没多大事|也不是什么大事"
)


def clauses(text: str) -> list[str]:
    return [part for part in CLAUSE_END.split(text) if part]


def focused(text: str) -> str:
    """The clauses of `text` that state the need, joined by spaces; the whole text when nothing
    would be left (a note that only denies, or is only small talk)."""
    parts = clauses(text)
    kept = []
    for number, clause in enumerate(parts):
        if DENIAL.match(clause) and number + 1 < len(parts):
            continue
        if SMALL_TALK.search(clause):
            continue
        kept.append(DENIED_IN_CLAUSE.sub("", clause))
    return " ".join(kept) if kept else text
