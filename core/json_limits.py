"""JSON from clients, parsed with limits: nesting depth, integer range, finite numbers only.

The standard parser accepts what later code cannot hold: a 5,000-deep array (``RecursionError`` while parsing or
when the value is serialised again), integers with thousands of digits (that overflow a database column or take
seconds to convert), ``NaN`` / ``Infinity`` (not JSON, and not storable). ``json_loads_limited`` refuses them with
``JsonLimitExceeded`` (a ``ValidationFailed``: HTTP 400, a socket ``error`` message), and malformed text with
``ValueError`` as ``json.loads`` does. Integers are interoperable ones (RFC 8259 section 6: at most 2**53 - 1 in
magnitude, the range every JSON reader represents exactly).
"""

import json
import math
from collections.abc import Iterable
from typing import Any

from core.errors import ValidationFailed

MAX_SAFE_INTEGER = 2**53 - 1
DEFAULT_MAX_DEPTH = 32


class JsonLimitExceeded(ValidationFailed):
    code = "json_limit"


def _parse_int(text: str) -> int:
    # Checked on the text: converting a huge digit string is itself the cost to avoid.
    if len(text.lstrip("-")) > len(str(MAX_SAFE_INTEGER)) or abs(value := int(text)) > MAX_SAFE_INTEGER:
        raise JsonLimitExceeded(f"The integer {text[:24]}{'...' if len(text) > 24 else ''} is outside the safe range "
                                f"(at most {MAX_SAFE_INTEGER:,} in magnitude).")
    return value


def _parse_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise JsonLimitExceeded(f"The number {text[:24]}{'...' if len(text) > 24 else ''} is too large for a "
                                "64-bit float.")
    return value


def _parse_constant(name: str):
    raise JsonLimitExceeded(f"{name} is not a JSON number; send a finite number or null.")


def json_depth(value) -> int:
    """Nesting depth of a parsed value (a scalar is 0, ``[]`` 1, ``[[1]]`` 2), without recursion."""
    deepest = 0
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        children: Iterable[Any]
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        depth += 1
        deepest = max(deepest, depth)
        stack.extend((child, depth) for child in children if isinstance(child, dict | list))
    return deepest


def json_loads_limited(text: str | bytes, *, max_depth: int = DEFAULT_MAX_DEPTH):
    """Parse `text` as JSON within the limits above; `max_depth` counts nested arrays and objects."""
    too_deep = JsonLimitExceeded(f"The JSON is nested more than {max_depth} levels deep.")
    try:
        value = json.loads(text, parse_int=_parse_int, parse_float=_parse_float, parse_constant=_parse_constant)
    except RecursionError:
        raise too_deep from None
    if json_depth(value) > max_depth:
        raise too_deep
    return value
