"""Issue 17: the city's environment file (deploy/qiaomen.env.example) names every setting, passes
Django's deployment checks as written, and gives the systemd units everything they expand."""

from __future__ import annotations

import base64
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
EXAMPLE = DEPLOY / "qiaomen.env.example"
# Where the settings and the key loader read the environment: env_str("NAME", …), os.environ.get("NAME").
READS = re.compile(r"""(?:env_(?:str|int|bool|list|secret)\(\s*|file_env=|os\.environ\.get\()"([A-Z][A-Z0-9_]+)\"""")
LINE = re.compile(r"^(#\s*)?([A-Z][A-Z0-9_]+)=(.*)$")


def _example() -> tuple[dict[str, str], set[str]]:
    """The settings the file sets, and every name it mentions (set, or shown commented out)."""
    active: dict[str, str] = {}
    named: set[str] = set()
    for line in EXAMPLE.read_text(encoding="utf-8").splitlines():
        match = LINE.match(line.strip())
        if match:
            named.add(match.group(2))
            if not match.group(1):
                active[match.group(2)] = match.group(3)
    return active, named


def test_the_environment_file_names_every_setting_the_code_reads() -> None:
    sources = [ROOT / "qiaomen" / "settings.py", ROOT / "qiaomen" / "keys.py"]
    read = {name for source in sources for name in READS.findall(source.read_text(encoding="utf-8"))}
    assert {"DATABASE_URL", "REDIS_URL", "QIAOMEN_UPLOAD_DIR", "QIAOMEN_KEY_FILE"} <= read, "the pattern finds them"
    _, named = _example()
    assert sorted(read - named) == []


def test_the_units_expand_only_what_the_environment_file_sets_and_run_real_commands() -> None:
    active, _ = _example()
    units = sorted((DEPLOY / "systemd").glob("*.service"))
    assert {unit.name for unit in units} >= {"qiaomen-web@.service", "qiaomen-worker@.service"}
    for unit in units:
        text = unit.read_text(encoding="utf-8")
        assert "EnvironmentFile=/etc/qiaomen/qiaomen.env" in text, unit.name
        assert sorted(set(re.findall(r"\$\{([A-Z_0-9]+)\}", text)) - set(active)) == [], unit.name
        for command in re.findall(r"manage\.py (\w+)", text):
            assert command in get_commands(), f"{unit.name}: no command {command}"


def _new_key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


@pytest.mark.slow
def test_check_deploy_is_clean_with_the_documented_environment(tmp_path: Path) -> None:
    active, _ = _example()
    # The secrets the file points to, made here as deploy/README.md makes them; the folders under
    # tmp_path. Everything else as written, addresses of machines that do not exist included:
    # the checks connect to neither the database nor Redis.
    secret_key, keys, backup_key = tmp_path / "secret_key", tmp_path / "keys.env", tmp_path / "backup_key"
    secret_key.write_text(secrets.token_urlsafe(50), encoding="utf-8")
    keys.write_text(f"QIAOMEN_DATA_KEY=k1:{_new_key()}\nQIAOMEN_INDEX_KEY={_new_key()}\n", encoding="utf-8")
    backup_key.write_text(_new_key(), encoding="utf-8")
    paths = {
        "DJANGO_SECRET_KEY_FILE": secret_key,
        "QIAOMEN_KEY_FILE": keys,
        "QIAOMEN_BACKUP_KEY_FILE": backup_key,
        "QIAOMEN_VAR_DIR": tmp_path / "var",
        "QIAOMEN_UPLOAD_DIR": tmp_path / "shared" / "uploads",
        "QIAOMEN_CLASSIFIER_DIR": tmp_path / "shared" / "classifier",
        "QIAOMEN_BACKUP_DIR": tmp_path / "backups",
    }
    assert set(paths) <= set(active), "the file sets each of these"
    assert active["QIAOMEN_ENV"] == "production"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QIAOMEN_", "DJANGO_", "DATABASE_", "REDIS_"))}
    env.update(active)
    env.update({name: str(path) for name, path in paths.items()})
    env["DJANGO_SETTINGS_MODULE"] = "qiaomen.settings"
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (1 silenced)." in result.stdout
