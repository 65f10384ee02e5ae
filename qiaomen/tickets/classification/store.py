"""Where the trained model lives: versioned files under settings.CLASSIFIER_DIR, the newest named
in a small `current` file, loaded once per process and reloaded when `current` changes.

With no trained file yet (a new installation, the test suite) the model is trained from the
corpus on first use, in about a second, and kept in this process only.
"""

from __future__ import annotations

import threading
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from qiaomen.tickets.classification.corpus import labelled_examples
from qiaomen.tickets.classification.lexicon import Lexicon
from qiaomen.tickets.classification.model import Example, TextModel

CURRENT = "current"

_lock = threading.Lock()
_cache: dict[str, object] = {}


def model_dir() -> Path:
    return Path(settings.CLASSIFIER_DIR)


def _pointer_state(pointer: Path) -> tuple[int, int] | None:
    try:
        stat = pointer.stat()
    except FileNotFoundError:
        return None
    return (stat.st_mtime_ns, stat.st_size)


def current_model() -> TextModel:
    """The model named by `current`, or one trained from the corpus when there is none."""
    pointer = model_dir() / CURRENT
    state = _pointer_state(pointer)
    cached = _cache.get("model")
    if cached is not None and _cache.get("state") == state:
        return cached  # type: ignore[return-value]
    with _lock:
        cached = _cache.get("model")
        if cached is not None and _cache.get("state") == state:
            return cached  # type: ignore[return-value]
        model = _load(pointer) if state is not None else None
        if model is None:
            model = TextModel.fit(labelled_examples(), version_prefix="corpus-")
        _cache["model"] = model
        _cache["state"] = state
        return model


def _load(pointer: Path) -> TextModel | None:
    name = pointer.read_text(encoding="utf-8").strip()
    path = pointer.parent / name
    # Only a plain file name in our own folder: `current` cannot point elsewhere.
    if not name or "/" in name or "\\" in name or not path.is_file():
        return None
    try:
        return TextModel.load(path)
    except (ValueError, KeyError, OSError):
        return None  # an older format or a damaged file: train from the corpus instead


def model_train(examples: list[Example], *, lexicon: Lexicon | None = None) -> TextModel:
    stamp = timezone.now().strftime("%Y%m%d%H%M%S")
    return TextModel.fit(examples, lexicon=lexicon, version_prefix=f"{stamp}-")


def model_save(model: TextModel) -> Path:
    """Store the model as `model-<version>.npz` and make it the current one."""
    directory = model_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"model-{model.version}.npz"
    model.save(path)
    pointer = directory / CURRENT
    partial = directory / (CURRENT + ".partial")
    partial.write_text(path.name + "\n", encoding="utf-8")
    partial.replace(pointer)
    return path


def forget_cached_model() -> None:
    """Tests and the training command: the next current_model() looks again."""
    with _lock:
        _cache.clear()
