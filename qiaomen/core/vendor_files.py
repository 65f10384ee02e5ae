"""Vendor assets served straight from node_modules, file by file.

A STATICFILES_DIRS entry would publish a package's whole dist folder: ECharts' alone is 51 MB of
builds and source maps that no page loads, and collectstatic compresses every file of it (two and
a half minutes on this machine). This finder offers only the files named in
settings.VENDOR_FILES, so `collectstatic` copies and compresses what the pages use; npm still
installs and pins the packages (package.json, package-lock.json), nothing is copied into the repo.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Literal, overload

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import CheckMessage, Error
from django.core.files.storage import FileSystemStorage


class VendorFileFinder(BaseFinder):
    """settings.VENDOR_FILES maps a URL prefix (vendor/echarts) to (a folder, its file names)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.storages: dict[str, FileSystemStorage] = {}
        self.files: dict[str, list[str]] = {}
        for prefix, (folder, names) in settings.VENDOR_FILES.items():
            storage = FileSystemStorage(location=str(folder))
            storage.prefix = prefix  # type: ignore[attr-defined]  # collectstatic copies under it
            self.storages[prefix] = storage
            self.files[prefix] = list(names)

    def check(self, **kwargs: Any) -> list[CheckMessage]:
        missing = [
            f"{prefix}/{name}"
            for prefix, names in self.files.items()
            for name in names
            if not Path(self.storages[prefix].path(name)).is_file()
        ]
        if not missing:
            return []
        return [Error(f"vendor files missing (run `npm ci`): {', '.join(missing)}", id="qiaomen.E001")]

    @overload
    def find(self, path: str, find_all: Literal[False] = False) -> str | None: ...
    @overload
    def find(self, path: str, find_all: Literal[True]) -> list[str]: ...
    def find(self, path: str, find_all: bool = False) -> str | list[str] | None:
        for prefix, names in self.files.items():
            name = path.removeprefix(prefix + "/")
            if name != path and name in names:
                found = self.storages[prefix].path(name)
                return [found] if find_all else found
        return [] if find_all else None

    def list(self, ignore_patterns: Iterable[str] | None) -> Iterator[tuple[str, FileSystemStorage]]:
        for prefix, names in self.files.items():
            for name in names:
                yield name, self.storages[prefix]
