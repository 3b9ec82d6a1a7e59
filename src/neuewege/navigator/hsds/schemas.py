"""The official HSDS 3.0 schemas (``schema/``, see its README) and validation against them with
``jsonschema``: a full record as the API gives it (``validate``), and one row of a table of the
tabular datapackage (``validate_row``: the object's plain fields, with the references the
tables need, ``tabular_required``).

Every object's ``path`` names its CSV file in a datapackage; its properties that are neither
arrays nor objects are that file's columns."""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

DIRECTORY = Path(__file__).parent / "schema"
BASE = "https://neuewege.invalid/hsds/3.0/schema/"
VERSION = "3.0"


@cache
def raw(name: str) -> dict:
    return json.loads((DIRECTORY / f"{name}.json").read_text(encoding="utf-8"))


@cache
def names() -> tuple[str, ...]:
    return tuple(sorted(path.stem for path in DIRECTORY.glob("*.json")))


@cache
def _registry() -> Registry:
    resources = [
        (BASE + f"{name}.json", Resource.from_contents(raw(name), DRAFT202012)) for name in names()
    ]
    return Registry().with_resources(resources)


@cache
def validator(name: str) -> Draft202012Validator:
    schema = {"$id": BASE + f"{name}.json", **raw(name)}
    return Draft202012Validator(schema, registry=_registry(), format_checker=FormatChecker())


@dataclass(frozen=True)
class Problem:
    field: str  # the path of the field, "schedules.0.freq"; empty: the record as a whole
    message: str


def _problems(found) -> list[Problem]:
    problems = []
    for error in sorted(found, key=lambda error: list(map(str, error.absolute_path))):
        path = [str(part) for part in error.absolute_path]
        if error.validator == "required":  # name the missing field, not its record
            missing = error.message.split("'")[1] if "'" in error.message else ""
            path.append(missing)
        problems.append(Problem(".".join(path), error.message))
    return problems


def validate(name: str, record: dict) -> list[Problem]:
    """The problems of ``record`` as a full HSDS object ``name`` (``service``, …)."""
    return _problems(validator(name).iter_errors(record))


def is_plain(definition: dict) -> bool:
    return "$ref" not in definition and definition.get("type") not in ("array", "object")


@cache
def columns(name: str) -> tuple[str, ...]:
    """The columns of the table of ``name`` in a datapackage, in the schema's order."""
    return tuple(key for key, value in raw(name)["properties"].items() if is_plain(value))


@cache
def table_path(name: str) -> str:
    return raw(name)["path"]


@cache
def _row_validator(name: str) -> Draft202012Validator:
    schema = raw(name)
    row = {
        "type": "object",
        "properties": {key: schema["properties"][key] for key in columns(name)},
        "required": list(
            dict.fromkeys(schema.get("required", []) + schema.get("tabular_required", []))
        ),
    }
    return Draft202012Validator(row, format_checker=FormatChecker())


def validate_row(name: str, row: dict) -> list[Problem]:
    """The problems of one row of the table of ``name`` (typed: numbers as numbers)."""
    return _problems(_row_validator(name).iter_errors(row))


def number_columns(name: str) -> frozenset[str]:
    return frozenset(
        key for key in columns(name) if raw(name)["properties"][key].get("type") == "number"
    )


def table_schema(name: str) -> dict:
    """The Table Schema of a resource of the datapackage (a ``tabular-data-resource``)."""
    properties = raw(name)["properties"]
    fields = []
    for key in columns(name):
        definition = properties[key]
        field = {"name": key, "type": definition.get("datapackage_type", definition["type"])}
        if definition.get("format") in ("uri", "email"):
            field["format"] = definition["format"]
        if "enum" in definition:
            field["constraints"] = {"enum": definition["enum"]}
        if key in raw(name).get("required", []) or key in raw(name).get("tabular_required", []):
            field.setdefault("constraints", {})["required"] = True
        fields.append(field)
    return {"fields": fields, "primaryKey": "id"}
