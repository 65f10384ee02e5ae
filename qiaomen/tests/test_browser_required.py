"""Browser tests are required: where Chromium is missing they fail with the line that installs
it, never skip (qiaomen/conftest.py's pytest_runtest_setup calls testing.require_chromium)."""

from __future__ import annotations

from pathlib import Path

import pytest

from qiaomen import conftest, testing

INSTALL = "apt-get install chromium fonts-noto-cjk"


@pytest.fixture
def no_chromium(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    missing = tmp_path / "chromium"
    monkeypatch.setattr(testing, "CHROMIUM", missing)
    return missing


def test_without_chromium_the_check_fails_and_names_the_install_line(no_chromium: Path) -> None:
    with pytest.raises(pytest.fail.Exception) as failed:
        testing.require_chromium()

    assert INSTALL in str(failed.value) and str(no_chromium) in str(failed.value)
    assert not failed.value.pytrace, "the message is the whole report, no traceback"


def test_a_test_marked_browser_fails_in_its_set_up_without_chromium(
    no_chromium: Path, request: pytest.FixtureRequest
) -> None:
    conftest.pytest_runtest_setup(request.node)  # not a browser test: nothing to check

    request.node.add_marker(pytest.mark.browser)
    with pytest.raises(pytest.fail.Exception, match=INSTALL):
        conftest.pytest_runtest_setup(request.node)


def test_with_chromium_in_place_the_check_hands_back_its_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    chromium = tmp_path / "chromium"
    chromium.write_bytes(b"")
    monkeypatch.setattr(testing, "CHROMIUM", chromium)

    assert testing.require_chromium() == chromium
