"""Typed attributes of a label class, and the check of an annotation's values against them. Pure: no Django.

A class's schema is a list of definitions, each one of:

    {"name": "occluded", "type": "boolean", "required": false}
    {"name": "floors", "type": "number", "required": true, "min": 1, "max": 200, "integer": true}
    {"name": "roof", "type": "choice", "required": false, "choices": ["flat", "gabled", "hipped"]}
    {"name": "note", "type": "text", "required": false, "max_length": 200}

Names are short identifiers (letters, digits, underscore; they become GeoPackage columns `attr_<name>`).
An annotation's values are an object {name: value}; `attributes_check` refuses unknown names, values of the wrong
type or out of range, and (when asked to be complete) required attributes left out.
"""

from __future__ import annotations

import math
import re

TYPES = ("boolean", "number", "choice", "text")
NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,39}$")
MAX_ATTRIBUTES = 32
MAX_CHOICES = 100
TEXT_MAX_LENGTH = 1000
_KEYS = {"name", "type", "required", "min", "max", "integer", "choices", "max_length"}


class AttributeInvalid(ValueError):
    """A schema or a value that does not fit; the message is for people."""


def _number(value, what: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise AttributeInvalid(f"{what} must be a finite number; got {value!r}.")
    return float(value) if not float(value).is_integer() else int(value)


def schema_check(schema) -> list[dict]:
    """Check a class's attribute definitions; return them normalised (every key present that applies)."""
    if schema is None:
        return []
    if not isinstance(schema, list):
        raise AttributeInvalid("Attributes are a list of definitions ({name, type, required, ...}).")
    if len(schema) > MAX_ATTRIBUTES:
        raise AttributeInvalid(f"A class has at most {MAX_ATTRIBUTES} attributes.")
    out: list[dict] = []
    seen: set[str] = set()
    for item in schema:
        definition = _definition_check(item)
        name = definition["name"]
        if name.lower() in seen:
            raise AttributeInvalid(f"Two attributes are named {name!r}.")
        seen.add(name.lower())
        out.append(definition)
    return out


def _definition_check(item) -> dict:
    """One attribute definition, checked and normalised: name, type, required, then what its type takes."""
    if not isinstance(item, dict):
        raise AttributeInvalid("Each attribute is an object with a name and a type.")
    unknown = set(item) - _KEYS
    if unknown:
        raise AttributeInvalid(f"Unknown attribute keys: {', '.join(sorted(unknown))}; "
                               f"use {', '.join(sorted(_KEYS))}.")
    name = item.get("name")
    if not isinstance(name, str) or not NAME.match(name):
        raise AttributeInvalid(f"Attribute name {name!r}: use a letter then letters, digits or _ (40 at most).")
    kind = item.get("type")
    if kind not in TYPES:
        raise AttributeInvalid(f"Attribute {name!r}: type must be one of {', '.join(TYPES)}; got {kind!r}.")
    required = item.get("required", False)
    if not isinstance(required, bool):
        raise AttributeInvalid(f"Attribute {name!r}: `required` is true or false.")
    definition: dict = {"name": name, "type": kind, "required": required}
    typed = _TYPE_CHECKS.get(kind)
    if typed is not None:
        definition.update(typed(item, name))
    for key in ("min", "max", "integer", "choices", "max_length"):
        if key in item and key not in definition:
            raise AttributeInvalid(f"Attribute {name!r}: `{key}` does not apply to a {kind} attribute.")
    return definition


def _number_definition(item: dict, name: str) -> dict:
    low = _number(item.get("min"), f"Attribute {name!r}: min")
    high = _number(item.get("max"), f"Attribute {name!r}: max")
    if low is not None and high is not None and low > high:
        raise AttributeInvalid(f"Attribute {name!r}: min ({low}) is above max ({high}).")
    integer = item.get("integer", False)
    if not isinstance(integer, bool):
        raise AttributeInvalid(f"Attribute {name!r}: `integer` is true or false.")
    return {"min": low, "max": high, "integer": integer}


def _choice_definition(item: dict, name: str) -> dict:
    choices = item.get("choices")
    if (not isinstance(choices, list) or not choices or len(choices) > MAX_CHOICES
            or not all(isinstance(c, str) and c.strip() and len(c) <= 100 for c in choices)):
        raise AttributeInvalid(f"Attribute {name!r}: `choices` lists 1 to {MAX_CHOICES} non-empty texts.")
    if len(set(choices)) != len(choices):
        raise AttributeInvalid(f"Attribute {name!r}: a choice is listed twice.")
    return {"choices": list(choices)}


def _text_definition(item: dict, name: str) -> dict:
    limit = item.get("max_length", TEXT_MAX_LENGTH)
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= TEXT_MAX_LENGTH:
        raise AttributeInvalid(f"Attribute {name!r}: max_length is a whole number from 1 to {TEXT_MAX_LENGTH}.")
    return {"max_length": limit}


_TYPE_CHECKS = {"number": _number_definition, "choice": _choice_definition, "text": _text_definition}


def _value(definition: dict, value):
    name, kind = definition["name"], definition["type"]
    if kind == "boolean":
        if not isinstance(value, bool):
            raise AttributeInvalid(f"{name} is true or false; got {value!r}.")
        return value
    if kind == "number":
        number = _number(value, name)
        if definition.get("integer") and not float(number).is_integer():
            raise AttributeInvalid(f"{name} must be a whole number; got {value!r}.")
        if definition.get("min") is not None and number < definition["min"]:
            raise AttributeInvalid(f"{name} must be at least {definition['min']}; got {value!r}.")
        if definition.get("max") is not None and number > definition["max"]:
            raise AttributeInvalid(f"{name} must be at most {definition['max']}; got {value!r}.")
        return number
    if kind == "choice":
        if value not in definition["choices"]:
            raise AttributeInvalid(f"{name} must be one of {', '.join(definition['choices'])}; got {value!r}.")
        return value
    if not isinstance(value, str):
        raise AttributeInvalid(f"{name} is a text; got {value!r}.")
    if len(value) > definition.get("max_length", TEXT_MAX_LENGTH):
        raise AttributeInvalid(f"{name} is longer than {definition.get('max_length', TEXT_MAX_LENGTH)} characters.")
    return value


def attributes_check(schema: list[dict], values, *, complete: bool) -> dict:
    """Check `values` ({name: value}) against a class's `schema`; return them normalised, in schema order.

    A null value removes the attribute. With `complete`, a required attribute without a value is refused.
    Raises AttributeInvalid naming the attribute."""
    if values is None:
        values = {}
    if not isinstance(values, dict):
        raise AttributeInvalid("Attributes are an object {name: value}.")
    by_name = {d["name"]: d for d in schema}
    unknown = [k for k in values if k not in by_name]
    if unknown:
        known = ", ".join(by_name) or "none"
        raise AttributeInvalid(f"Unknown attributes for this class: {', '.join(map(str, unknown))} (known: {known}).")
    out: dict = {}
    for definition in schema:
        name = definition["name"]
        value = values.get(name)
        if value is None or (definition["type"] == "text" and value == ""):
            if complete and definition["required"]:
                raise AttributeInvalid(f"{name} is required.")
            continue
        out[name] = _value(definition, value)
    return out


def attributes_missing(schema: list[dict], values: dict | None) -> list[str]:
    """Names of required attributes without a value."""
    values = values or {}
    return [d["name"] for d in schema if d["required"] and values.get(d["name"]) in (None, "")]


def attributes_carry(schema: list[dict], values: dict | None) -> dict:
    """The values that still fit `schema` (a class changed): the others are dropped."""
    out = {}
    for definition in schema:
        value = (values or {}).get(definition["name"])
        if value is None:
            continue
        try:
            out[definition["name"]] = _value(definition, value)
        except AttributeInvalid:
            continue
    return out
