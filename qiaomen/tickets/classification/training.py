"""Training for real: the corpus plus every person's decision (ClassificationCorrection), saved
as the current model, the corrections marked with the version that first learnt from them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from qiaomen.tickets.classification.corpus import labelled_examples
from qiaomen.tickets.classification.lexicon import DEFAULT_LEXICON, merged
from qiaomen.tickets.classification.model import Example, TextModel
from qiaomen.tickets.classification.store import forget_cached_model, model_save, model_train
from qiaomen.tickets.models import ClassificationCorrection, Subcategory

# A decision a person took on a real resident's text counts for more than one written example:
# the same wording again should get the person's answer.
CORRECTION_WEIGHT = 3.0


def correction_examples() -> tuple[list[Example], list[int]]:
    rows = ClassificationCorrection.objects.select_related("subcategory").order_by("pk")
    examples = []
    keys = []
    for correction in rows:
        if correction.text.strip():
            examples.append(Example(code=correction.subcategory.code, text=correction.text, weight=CORRECTION_WEIGHT))
            keys.append(correction.pk)
    return examples, keys


def installation_lexicon() -> dict[str, tuple[str, ...]]:
    """The default lexicon plus the keywords this installation gave its active sub-categories
    (taxonomy admin), so that a street's own words count from the next training on."""
    rows = Subcategory.objects.filter(retired=False).values_list("code", "keywords")
    return merged(DEFAULT_LEXICON, {code: keywords.split() for code, keywords in rows})


@dataclass(frozen=True)
class Trained:
    model: TextModel
    path: Path
    corpus_lines: int
    corrections: int
    newly_learnt: int  # corrections no model had learnt from before


def classifier_train() -> Trained:
    corpus = labelled_examples()
    corrections, keys = correction_examples()
    model = model_train(corpus + corrections, lexicon=installation_lexicon())
    path = model_save(model)
    newly = ClassificationCorrection.objects.filter(pk__in=keys, trained_in="").update(trained_in=model.version[:32])
    forget_cached_model()
    return Trained(model=model, path=path, corpus_lines=len(corpus), corrections=len(corrections), newly_learnt=newly)
