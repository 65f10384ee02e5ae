"""Settings for bench/visits_post.py's server: the app's own settings with bench_urls as the URL
root, so that the benchmark's minimal endpoint is served beside the app without being part of it."""

from __future__ import annotations

from qiaomen.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
