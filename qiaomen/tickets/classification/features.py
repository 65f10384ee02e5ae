"""Text to features: character 1- and 2-grams of the prepared text (normalised, dialect words and
input slips in standard form, a denied need and small talk left out: `prepared`), weighted by
TF-IDF, each size a block of its own scaled to unit length (the lexicon adds one more feature per
code, lexicon.py).

Character n-grams need no word segmentation, which Chinese lacks, and they survive the typos
and homophones residents write (煤汽 for 煤气): most of a misspelt word's n-grams still match.
Sizes and blocks were chosen by 5-fold cross-validation on the train part: 1–2-grams in two
blocks beat 1–3-grams in one by about 3 points (trigrams are mostly seen once in a corpus this
size), and word features from a segmenter (jieba) added nothing over them.
The same functions compute the features when training and when predicting, so a saved model
needs no tokenizer of its own.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

from qiaomen.tickets.classification.colloquial import standardise
from qiaomen.tickets.classification.focus import focused

NGRAM_SIZES = (1, 2)
# Anything that is not a letter or a digit separates segments; no n-gram crosses a separator.
SEPARATORS = re.compile(r"[^\w]+|_+")


def normalize(text: str) -> str:
    """NFKC folds full-width letters, digits and punctuation (ＡＢＣ１２３，) into their ordinary
    forms; case does not matter for the few Latin letters residents write (WIFI, wifi)."""
    return unicodedata.normalize("NFKC", text).lower()


def prepared(text: str) -> str:
    """What the model reads, when training and when predicting: the normalised text with dialect
    words and input slips in standard form (colloquial.py), without a denied need or the small
    talk around the request (focus.py)."""
    return focused(standardise(normalize(text)))


def segments(text: str) -> list[str]:
    return [part for part in SEPARATORS.split(prepared(text)) if part]


def ngrams(text: str) -> Counter[str]:
    counts: Counter[str] = Counter()
    for segment in segments(text):
        for size in NGRAM_SIZES:
            for start in range(len(segment) - size + 1):
                counts[segment[start : start + size]] += 1
    return counts


def document_frequencies(texts: Iterable[str]) -> Counter[str]:
    frequencies: Counter[str] = Counter()
    for text in texts:
        frequencies.update(ngrams(text).keys())
    return frequencies


def idf_weight(documents: int, frequency: int) -> float:
    """Smoothed inverse document frequency: as if one more document held every n-gram."""
    return math.log((1 + documents) / (1 + frequency)) + 1.0


def weighted(counts: Counter[str], index: dict[str, int], idf: list[float]) -> dict[int, float]:
    """Sublinear TF (1 + log count) × IDF over the known n-grams, each size's block scaled to
    unit length: the many bigrams do not drown the single characters. Unknown n-grams are
    dropped: the model has no weight for them."""
    blocks: dict[int, dict[int, float]] = {}
    for gram, count in counts.items():
        column = index.get(gram)
        if column is not None:
            blocks.setdefault(len(gram), {})[column] = (1.0 + math.log(count)) * idf[column]
    vector: dict[int, float] = {}
    for block in blocks.values():
        norm = math.sqrt(sum(value * value for value in block.values()))
        if norm > 0.0:
            vector.update((column, value / norm) for column, value in block.items())
    return vector
