"""Benchmark: the demand classifier — training, loading, and classifying one text.

    .venv/bin/python bench/classify.py [--workdir DIR] [--rounds 3]

Migrates a throwaway SQLite database (the taxonomy table the suggestions read), then prints:
1. training time on the whole labelled corpus (what train_classifier and a first use do);
2. the trained model's file size and its load time (np.load, no pickle);
3. per-text latency over every corpus text, p50/p95: `decide` (model + emergency lexicon, no
   database) and `suggest` (the same plus the department and priority from the taxonomy table,
   read once per text as intake does), in wall time and in this process's CPU time;
4. issue 16's colloquial notes (qiaomen/tickets/tests/data/colloquial_notes.jsonl, kept apart
   from training): top-1 accuracy on dev, test and all beside the goal, per kind, emergencies at
   P1 (goal: all), non-emergencies at P1 (goal: none), and the misses of the dev part (the part
   the classifier may be tuned on; test is the honest figure).

Not a test: nothing asserts on time.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from common import bench_folder, django_setup, machine, manage, percentile, timed_ms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--rounds", type=int, default=3, help="training and loading runs (median printed)")
    arguments = parser.parse_args()
    with bench_folder(arguments.workdir, name="classify") as workdir:
        print(f"machine: {machine()}")
        manage(workdir, "migrate", "--noinput", "--verbosity", "0")
        django_setup(workdir)

        from qiaomen.tickets import classification as classifier
        from qiaomen.tickets.classification.corpus import labelled_examples
        from qiaomen.tickets.classification.decision import decide
        from qiaomen.tickets.classification.model import TextModel

        examples = labelled_examples()
        texts = [example.text for example in examples]
        print(f"corpus: {len(examples)} labelled lines, {len({e.code for e in examples})} codes, in {workdir}")

        training = []
        model = None
        for _ in range(arguments.rounds):
            started = time.perf_counter()
            model = TextModel.fit(examples)
            training.append(time.perf_counter() - started)
        assert model is not None
        print(f"  training on the whole corpus                  median {statistics.median(training):.2f} s")

        path = workdir / "model.npz"
        model.save(path)
        loading = []
        for _ in range(arguments.rounds):
            started = time.perf_counter()
            TextModel.load(path)
            loading.append(time.perf_counter() - started)
        size_kib = path.stat().st_size / 1024
        print(
            f"  loading the saved model ({size_kib:,.0f} KiB, {len(model.vocabulary):,} n-grams,"
            f" {sum(len(words) for words in model.lexicon.values()):,} lexicon words)"
            f"  median {statistics.median(loading) * 1000:.0f} ms"
        )

        classifier.suggest(texts[0])  # the process's first use trains from the corpus: not measured
        for label, clock in (("wall", time.perf_counter), ("CPU", time.process_time)):
            spent = timed_ms(_each(lambda text: decide(model, text), texts), len(texts), clock=clock)
            _print(f"decide (model + lexicon), {label}", spent)
            spent = timed_ms(_each(classifier.suggest, texts), len(texts), clock=clock)
            _print(f"suggest (+ taxonomy table), {label}", spent)

        _colloquial(classifier)


def _colloquial(classifier: Any) -> None:
    from qiaomen.tickets.tests.colloquial_set import ACCURACY_GOAL, KINDS, PARTS, load_notes, measure

    taxonomy = classifier.active_taxonomy()

    def classify(text: str) -> tuple[str, str]:
        suggestion = classifier.suggest(text, taxonomy=taxonomy)
        return suggestion.code, suggestion.priority

    notes = load_notes()
    print(f"colloquial notes (issue 16): {len(notes)}, goal top-1 >= {ACCURACY_GOAL:.0%}")
    for label, chosen in [*((part, [n for n in notes if n.part == part]) for part in PARTS), ("all", notes)]:
        result = measure(chosen, classify)
        print(
            f"  {label:<5} top-1 {result.correct:>3}/{result.notes:<3} {result.accuracy:6.1%}"
            f"   emergencies at P1 {result.emergencies_p1}/{result.emergencies} (goal all)"
            f"   non-emergencies at P1 {result.others_p1}/{result.others} (goal 0)"
        )
    for kind in KINDS:
        result = measure([note for note in notes if note.kind == kind], classify)
        print(f"    {kind:<22} top-1 {result.correct:>3}/{result.notes:<3} {result.accuracy:6.1%}")
    dev = measure([note for note in notes if note.part == "dev"], classify)
    print(f"  dev misses ({len(dev.misses)}): expected code/P1? -> given code priority")
    for note, code, priority in dev.misses:
        print(f"    {note.code} {'P1' if note.emergency else '--'} -> {code} {priority}  [{note.kind}] {note.text}")


def _each(call: Callable[[str], object], texts: list[str]) -> Callable[[], object]:
    """A call without arguments that classifies the next text each time."""
    cursor = iter(texts)
    return lambda: call(next(cursor))


def _print(label: str, spent: list[float]) -> None:
    p50, p95 = percentile(spent, 0.50), percentile(spent, 0.95)
    print(f"  {label:<44} p50 {p50:7.2f} ms  p95 {p95:7.2f} ms  n={len(spent)}")


if __name__ == "__main__":
    main()
