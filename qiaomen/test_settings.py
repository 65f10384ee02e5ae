"""Settings for the test suite: the environment is set here, before the real settings load,
so that pytest never reads a developer's database or key file."""

from __future__ import annotations

import base64
import os
import secrets
import tempfile

os.environ["QIAOMEN_ENV"] = "test"
os.environ.setdefault("QIAOMEN_DATA_KEY", "t1:" + base64.b64encode(secrets.token_bytes(32)).decode())
os.environ.setdefault("QIAOMEN_INDEX_KEY", base64.b64encode(secrets.token_bytes(32)).decode())
os.environ.setdefault("QIAOMEN_VAR_DIR", tempfile.mkdtemp(prefix="qiaomen-test-"))

from qiaomen.settings import *  # noqa: F403

# Argon2 is deliberately slow; the suite creates hundreds of users. Production keeps Argon2.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]  # noqa: F405

# WhiteNoise serves from finders in tests; an empty STATIC_ROOT keeps it from warning on start.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
