"""The one JSON parser of the API: any body it cannot take is a 400 ``parse_error``, never a 500.

DRF's ``JSONParser`` turns a ``ValueError`` (bad syntax, invalid UTF-8, ``NaN`` /
``Infinity`` under ``STRICT_JSON``) into a ``ParseError``, but three kinds of body
got through it:

* **deep nesting**: Python's JSON scanner recurses per ``[`` / ``{`` and raises
  ``RecursionError`` past ~1,000 levels (a 2 KB body), which nothing caught (500);
  and a body just under that limit is a trap for every recursive walk after it
  (serializers, ``jsonb`` adaptation, logging). Bodies nested deeper than
  ``MAX_DEPTH`` are refused before any of that; no request of this API needs more
  than four levels.
* **duplicate keys**: ``{"guests": 1, "guests": 9}`` silently kept the last value,
  so a proxy or a signature check that reads the first one disagrees with us.
  Refused, naming the key.
* **a body that is not a JSON text at all** but decodes (``""``, whitespace): the
  plain ``json`` error, a 400 like the others.

The error body is the project's usual one (``airbnb.api.errors``):
``{"error": {"code": "parse_error", "message": "JSON parse error - ..."}}``.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 32


class DuplicateKeyError(ValueError):
    pass


def _object_without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise DuplicateKeyError(f"duplicate key {key!r} in an object")
        result[key] = value
    return result


def _strict_constant(name: str) -> None:
    raise ValueError(f"{name} is not a valid JSON value")


def json_depth_exceeds(data: Any, limit: int) -> bool:
    """Whether ``data`` (parsed JSON) nests lists/objects deeper than ``limit`` (iterative: no recursion)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


def json_strict_loads(raw: bytes | str, *, encoding: str = "utf-8") -> Any:
    """Parse a request body as JSON or raise ``ValueError`` saying why (see the module docstring)."""
    text = raw.decode(encoding) if isinstance(raw, bytes) else raw
    try:
        data = json.loads(text, object_pairs_hook=_object_without_duplicates, parse_constant=_strict_constant)
    except RecursionError:
        raise ValueError(f"the body is nested deeper than {MAX_DEPTH} levels") from None
    if json_depth_exceeds(data, MAX_DEPTH):
        raise ValueError(f"the body is nested deeper than {MAX_DEPTH} levels")
    return data


class StrictJSONParser(JSONParser):
    """``JSONParser`` that refuses deep nesting and duplicate keys with a 400 (module docstring)."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        raw = stream.read() if stream is not None else b""
        try:
            return json_strict_loads(raw, encoding=encoding)
        except (ValueError, LookupError) as exc:  # UnicodeDecodeError is a ValueError; LookupError: unknown charset
            raise ParseError(f"JSON parse error - {exc}") from None
