"""Rules of the services stated in the OpenAPI document, so that a generated client (or a fuzzer)
knows which values are accepted before it sends them (issue 12, hole 7e).

The services keep checking and keep answering their own 422 codes (`unknown_department`,
`period_invalid`, `position_incomplete` …): these declarations only describe the rules, they do
not move the check into pydantic, whose answer would be the generic `invalid_input`.

Codes that live in the installation's tables (departments, sub-categories, tags, visit types,
policy topics) are read each time the document is built, so the document lists this
installation's codes as they are now.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

JsonSchema = dict[str, Any]
# A value the service strips and then refuses when empty: at least one non-blank character.
NOT_BLANK: JsonSchema = {"pattern": r"\S"}
# A reason (tickets.services.transitions.reason_clean): at least two characters once stripped.
REASON: JsonSchema = {"pattern": r"\S[\s\S]*\S"}


def on_string(rule: JsonSchema) -> Callable[[JsonSchema], None]:
    """json_schema_extra that puts `rule` on the string itself, also in an optional field's
    `anyOf: [string, null]` (pydantic would put a plain dict beside the anyOf)."""

    def declare(schema: JsonSchema) -> None:
        for branch in schema.get("anyOf", [schema]):
            if branch.get("type") == "string":
                branch.update(rule)

    return declare


# visits.periods.parse_period_label: a month (2026-11) or a quarter (2026-Q4).
PERIOD_LABEL = on_string({"pattern": r"^(19|20)[0-9]{2}-(0[1-9]|1[0-2]|Q[1-4])$"})


def codes_of(query: Callable[[], Iterable[str]]) -> Callable[[JsonSchema], None]:
    """json_schema_extra for a code field: the codes the table holds when the schema is built."""

    def declare(schema: JsonSchema) -> None:
        on_string({"enum": sorted(set(query()))})(schema)

    return declare


def codes_in_list(query: Callable[[], Iterable[str]]) -> Callable[[JsonSchema], None]:
    """json_schema_extra for a list of codes: each item one of the table's codes."""

    def declare(schema: JsonSchema) -> None:
        schema.setdefault("items", {})["enum"] = sorted(set(query()))

    return declare


def position_both_or_neither(schema: JsonSchema) -> None:
    """json_schema_extra for a body with an optional position (`lat`, `lng`): each is a number
    within its bounds when sent, and one is never sent without the other. The service still
    accepts `null` for either, as older clients send it for "no position"."""
    properties = schema["properties"]
    for name, bound in (("lat", 90), ("lng", 180)):
        properties[name] = {"type": "number", "minimum": -bound, "maximum": bound, "title": name.title()}
    schema["anyOf"] = [
        {"required": ["lat", "lng"]},
        {"not": {"anyOf": [{"required": ["lat"]}, {"required": ["lng"]}]}},
    ]


def query_pair_as_object(operation: JsonSchema, first: str, second: str, *, name: str, description: str) -> None:
    """Two query parameters that go together, declared as one optional object parameter
    (style form, explode: `?lat=31.2&lng=121.4` on the wire, as before) that requires both."""
    parameters = operation["parameters"]
    pair = {p["name"]: p for p in parameters if p["in"] == "query" and p["name"] in (first, second)}
    if set(pair) != {first, second}:
        return
    operation["parameters"] = [p for p in parameters if p not in pair.values()]
    properties = {}
    for key in (first, second):
        schema = pair[key]["schema"]
        number = next((b for b in schema.get("anyOf", [schema]) if b.get("type") == "number"), schema)
        properties[key] = {k: v for k, v in number.items() if k != "default"}
    operation["parameters"].append(
        {
            "name": name,
            "in": "query",
            "required": False,
            "style": "form",
            "explode": True,
            "description": description,
            "schema": {
                "type": "object",
                "properties": properties,
                "required": [first, second],
                "additionalProperties": False,
            },
        }
    )
