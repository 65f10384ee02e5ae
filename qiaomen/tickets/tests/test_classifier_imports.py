"""scikit-learn is loaded only to train the classifier: a server process (which loads the URL
configuration and with it every view) or a command that never classifies does not carry the
100 MB it brings (an import of 100,000 people peaked at 474 MB with it, 358 MB without)."""

from __future__ import annotations

import os
import subprocess
import sys

from django.conf import settings

LOADED = (
    "import sys, django; django.setup(); import qiaomen.urls; "
    "print(sorted(name for name in ('sklearn', 'scipy') if name in sys.modules))"
)


def test_loading_every_view_does_not_load_scikit_learn() -> None:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "qiaomen.settings")}
    result = subprocess.run(
        [sys.executable, "-c", LOADED],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stdout + result.stderr
