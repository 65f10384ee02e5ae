"""One visit note, several demands (issue 16): "老人说电梯坏了一个礼拜，另外想问下高龄补贴咋个申请，
还有楼下垃圾没人收" becomes three demands, each with its sub-category, priority and department
and the words it came from, for the worker to confirm, edit or drop before any becomes a ticket.

How: the note is cut into clauses (clauses.py), each clause is classified with `suggest`, and
neighbouring clauses that are one demand are grouped again: the same sub-category, or a clause
the model is unsure of whose best guesses include its neighbour's. A clause that asks for
nothing (走访7栋, 其他都还好, 已经打120了 on its own) is chit-chat: it starts no demand and is left
out of the spans, unless it lies between two clauses of one demand.

An emergency is never lost to the splitting: a clause in which the lexicon (emergency_signals) or
the model hears an emergency is never chit-chat and never folds into a calm neighbour, and every
signal the lexicon finds in the whole note (some patterns run across a comma: 老人……好几天……
没开门) ends up in a demand that raises the alarm.

Pure Python over the classifier; the taxonomy is read once per note unless the caller passes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from qiaomen.tickets.classification import EMERGENCY_CODES, Suggestion, active_taxonomy, suggest
from qiaomen.tickets.classification.clauses import CONNECTIVE, Clause, clauses_of
from qiaomen.tickets.classification.emergency import emergency_signals
from qiaomen.tickets.classification.features import normalize

if TYPE_CHECKING:
    from qiaomen.tickets.models import Subcategory

# A clause with fewer Chinese characters than this says too little to be a demand of its own
# (唉, 都臭了, 贼埋汰): it reads as a remark on its neighbour.
MIN_CHARACTERS = 4
# What a grid worker writes about the visit rather than for the resident: arriving, the weather,
# chatting, what was already done on the spot, "nothing else". Only chit-chat when the model is
# unsure too, so that 已经三天没人收垃圾 stays a demand.
CHATTER = re.compile(
    r"走访|入户|回访|走了|敲门|开门|家常|聊了|聊天|喝茶|看电视|照片|热情|心情|挺好|还好|满意|干净|下雨|雨大|天气|"
    r"没啥|没什么|莫得|没有?(?:其他|别的)|其他(?:的|都)|有意见|好像|"
    r"已经?(?:打|叫|报|通知|联系|送|陪|让|疏散|拉|扑灭|围|把)|陪着|在路上|围了|赶过去|赶到|吓坏|吓得|没办法|服了|唉|哎"
)
CHATTER_CONFIDENCE = 0.7
# Someone is well: said of the visit, never a demand, however sure the model is that a mood is
# one (心情 leans to counselling). 心情不好 does not match.
CHEERFUL = re.compile(r"心情(?:很|挺|还|特别|蛮|比较)?(?:好|不错)|精神(?:很|挺|还)?(?:好|不错)")
# A clause the model is this unsure of joins the demand before it when that demand's sub-category
# is among the clause's best guesses: it is more likely a detail of that demand than a new one.
WEAK_CONFIDENCE = 0.5
WEAK_ALTERNATIVES = 2
# Below this the model has no idea: the clause is a detail of the demand before it, whatever that
# is (大家都有意见, 问需要啥子手续).
NO_IDEA_CONFIDENCE = 0.3
# Below this a calm clause is also read with the clause after it: a few words name too little to be
# classified alone (搬家公司来拉东西 reads as anything; before 砸坏了柜子不认账 it is that demand's
# lead-in). When the two read together take the next clause's sub-category, the first opens that
# demand and the two are one. The next clause must be as sure as this at least, and no connective
# (另外, 还有 …) may stand between them: that is the worker's own word that a new demand starts.
# Chosen on the labelled set's dev half only; folding an unsure clause into the demand before it
# was tried too and changed nothing there at this level, more demands lost than fragments saved
# above it.
CONTEXT_CONFIDENCE = 0.4
CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class SplitDemand:
    span: str  # the worker's words, exactly note[start:end]
    start: int
    end: int
    code: str
    priority: str
    department: str  # the department's code
    confidence: float
    # The alarm, for staff: the emergency words heard in the span; empty if none.
    emergency: list[str]
    # The next best sub-categories, for the worker who corrects a demand.
    alternatives: list[tuple[str, float]]

    @property
    def is_emergency(self) -> bool:
        return bool(self.emergency)


@dataclass(frozen=True)
class _Read:
    """A clause (or clauses fused across a signal) with what the classifier made of it."""

    clause: Clause
    suggestion: Suggestion
    # The lexicon's signals heard in this clause, by itself or in the whole note (a pattern that
    # runs across a comma, a clause before that says 现在): never lost.
    heard: tuple[str, ...]
    # The model alone raised the alarm, and the clause read with its neighbours raises it too. A
    # fragment's alarm is not trusted alone: the model's thresholds were set on whole texts, and a
    # few words (小伙子刚从厂里出来, 俺家老爷子九十了) lean to an emergency for want of anything else.
    model_alarm: bool

    @property
    def alarm(self) -> bool:
        return bool(self.heard) or self.model_alarm

    @property
    def chatter(self) -> bool:
        if self.alarm:
            return False
        text, confidence = self.clause.text, self.suggestion.confidence
        if self.suggestion.is_emergency or self.suggestion.code in EMERGENCY_CODES:
            # An emergency reading that nothing confirmed: a fragment that leans to an emergency
            # for want of anything else (小伙子刚从厂里出来, 俺家老爷子九十了) is a remark on its
            # neighbour; its next best reading was tried and made more wrong demands than right.
            return True
        if len(CJK.findall(text)) < MIN_CHARACTERS or CHEERFUL.search(text):
            return True  # a remark
        return bool(CHATTER.search(text)) and confidence < CHATTER_CONFIDENCE

    def joins(self, group: list[_Read]) -> bool:
        """Whether this clause is more of the demand that `group` holds."""
        head = group[0].suggestion
        if self.suggestion.code == head.code:
            return True
        if self.alarm or any(read.alarm for read in group):
            return False  # an emergency never folds into a calm demand, nor a calm clause into it
        confidence = self.suggestion.confidence
        guesses = [code for code, _probability in self.suggestion.alternatives[:WEAK_ALTERNATIVES]]
        return confidence < NO_IDEA_CONFIDENCE or (confidence < WEAK_CONFIDENCE and head.code in guesses)


def note_split(text: str, *, taxonomy: dict[str, Subcategory] | None = None) -> list[SplitDemand]:
    """The demands in a visit note, in the note's order.

    A note that asks for nothing holds no demand, and the answer is an empty list, not an error,
    so that a sync job can pass every note through: a blank note, punctuation only, or a note
    that is chit-chat whether read clause by clause or whole (谢谢你们，辛苦了). The note stays a
    note; the worker can still add a demand by hand. `taxonomy`: active_taxonomy(), read once by
    a caller that splits many notes.
    """
    cut = clauses_of(text)
    signals = _signal_regions(text, cut)
    clauses = _fused(text, cut, signals)
    if not clauses:  # blank, or punctuation only
        return []
    subcategories = taxonomy if taxonomy is not None else active_taxonomy()
    reads = [_read(text, clauses, number, subcategories, signals) for number in range(len(clauses))]
    groups: list[list[_Read]] = []
    for number, read in enumerate(reads):
        if read.chatter or (groups and _aftermath(read, groups[-1])):
            continue
        if groups and read.joins(groups[-1]):
            groups[-1].append(read)
        else:
            groups.append([_opening(text, read, reads[number + 1 :], subcategories)])
    if not groups and len(clauses) > 1:
        # Every clause read as chit-chat: the note is read whole, as `suggest` reads any text.
        whole = Clause(start=clauses[0].start, end=clauses[-1].end, text=text[clauses[0].start : clauses[-1].end])
        read = _read(text, [whole], 0, subcategories, signals)
        groups = [] if read.chatter else [[read]]
    return [_demand(text, group) for group in groups]


def _read(
    note: str,
    clauses: list[Clause],
    number: int,
    subcategories: dict[str, Subcategory],
    signals: list[tuple[str, int, int]],
) -> _Read:
    clause = clauses[number]
    suggestion = suggest(clause.text, taxonomy=subcategories)
    heard = _heard(clause, signals)
    # A clause that is the whole note is read as `suggest` reads any text: its alarm is trusted.
    model_alarm = suggestion.is_emergency and len(clauses) == 1
    if suggestion.is_emergency and not heard and not model_alarm:
        # Confirmed by the clause read with its calm neighbours only: beside a clause the lexicon
        # alarms on (已经叫了119 after 电梯卡住了), the model hears that one, and it raises the alarm.
        neighbours = [clauses[n] for n in (number - 1, number + 1) if 0 <= n < len(clauses)]
        if neighbours and not any(_heard(neighbour, signals) for neighbour in neighbours):
            context = note[clauses[max(number - 1, 0)].start : clauses[min(number + 1, len(clauses) - 1)].end]
            model_alarm = suggest(context, taxonomy=subcategories).is_emergency
    return _Read(clause=clause, suggestion=suggestion, heard=heard, model_alarm=model_alarm)


def _aftermath(read: _Read, group: list[_Read]) -> bool:
    """A calm clause with chit-chat's words right after an emergency: what was already done about
    it (已联系家属, 已经打了抢修电话) or a guess at it (好像是楼上), however sure the model is of
    its own reading; the emergency's demand is enough."""
    return not read.alarm and group[-1].alarm and bool(CHATTER.search(read.clause.text))


def _unsure(read: _Read) -> bool:
    """A calm clause the model reads with too little confidence to trust it alone."""
    return not read.alarm and read.suggestion.confidence < CONTEXT_CONFIDENCE


def _announced(note: str, before: _Read, after: _Read) -> bool:
    """Whether the worker wrote a connective (另外, 还有, 顺便 …) between two clauses: their own
    word that a new demand starts there, which a context reading does not overrule."""
    return bool(CONNECTIVE.search(note, before.clause.end, after.clause.start))


def _opening(note: str, read: _Read, following: list[_Read], subcategories: dict[str, Subcategory]) -> _Read:
    """An unsure clause that, read with the next calm clause the model is sure of, takes that
    clause's sub-category: the lead-in of that demand, which then joins it as one."""
    after = next((other for other in following if not other.chatter), None)
    if after is None or not _unsure(read) or after.alarm or _unsure(after) or _announced(note, read, after):
        return read
    together = suggest(note[read.clause.start : after.clause.end], taxonomy=subcategories)
    if together.code != after.suggestion.code or together.is_emergency:
        return read
    return replace(read, suggestion=together)


def _heard(clause: Clause, signals: list[tuple[str, int, int]]) -> tuple[str, ...]:
    """The lexicon's signals in the clause: the whole note's that overlap it, and its own."""
    names = [name for name, start, end in signals if _overlaps(clause, start, end)]
    names += [signal.name for signal in emergency_signals(clause.text)]
    return tuple(dict.fromkeys(names))


def _demand(note: str, group: list[_Read]) -> SplitDemand:
    """One demand from its clauses: the span runs from the first to the last; the sub-category is
    the alarmed clause's if any, else the surest of those that share the first clause's; the
    alarm is raised if any clause raised it."""
    first, last = group[0].clause, group[-1].clause
    code = group[0].suggestion.code
    head = max(group, key=lambda read: (read.alarm, read.suggestion.code == code, read.suggestion.confidence))
    suggestion = head.suggestion
    # What staff read: the classifier's own words for the alarm, or the lexicon's names for it
    # when only the whole note heard it; a fragment's alarm its neighbours did not confirm is none.
    alarms = [read.suggestion.emergency or list(read.heard) for read in group if read.alarm]
    emergency = list(dict.fromkeys(word for words in alarms for word in words))
    return SplitDemand(
        span=note[first.start : last.end],
        start=first.start,
        end=last.end,
        code=suggestion.code,
        priority="P1" if emergency else suggestion.priority,
        department=suggestion.department,
        confidence=suggestion.confidence,
        emergency=emergency,
        alternatives=list(suggestion.alternatives),
    )


def _signal_regions(note: str, clauses: list[Clause]) -> list[tuple[str, int, int]]:
    """Where the lexicon hears an emergency in the whole note, by the signal's name: every
    occurrence of its words (an earlier, discounted one is marked too: a false alarm costs less).

    The lexicon reads the note folded (NFKC: the full-width ，of a phone keyboard becomes ,) and
    in standard words (屋头 is 家里), so its words are looked for in the note folded the same way,
    character by character, and mapped back; words a dialect substitution changed are found as the
    fewest neighbouring clauses that make the lexicon hear the same signal."""
    folded, origin = _folded(note)
    regions: list[tuple[str, int, int]] = []
    for signal in emergency_signals(note):
        found = [
            (signal.name, origin[match.start()], origin[match.end() - 1] + 1)
            for match in re.finditer(re.escape(signal.words), folded)
            if match.end() > match.start()
        ]
        regions += found or [_fewest_clauses(note, clauses, signal.name)]
    return regions


def _folded(note: str) -> tuple[str, list[int]]:
    """The note NFKC-folded as the lexicon reads it, and each folded character's offset in the note."""
    characters: list[str] = []
    origin: list[int] = []
    for index, character in enumerate(note):
        for folded in normalize(character):
            characters.append(folded)
            origin.append(index)
    return "".join(characters), origin


def _fewest_clauses(note: str, clauses: list[Clause], name: str) -> tuple[str, int, int]:
    """The shortest run of neighbouring clauses in which the lexicon hears the signal `name`; the
    whole note if none does (the signal needs all of it): an alarm is never left unplaced."""
    for size in range(1, len(clauses) + 1):
        for first in range(len(clauses) - size + 1):
            start, end = clauses[first].start, clauses[first + size - 1].end
            if any(signal.name == name for signal in emergency_signals(note[start:end])):
                return (name, start, end)
    return (name, 0, len(note))


def _overlaps(clause: Clause, start: int, end: int) -> bool:
    return clause.start < end and start < clause.end


def _fused(note: str, clauses: list[Clause], signals: list[tuple[str, int, int]]) -> list[Clause]:
    """The clauses, with those that one signal's words run across made one, so that the signal is
    classified whole (好几天，敲门没人应 is one alarm, not two calm clauses)."""
    fused: list[Clause] = []
    for clause in clauses:
        previous = fused[-1] if fused else None
        if previous is not None and any(
            _overlaps(previous, start, end) and _overlaps(clause, start, end) for _name, start, end in signals
        ):
            fused[-1] = Clause(start=previous.start, end=clause.end, text=note[previous.start : clause.end])
        else:
            fused.append(clause)
    return fused
