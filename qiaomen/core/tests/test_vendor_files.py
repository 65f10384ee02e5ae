from __future__ import annotations

from pathlib import Path

from django.contrib.staticfiles import finders
from pytest_django.fixtures import Settings

from qiaomen.core.vendor_files import VendorFileFinder


def test_the_pages_vendor_files_are_found_in_node_modules() -> None:
    for path in ("vendor/echarts/echarts.min.js", "vendor/leaflet/leaflet.css", "vendor/leaflet.heat/leaflet-heat.js"):
        found = finders.find(path)
        assert found and Path(found).is_file() and "node_modules" in found


def test_only_the_named_files_are_published(settings: Settings) -> None:
    finder = VendorFileFinder()
    listed = {f"{storage.prefix}/{name}" for name, storage in finder.list([])}  # type: ignore[attr-defined]
    assert "vendor/echarts/echarts.min.js" in listed
    assert not any(path.endswith("echarts.js") or "esm" in path for path in listed)
    assert finder.find("vendor/echarts/echarts.js") is None  # in the package, not published
    assert finder.find("vendor/echarts/echarts.min.js", find_all=True)


def test_a_missing_vendor_file_is_a_system_check_error(settings: Settings, tmp_path: Path) -> None:
    settings.VENDOR_FILES = {"vendor/none": (tmp_path, ["gone.js"])}
    [error] = VendorFileFinder().check()
    assert error.id == "qiaomen.E001" and "vendor/none/gone.js" in error.msg and "npm ci" in error.msg
