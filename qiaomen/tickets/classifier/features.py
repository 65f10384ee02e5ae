"""Text to features: character 1–3-grams of the normalised text, weighted by TF-IDF.

Character n-grams need no word segmentation, which Chinese lacks, and they survive the typos
and homophones residents write (煤汽 for 煤气): most of a misspelt word's n-grams still match.
The same functions compute the features when training and when predicting, so a saved model
needs no tokenizer of its own.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

NGRAM_SIZES = (1, 2, 3)
# Anything that is not a letter or a digit separates segments; no n-gram crosses a separator.
SEPARATORS = re.compile(r"[^\w]+|_+")


def normalize(text: str) -> str:
    """NFKC folds full-width letters, digits and punctuation (ＡＢＣ１２３，) into their ordinary
    forms; case does not matter for the few Latin letters residents write (WIFI, wifi)."""
    return unicodedata.normalize("NFKC", text).lower()


def segments(text: str) -> list[str]:
    return [part for part in SEPARATORS.split(normalize(text)) if part]


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
    """Sublinear TF (1 + log count) × IDF over the known n-grams, scaled to unit length.
    Unknown n-grams are dropped: the model has no weight for them."""
    vector = {
        index[gram]: (1.0 + math.log(count)) * idf[index[gram]] for gram, count in counts.items() if gram in index
    }
    norm = math.sqrt(sum(value * value for value in vector.values()))
    if norm == 0.0:
        return {}
    return {column: value / norm for column, value in vector.items()}
