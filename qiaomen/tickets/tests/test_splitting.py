"""One visit note, several demands (issue 16): the note is cut into its demands, each classified,
each with the exact words it came from, and no emergency is ever lost to the cutting.

The labelled set, data/multi_demand_notes.jsonl, was written for this by hand (not drawn from the
classifier's corpus): one note a line, {"note", "part": "dev" | "test", "demands": [{"code",
"span", "start", "end", "emergency"}]}. Neighbouring demands of one sub-category are one demand
(one ticket), as the splitter groups them. bench/split_notes.py prints the figures.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from qiaomen.tickets.classification import active_taxonomy
from qiaomen.tickets.classification.clauses import clauses_of
from qiaomen.tickets.classification.corpus import CORPUS_DIR, labelled_examples
from qiaomen.tickets.classification.emergency import emergency_signals
from qiaomen.tickets.classification.features import normalize
from qiaomen.tickets.classification.splitting import SplitDemand, note_split

NOTES = Path(__file__).parent / "data" / "multi_demand_notes.jsonl"
ISSUE_NOTE = "老人说电梯坏了一个礼拜，另外想问下高龄补贴咋个申请，还有楼下垃圾没人收"
# A floor, so that a change to the cutting or grouping that loses demands fails here. Counted
# without the bench's at-most-once matching: measured 0.898 of the labelled demands found and
# 0.918 of the predicted ones right (bench/split_notes.py: precision 0.916, recall 0.898 over all
# 226 notes, the held-out test part 0.878 and 0.886, against the goal 0.90; the classifier alone
# on the hand-cut spans reaches 0.910).
FOUND_FLOOR = 0.85


def labelled_notes() -> list[dict[str, Any]]:
    return [json.loads(line) for line in NOTES.read_text(encoding="utf-8").splitlines() if line.strip()]


def overlaps(demand: SplitDemand, label: dict[str, Any]) -> bool:
    return demand.start < label["end"] and label["start"] < demand.end


def test_the_labelled_set_is_honest_about_what_it_holds() -> None:
    notes = labelled_notes()
    assert len(notes) >= 220
    sizes = Counter(len(note["demands"]) for note in notes)
    assert set(sizes) <= {1, 2, 3, 4} and sizes[1] <= 0.10 * len(notes)  # a few one-demand controls
    with_emergency = sum(any(label["emergency"] for label in note["demands"]) for note in notes)
    assert 0.08 * len(notes) <= with_emergency <= 0.15 * len(notes)
    parts = Counter(note["part"] for note in notes)
    assert set(parts) == {"dev", "test"} and min(parts.values()) >= 0.4 * len(notes)
    for note in notes:
        for label in note["demands"]:
            assert note["note"][label["start"] : label["end"]] == label["span"], note["note"]
            assert label["emergency"] == label["code"].startswith("EMG-")


def _key(text: str) -> str:
    """A text without punctuation and spaces, NFKC-folded: the same words however typed."""
    return re.sub(r"[^\w]+", "", normalize(text))


def test_the_labelled_set_is_apart_from_the_training_corpus() -> None:
    # Short clause-length lines were added to the corpus for the splitter's sake: none may be a
    # labelled demand's words or a whole note, or the benchmark would measure recall of the corpus.
    corpus = {_key(example.text) for example in labelled_examples()}
    notes = labelled_notes()
    texts = [note["note"] for note in notes] + [label["span"] for note in notes for label in note["demands"]]
    assert not [text for text in texts if _key(text) in corpus]
    # No code of the classifier names the set: it is read by the tests and the benchmark only.
    sources = CORPUS_DIR.parent.glob("*.py")
    assert not [path.name for path in sources if "multi_demand_notes" in path.read_text(encoding="utf-8")]


@pytest.mark.django_db
def test_every_labelled_code_is_an_active_sub_category_and_every_category_is_covered() -> None:
    codes = {label["code"] for note in labelled_notes() for label in note["demands"]}
    assert codes <= set(active_taxonomy())
    assert {code.split("-")[0] for code in codes} == {"POL", "LIF", "MED", "EMG"}
    assert len(codes) == 20


def test_a_note_is_cut_at_pauses_and_connectives_with_offsets_into_the_note() -> None:
    note = "走访5栋。水管漏了 另外，想问医保还有没有补助；顺便问下居住证"
    assert [(clause.text, note[clause.start : clause.end]) for clause in clauses_of(note)] == [
        ("走访5栋", "走访5栋"),
        ("水管漏了", "水管漏了"),
        ("想问医保还有没有补助", "想问医保还有没有补助"),  # 还有没有 asks, it joins nothing
        ("问下居住证", "问下居住证"),
    ]


@pytest.mark.django_db
def test_the_issues_note_is_three_demands_each_routed_by_the_taxonomy() -> None:
    demands = note_split(ISSUE_NOTE)
    assert [(demand.code, demand.span) for demand in demands] == [
        ("LIF-FAC", "老人说电梯坏了一个礼拜"),
        ("POL-AID", "想问下高龄补贴咋个申请"),
        ("LIF-ENV", "楼下垃圾没人收"),
    ]
    taxonomy = active_taxonomy()
    for demand in demands:
        assert demand.department == taxonomy[demand.code].department.code
        assert demand.priority == taxonomy[demand.code].default_priority
        assert not demand.is_emergency and 0 < demand.confidence <= 1


@pytest.mark.django_db
def test_every_span_is_the_notes_own_words_in_order_without_overlap() -> None:
    taxonomy = active_taxonomy()
    for note in labelled_notes():
        text = note["note"]
        demands = note_split(text, taxonomy=taxonomy)
        assert demands, text
        for demand in demands:
            assert demand.span == text[demand.start : demand.end] == demand.span.strip() != "", text
        assert all(left.end <= right.start for left, right in pairwise(demands)), text


@pytest.mark.django_db
def test_no_labelled_emergency_is_ever_dropped() -> None:
    taxonomy = active_taxonomy()
    emergencies = 0
    for note in labelled_notes():
        demands = note_split(note["note"], taxonomy=taxonomy)
        for label in note["demands"]:
            if label["emergency"]:
                emergencies += 1
                alarmed = [demand for demand in demands if overlaps(demand, label) and demand.is_emergency]
                assert alarmed and all(demand.priority == "P1" for demand in alarmed), note["note"]
    assert emergencies >= 20


@pytest.mark.django_db
def test_every_signal_the_lexicon_hears_in_a_note_is_in_a_demand_that_raises_the_alarm() -> None:
    taxonomy = active_taxonomy()
    notes = [note["note"] for note in labelled_notes()] + ["独居的老人，好几天了，敲门没人应，另外楼道灯坏了"]
    for text in notes:
        demands = note_split(text, taxonomy=taxonomy)
        # The lexicon reads the note NFKC-folded (the full-width ，of a phone keyboard becomes ,),
        # which keeps these notes' length: its words are found in the folded note at the same place.
        folded = normalize(text)
        assert len(folded) == len(text)
        for signal in emergency_signals(text):
            start = folded.index(signal.words)
            end = start + len(signal.words)
            assert any(d.is_emergency and d.start < end and start < d.end for d in demands), (text, signal)


@pytest.mark.django_db
def test_a_pattern_that_runs_across_commas_keeps_its_clauses_together() -> None:
    emergency, repair = note_split("独居的老人，好几天了，敲门没人应，另外楼道灯坏了")
    assert emergency.span == "独居的老人，好几天了，敲门没人应"
    assert (emergency.code, emergency.priority, emergency.emergency) == ("EMG-HEALTH", "P1", ["独居多日无应答"])
    assert (repair.code, repair.span) == ("LIF-FAC", "楼道灯坏了")


@pytest.mark.django_db
def test_an_emergency_beside_a_request_is_its_own_demand() -> None:
    gas, subsidy = note_split("孙女说奶奶在厨房闻到好大一股煤气味，还有想问下高龄补贴咋个申请")
    assert (gas.code, gas.priority, gas.emergency) == ("EMG-SAFE", "P1", ["煤气味"])
    assert (subsidy.code, subsidy.priority, subsidy.emergency) == ("POL-AID", "P3", [])


@pytest.mark.django_db
def test_a_single_demand_is_one_demand_and_the_chit_chat_around_it_is_left_out() -> None:
    (demand,) = note_split("今天入户聊了一会儿，大爷说楼道灯坏了好几天了，其他都还好")
    assert (demand.code, demand.span, demand.start) == ("LIF-FAC", "大爷说楼道灯坏了好几天了", 10)
    (whole,) = note_split("楼道的灯坏了好几天了，晚上上下楼黑乎乎的")
    assert (whole.code, whole.start, whole.end) == ("LIF-FAC", 0, 20)


@pytest.mark.django_db
def test_the_cutting_finds_most_labelled_demands_and_few_that_are_not() -> None:
    taxonomy = active_taxonomy()
    labelled = predicted = found = right = 0
    for note in labelled_notes():
        demands = note_split(note["note"], taxonomy=taxonomy)
        labels = note["demands"]
        labelled += len(labels)
        predicted += len(demands)
        found += sum(any(d.code == label["code"] and overlaps(d, label) for d in demands) for label in labels)
        right += sum(any(d.code == label["code"] and overlaps(d, label) for label in labels) for d in demands)
    assert found / labelled >= FOUND_FLOOR and right / predicted >= FOUND_FLOOR, (found / labelled, right / predicted)


@pytest.mark.parametrize("note", ["", "   ", "\n\t", "，。；", "谢谢你们，辛苦了"])
@pytest.mark.django_db
def test_a_note_that_asks_for_nothing_holds_no_demand(note: str) -> None:
    assert note_split(note) == []


@pytest.mark.parametrize("aftermath", ["已经叫了物业电工", "好像是隔壁家的"])
@pytest.mark.django_db
def test_what_was_done_about_an_emergency_or_a_guess_at_it_starts_no_demand(aftermath: str) -> None:
    # Alone, the model is sure of these (物业, 隔壁): right after an emergency they are a report on it.
    gas, light = note_split(f"厨房里一股很冲的煤气味，{aftermath}，楼道灯也坏了好几天")
    assert (gas.code, gas.priority, gas.span) == ("EMG-SAFE", "P1", "厨房里一股很冲的煤气味")
    assert (light.code, light.span) == ("LIF-FAC", "楼道灯也坏了好几天")


@pytest.mark.django_db
def test_a_word_that_someone_is_well_is_no_demand_and_one_that_they_are_not_is() -> None:
    (meal,) = note_split("大爷心情挺好，问能不能每天给他送一顿午饭")
    assert (meal.code, meal.span) == ("LIF-MEAL", "问能不能每天给他送一顿午饭")
    mood, meal = note_split("大爷心情不好，问能不能每天给他送一顿午饭")
    assert (mood.code, mood.span, meal.code) == ("LIF-PSY", "大爷心情不好", "LIF-MEAL")
