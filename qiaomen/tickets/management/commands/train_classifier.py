"""`python manage.py train_classifier`: measure on the held-out part, then train on everything
(the corpus and every staff correction) and make the result the current model.

`--report` only measures and prints the per-code table (Markdown, for the README)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from qiaomen.tickets.classification.corpus import labelled_examples
from qiaomen.tickets.classification.evaluation import Evaluation, evaluate
from qiaomen.tickets.classification.training import classifier_train, correction_examples, installation_lexicon


class Command(BaseCommand):
    help = "Train the demand classifier on the corpus and staff corrections; print held-out accuracy per code."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--report", action="store_true", help="measure and print the table; train nothing")

    def handle(self, *args: Any, report: bool = False, **options: Any) -> None:
        corrections, _keys = correction_examples()
        started = time.perf_counter()
        result = evaluate(labelled_examples(), corrections, lexicon=installation_lexicon())
        self._print(result, seconds=time.perf_counter() - started)
        if report:
            return
        started = time.perf_counter()
        trained = classifier_train()
        self.stdout.write(
            f"Trained {trained.model.version} on {trained.corpus_lines} corpus lines and {trained.corrections} "
            f"corrections ({trained.newly_learnt} new) in {time.perf_counter() - started:.1f} s; "
            f"saved {trained.path}"
        )

    def _print(self, result: Evaluation, *, seconds: float) -> None:
        self.stdout.write("Held-out top-1 accuracy per code (trained on the train part only):")
        for line in result.table():
            self.stdout.write(line)
        self.stdout.write(
            f"Emergencies: {result.emergency_checked - len(result.emergency_missed)} of {result.emergency_checked} "
            "raised the alarm (EMG-* held-out lines and emergency.txt)"
        )
        for text in result.emergency_missed:
            self.stdout.write(f"  missed: {text}")
        self.stdout.write(
            f"False alarms: {len(result.false_alarms)} of {result.near_misses} near misses in not_emergency.txt "
            f"({result.false_alarm_rate:.0%}); {result.other_alarms} of {result.other_lines} held-out lines "
            "of other codes"
        )
        self.stdout.write(f"Measured in {seconds:.1f} s")
