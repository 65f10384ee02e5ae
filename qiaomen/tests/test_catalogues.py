"""The zh_Hans catalogues are complete, their msgids English, and no domain error speaks Chinese
from the source.

English msgids with Simplified Chinese translations are the convention: a Chinese msgid has no
English to fall back on, an empty msgstr shows English on a Chinese page, a marked message missing
from every catalogue shows English too. Templates are not scanned: Babel has no Django template
extractor installed here.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
KEYWORDS = {
    "_": None,
    "_t": None,
    "gettext": None,
    "gettext_lazy": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
}
METHODS = [("**/tests/**.py", "ignore"), ("**/migrations/**.py", "ignore"), ("**.py", "python")]
# Where a person-facing message stands in each call that carries one: domain errors and the
# other errors people read (the message is the second argument), and the import report's
# problems (problem(field, code, message); Problem(row, column, code, message)).
MESSAGE_AT = {
    **dict.fromkeys(("DomainError", "InvalidInput", "NotFound", "Forbidden", "Conflict", "FileRefused"), 1),
    **dict.fromkeys(("PhoneError", "IdNumberError"), 1),
    "problem": 2,
    "Problem": 3,
}
# English msgids may quote the Chinese term they stand for ("tenant (租户)", "e.g. 3栋"); a msgid
# with hardly any Latin letters is Chinese. Known Chinese msgids that predate this check: the
# registry's verbose_name (changing it needs a migration) and the templates that reuse it.
LATIN = re.compile(r"[A-Za-z]")
KNOWN_CHINESE_MSGIDS = {"人户分离"}


@cache
def catalogues() -> dict[str, Catalog]:
    found = {}
    for path in sorted(ROOT.glob("**/locale/zh_Hans/LC_MESSAGES/*.po")):
        with path.open("rb") as handle:
            found[str(path.relative_to(ROOT))] = read_po(handle)
    return found


def _ids(message_id: str | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    return (message_id,) if isinstance(message_id, str) else tuple(message_id)


def _chinese(text: str) -> bool:
    return CJK.search(text) is not None and len(LATIN.findall(CJK.sub("", text))) < 2


def test_catalogues_exist() -> None:
    assert len(catalogues()) >= 8


def test_every_entry_has_an_english_msgid_and_a_chinese_translation() -> None:
    problems = []
    for name, catalog in catalogues().items():
        for message in catalog:
            if not message.id:
                continue  # the header
            if any(_chinese(text) for text in _ids(message.id)) and message.id not in KNOWN_CHINESE_MSGIDS:
                problems.append(f"{name}: msgid is not English: {message.id!r}")
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if not all(strings):
                problems.append(f"{name}: no translation for {message.id!r}")
    assert problems == []


def test_every_marked_message_is_in_a_catalogue() -> None:
    known = {text for catalog in catalogues().values() for message in catalog for text in _ids(message.id)}
    missing = sorted(
        f"{filename}:{lineno}: {text!r}"
        for filename, lineno, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map=METHODS, keywords=KEYWORDS
        )
        for text in _ids(message)
        if text and text not in known
    )
    assert missing == []


def _literal_chinese(node: ast.expr) -> bool:
    """A str or f-string literal with Chinese in it, also inside `"…" + x` or `"…" % x`."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and CJK.search(node.value) is not None
    if isinstance(node, ast.JoinedStr):
        return any(_literal_chinese(part) for part in node.values if isinstance(part, ast.Constant))
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _literal_chinese(node.left) or _literal_chinese(node.right)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return _literal_chinese(node.left)
    return False


def _message_argument(call: ast.Call) -> ast.expr | None:
    """The message of a call in MESSAGE_AT or of an Open311Error.one (its third argument)."""
    func = call.func
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
    index = MESSAGE_AT.get(name)
    if index is not None:
        pass
    elif isinstance(func, ast.Attribute) and func.attr == "one" and getattr(func.value, "id", "") == "Open311Error":
        index = 2
    if index is None:
        return None
    if len(call.args) > index:
        return call.args[index]
    return next((keyword.value for keyword in call.keywords if keyword.arg == "message"), None)


def test_no_domain_error_is_raised_with_a_chinese_literal() -> None:
    offenders = []
    for path in sorted(ROOT.rglob("*.py")):
        if "tests" in path.relative_to(ROOT).parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            message = _message_argument(node)
            if message is not None and _literal_chinese(message):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_the_checks_see_a_chinese_literal() -> None:
    assert _chinese("请填写诉求内容") and not _chinese("tenant (租户)")
    call = ast.parse('raise InvalidInput("code", f"不能超过{n}字")').body[0]
    assert isinstance(call, ast.Raise) and isinstance(call.exc, ast.Call)
    message = _message_argument(call.exc)
    assert message is not None and _literal_chinese(message)


def test_no_catalogue_keeps_a_merge_conflict() -> None:
    """A conflict left in a .po file still compiles (with warnings) and silently drops the
    messages between the markers: English on Chinese pages."""
    markers = re.compile(r"^(<{7} |={7}$|>{7} )", re.MULTILINE)
    spoiled = [
        str(po.relative_to(ROOT))
        for po in ROOT.glob("*/locale/*/LC_MESSAGES/django.po")
        if markers.search(po.read_text(encoding="utf-8"))
    ]
    assert not spoiled
