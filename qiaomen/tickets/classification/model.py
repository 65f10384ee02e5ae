"""A linear model over TF-IDF character n-grams and the per-code lexicon: a linear
support-vector machine, one class against the rest, with a softmax over its scores as the
confidence.

Linear, so the words that weighed most are exact: a class's score is the sum of each n-gram's
weight × its TF-IDF value, and the largest terms are the reasons. A linear SVM trains in a tenth
of a second on the corpus (logistic regression took ten) and was as accurate on the held-out
part. scikit-learn fits it; the
saved model is plain arrays in a NumPy .npz read with allow_pickle=False (a pickle runs code
when loaded; arrays do not), and prediction is a few dictionary look-ups and one small product.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qiaomen.tickets.classification.features import document_frequencies, idf_weight, ngrams, prepared, weighted
from qiaomen.tickets.classification.lexicon import DEFAULT_LEXICON, LEXICON_WEIGHT, Lexicon, hits, merged

# Bump when the file layout or the features change; an older file is then retrained, not misread.
# 2: 1–2-grams in blocks and the lexicon. 3: dialect words and slips standardised, denied needs
# and small talk dropped (features.prepared).
FORMAT = 3
# Cross-validated on the train part (0.5, 1 and 2 within half a point of each other).
REGULARISATION_C = 1.0
MAX_ITERATIONS = 5000
# The SVM's scores are margins, not probabilities; softmax(score × SCALE) turns them into a
# confidence whose level was checked on the held-out part: at 0.5 and above, few are wrong.
SCALE = 4.0


@dataclass(frozen=True)
class Example:
    code: str
    text: str
    weight: float = 1.0


@dataclass(frozen=True)
class Scored:
    """One text's answer: every class with its probability, best first, and the n-grams that
    added most to the best class's score."""

    ranked: list[tuple[str, float]]
    words: list[str]


class TextModel:
    def __init__(
        self,
        *,
        version: str,
        classes: list[str],
        vocabulary: list[str],
        idf: np.ndarray,
        coef: np.ndarray,
        intercept: np.ndarray,
        lexicon: Lexicon,
    ) -> None:
        self.version = version
        self.classes = classes
        self.vocabulary = vocabulary
        self.index = {gram: column for column, gram in enumerate(vocabulary)}
        self.idf = [float(value) for value in idf]
        self.lexicon = merged(lexicon)
        # One column per lexicon code, after the n-grams.
        self.lexicon_columns = {code: len(vocabulary) + k for k, code in enumerate(self.lexicon)}
        self.coef = coef  # classes × (n-grams + lexicon codes)
        self.intercept = intercept

    def _vector(self, text: str) -> tuple[np.ndarray, np.ndarray, list[str]]:
        """The text's columns, their values, and what each column is in the text's own words
        (the n-gram, or for a lexicon column the longest listed word found)."""
        vector = weighted(ngrams(text), self.index, self.idf)
        names = [self.vocabulary[column] for column in vector]
        normalised = prepared(text)
        for code, words in self.lexicon.items():
            found = hits(normalised, words)
            if found:
                vector[self.lexicon_columns[code]] = LEXICON_WEIGHT
                names.append(found[0])
        columns = np.fromiter(vector.keys(), dtype=np.intp, count=len(vector))
        values = np.fromiter(vector.values(), dtype=np.float64, count=len(vector))
        return columns, values, names

    # --- training ------------------------------------------------------------------------------

    @classmethod
    def fit(cls, examples: list[Example], *, lexicon: Lexicon | None = None, version_prefix: str = "") -> TextModel:
        """`lexicon`: the words per code (lexicon.DEFAULT_LEXICON when None)."""
        if len({example.code for example in examples}) < 2:
            raise ValueError("training needs examples of at least two sub-categories")
        texts = [example.text for example in examples]
        frequencies = document_frequencies(texts)
        vocabulary = sorted(frequencies)
        index = {gram: column for column, gram in enumerate(vocabulary)}
        idf = [idf_weight(len(texts), frequencies[gram]) for gram in vocabulary]
        words = merged(DEFAULT_LEXICON if lexicon is None else lexicon)
        rows: list[int] = []
        columns: list[int] = []
        values: list[float] = []
        for row, text in enumerate(texts):
            for column, value in weighted(ngrams(text), index, idf).items():
                rows.append(row)
                columns.append(column)
                values.append(value)
            normalised = prepared(text)
            for k, code in enumerate(words):
                if hits(normalised, words[code]):
                    rows.append(row)
                    columns.append(len(vocabulary) + k)
                    values.append(LEXICON_WEIGHT)
        # Imported here, not at the top: scikit-learn (with the SciPy and pandas it loads) adds about
        # 100 MB to a process, and only training needs it. A server that loads a saved model, or a
        # command that never classifies (an import of 100,000 people), never pays for it.
        from scipy.sparse import csr_matrix
        from sklearn.svm import LinearSVC

        matrix = csr_matrix((values, (rows, columns)), shape=(len(texts), len(vocabulary) + len(words)))
        labels = [example.code for example in examples]
        weights = np.array([example.weight for example in examples])
        # A fixed seed for liblinear's shuffling: the same examples give the same model (and version).
        svm = LinearSVC(C=REGULARISATION_C, max_iter=MAX_ITERATIONS, random_state=0)
        svm.fit(matrix, labels, sample_weight=weights)
        classes = [str(code) for code in svm.classes_]
        digest = hashlib.sha256(
            json.dumps([sorted((e.code, e.text, e.weight) for e in examples), words], ensure_ascii=False).encode()
        ).hexdigest()[:10]
        return cls(
            version=f"{version_prefix}{digest}",
            classes=classes,
            vocabulary=vocabulary,
            idf=np.array(idf),
            coef=svm.coef_.astype(np.float64),
            intercept=svm.intercept_.astype(np.float64),
            lexicon=words,
        )

    # --- storage -------------------------------------------------------------------------------

    def save(self, path: Path) -> None:
        """Write to a temporary name, then rename: a reader never sees half a file."""
        partial = path.with_name(path.name + ".partial")
        with partial.open("wb") as handle:
            np.savez_compressed(
                handle,
                format=np.array(FORMAT),
                version=np.array(self.version),
                classes=np.array(self.classes),
                vocabulary=np.array(self.vocabulary),
                idf=np.array(self.idf),
                coef=self.coef.astype(np.float32),
                intercept=self.intercept,
                lexicon_codes=np.array([code for code, words in self.lexicon.items() for _word in words], dtype=str),
                lexicon_words=np.array([word for words in self.lexicon.values() for word in words], dtype=str),
            )
        partial.replace(path)

    @classmethod
    def load(cls, path: Path) -> TextModel:
        with np.load(path, allow_pickle=False) as data:
            if int(data["format"]) != FORMAT:
                raise ValueError(f"{path.name}: model format {int(data['format'])}, expected {FORMAT}")
            return cls(
                version=str(data["version"]),
                classes=[str(code) for code in data["classes"]],
                vocabulary=[str(gram) for gram in data["vocabulary"]],
                idf=data["idf"],
                coef=data["coef"].astype(np.float64),
                intercept=data["intercept"],
                lexicon=_pairs([str(code) for code in data["lexicon_codes"]], [str(w) for w in data["lexicon_words"]]),
            )

    # --- prediction ----------------------------------------------------------------------------

    def score(self, text: str, *, words: int = 5) -> Scored:
        columns, values, names = self._vector(text)
        contributions = self.coef[:, columns] * values  # classes × the text's n-grams
        logits = (contributions.sum(axis=1) + self.intercept) * SCALE
        probabilities = np.exp(logits - logits.max())
        probabilities /= probabilities.sum()
        order = np.argsort(-probabilities, kind="stable")
        ranked = [(self.classes[k], float(probabilities[k])) for k in order]
        best = contributions[order[0]] if len(columns) else np.array([])
        return Scored(ranked=ranked, words=self._reasons(names, best, words))

    def reasons(self, text: str, code: str, *, limit: int = 5) -> list[str]:
        """The words of `text` that weigh most towards `code` (another class than the best)."""
        columns, values, names = self._vector(text)
        row = self.coef[self.classes.index(code), columns] * values
        return self._reasons(names, row, limit)

    @staticmethod
    def _reasons(names: list[str], contributions: np.ndarray, limit: int) -> list[str]:
        """The words (n-grams, lexicon words) that added most to the chosen class, longest form
        first: "垃圾桶" rather than "垃圾", "垃" and "圾" as three reasons."""
        chosen: list[str] = []
        for position in np.argsort(-contributions, kind="stable"):
            if contributions[position] <= 0 or len(chosen) >= limit:
                break
            gram = names[position]
            if any(gram in kept for kept in chosen):
                continue
            chosen = [kept for kept in chosen if kept not in gram]
            chosen.append(gram)
        return chosen


def _pairs(codes: list[str], words: list[str]) -> dict[str, tuple[str, ...]]:
    """The saved lexicon (one code per word, in order) back into words per code."""
    lexicon: dict[str, list[str]] = {}
    for code, word in zip(codes, words, strict=True):
        lexicon.setdefault(code, []).append(word)
    return {code: tuple(listed) for code, listed in lexicon.items()}
