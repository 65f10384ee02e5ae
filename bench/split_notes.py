"""Benchmark: one visit note, several demands (issue 16) — how well note_split finds them.

    .venv/bin/python bench/split_notes.py [--workdir DIR]

Migrates a throwaway SQLite database (the taxonomy table the suggestions read), runs
note_split over every note of qiaomen/tickets/tests/data/multi_demand_notes.jsonl (written by
hand for this, not drawn from the classifier's corpus) and prints, for the held-out test half
(chosen by a hash of the note before the splitter was written, never used to tune it), the dev
half and all notes:

- per-demand precision and recall beside the goal 0.90: a predicted demand matches a labelled one
  when their codes are equal and their spans overlap, each labelled demand matched at most once;
- emergency spans dropped (goal 0): a labelled emergency with no predicted demand over its span
  that raises the alarm;
- per-code figures over all notes, so that a code that fails is named;
- the classifier alone on each labelled span as cut by hand: the ceiling that perfect cutting
  would reach, which tells the cutting's errors from the classifier's;
- p50/p95 wall milliseconds per note (the classifier's first use, which trains it, not counted).

The splitter sees only the note's text; the labels are read here, to score. Exits 1 if an
emergency span was dropped. Not a test: nothing asserts on time.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from common import ROOT, bench_folder, django_setup, machine, manage, percentile

NOTES = ROOT / "qiaomen" / "tickets" / "tests" / "data" / "multi_demand_notes.jsonl"
GOAL = 0.90


@dataclass
class Score:
    notes: int = 0
    labelled: int = 0
    predicted: int = 0
    matched: int = 0
    emergencies: int = 0
    dropped: list[str] = field(default_factory=list)
    labelled_by_code: Counter[str] = field(default_factory=Counter)
    predicted_by_code: Counter[str] = field(default_factory=Counter)
    matched_by_code: Counter[str] = field(default_factory=Counter)

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.labelled if self.labelled else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workdir", type=Path, default=None)
    arguments = parser.parse_args()
    with bench_folder(arguments.workdir, name="split_notes") as workdir:
        print(f"machine: {machine()}")
        manage(workdir, "migrate", "--noinput", "--verbosity", "0")
        django_setup(workdir)

        from qiaomen.tickets.classification import active_taxonomy, suggest
        from qiaomen.tickets.classification.splitting import note_split

        rows = [json.loads(line) for line in NOTES.read_text(encoding="utf-8").splitlines() if line.strip()]
        taxonomy = active_taxonomy()
        suggest(rows[0]["note"], taxonomy=taxonomy)  # the process's first use trains from the corpus
        scores = {"test": Score(), "dev": Score(), "all": Score()}
        spent = []
        for row in rows:
            started = time.perf_counter()
            predicted = note_split(row["note"], taxonomy=taxonomy)
            spent.append((time.perf_counter() - started) * 1000)
            found = [(demand.code, demand.start, demand.end, demand.is_emergency) for demand in predicted]
            for part in (row["part"], "all"):
                score_note(scores[part], row, found)
        labelled = sum(len(row["demands"]) for row in rows)
        print(f"labelled set: {len(rows)} notes, {labelled} demands, in {NOTES.relative_to(ROOT)}")
        failed = False
        for part in ("test", "dev", "all"):
            score = scores[part]
            failed = failed or bool(score.dropped)
            print(
                f"  {part:<4} {score.notes:3} notes {score.labelled:3} demands"
                f"  precision {score.precision:.3f}  recall {score.recall:.3f}  (goal {GOAL:.2f})"
                f"  emergency spans dropped {len(score.dropped)} of {score.emergencies} (goal 0)"
            )
            for span in score.dropped:
                print(f"       dropped: {span}")
        _print_codes(scores["all"])
        _print_ceiling(rows, lambda text: suggest(text, taxonomy=taxonomy).code)
        spent.sort()
        p50, p95 = percentile(spent, 0.50), percentile(spent, 0.95)
        print(f"  note_split per note, wall   p50 {p50:6.2f} ms  p95 {p95:6.2f} ms  n={len(spent)}")
        if failed:
            raise SystemExit(1)


def score_note(score: Score, row: dict[str, Any], found: list[tuple[str, int, int, bool]]) -> None:
    """Add one note: each predicted demand takes the first labelled one of its code that its span
    overlaps and that no other prediction took."""
    labels = row["demands"]
    taken: set[int] = set()
    score.notes += 1
    score.labelled += len(labels)
    score.predicted += len(found)
    for label in labels:
        score.labelled_by_code[label["code"]] += 1
    for code, start, end, _alarm in found:
        score.predicted_by_code[code] += 1
        for number, label in enumerate(labels):
            if number not in taken and label["code"] == code and start < label["end"] and label["start"] < end:
                taken.add(number)
                score.matched += 1
                score.matched_by_code[code] += 1
                break
    for label in labels:
        if label["emergency"]:
            score.emergencies += 1
            if not any(alarm and start < label["end"] and label["start"] < end for _c, start, end, alarm in found):
                score.dropped.append(label["span"])


def _print_ceiling(rows: list[dict[str, Any]], classify: Callable[[str], str]) -> None:
    """The classifier alone on each labelled span, cut by hand: what perfect cutting would reach,
    so that the figures above can be read as the cutting's errors or the classifier's."""
    for part in ("test", "dev", "all"):
        spans = [demand for row in rows if part in (row["part"], "all") for demand in row["demands"]]
        right = sum(classify(demand["span"]) == demand["code"] for demand in spans)
        print(f"  {part:<4} labelled spans classified alone (ceiling of perfect cutting): {right / len(spans):.3f}")


def _print_codes(score: Score) -> None:
    print("  per code, all notes: labelled, recall | predicted, precision")
    for code in sorted(score.labelled_by_code | score.predicted_by_code):
        labelled, predicted, matched = (
            score.labelled_by_code[code],
            score.predicted_by_code[code],
            score.matched_by_code[code],
        )
        recall = f"{matched / labelled:.2f}" if labelled else "  - "
        precision = f"{matched / predicted:.2f}" if predicted else "  - "
        print(f"    {code:<10} {labelled:3}  {recall} | {predicted:3}  {precision}")


if __name__ == "__main__":
    main()
