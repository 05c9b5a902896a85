"""The API's JSON parser: DRF's, with the limits of :mod:`core.json_limits` (nesting depth from
``settings.JSON_MAX_DEPTH``, safe integers, finite numbers). Past a limit: 400 with code ``json_limit``; malformed
JSON stays DRF's 400 ``parse_error``."""

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser, get_encoding

from core.json_limits import json_loads_limited


class LimitedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = get_encoding(parser_context or {})
        raw = stream.read() if stream is not None else b""
        try:
            return json_loads_limited(raw.decode(encoding), max_depth=settings.JSON_MAX_DEPTH)
        except ValueError as exc:  # malformed JSON or bytes in the wrong encoding
            raise ParseError(f"JSON parse error - {exc}") from exc
