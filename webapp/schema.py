"""OpenAPI schema for the API's plain ``APIView`` classes (the styleguide's thin views with nested serializers).

drf-spectacular guesses bodies only for generic views. Here a view's nested ``<Method>Serializer``
(``PatchSerializer``, ``DeleteSerializer``, ...) or else ``InputSerializer`` is the request body of its
POST/PUT/PATCH (a DELETE only with its own), and its ``OutputSerializer`` (when it has one) the response;
otherwise the response is a JSON object. Views annotated with ``@extend_schema`` keep what they say. The schema
is what the fuzz test (tests/fuzz/) generates requests from, so a body documented here is a body fuzzed.

Every operation also lists the error statuses it can answer, each with the one error body (``ErrorOutput``, what
``webapp.errors.exception_handler`` sends): 400 always (a body, query string or path refused); 401 where the view
authenticates (no or a bad credential); 403 where it checks permissions or, on unsafe methods, the CSRF token of a
session; 404 where the path names something; 409 on unsafe methods (a stale version, a lease, a job's or scene's
state); 413 where a body is taken (``webapp/request_limits.py``); 415 where a body is read; 503 always (Redis, the
broker or a worker out of reach). A view adds what else it answers with ``error_statuses`` (e.g. ``{409}`` on a read
of something that may not be ready, ``{429}`` where attempts are counted). The fuzz test checks that nothing else is
answered."""

from http import HTTPStatus

from drf_spectacular.authentication import SessionScheme, TokenScheme
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import AllowAny

BODY_METHODS = {"POST", "PUT", "PATCH"}
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class ErrorOutput(serializers.Serializer):
    """The body of every error answer. A GeoLoop error (``core.errors``) has ``detail`` and ``code`` and may add
    facts under their own keys (``retry_after``, ``reason``; an import refused as a whole: ``imported`` 0 and
    ``errors``, one per refused item); a request body that fails its serializer answers each failing field's
    messages under the field's name instead."""

    detail = serializers.CharField(required=False, help_text="what went wrong, for a person")
    code = serializers.CharField(required=False, help_text="stable machine-readable reason, e.g. not_found")


ERROR_MEANING = {
    400: "The request was refused: its body, query string or path is wrong (the fields are named).",
    401: "No credentials, or credentials that are not valid (an unknown or expired token).",
    403: "The user may not do this here (role, site staff, or a missing CSRF token on a session).",
    404: "Nothing of that id the user can see.",
    409: "The current state refuses it (a stale version, a lease held by another, a job or scene not ready).",
    413: "The request body is larger than this route accepts.",
    415: "The body is not in a media type this route reads (see the request body's content types).",
    429: "Too many attempts; retry after the Retry-After header's seconds.",
    502: "A part the server depends on failed.",
    503: "A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly.",
    504: "A part the server depends on did not answer in time.",
}
NESTED = {"Input", "InputSerializer", "OutputSerializer", "PostSerializer", "PutSerializer", "PatchSerializer",
          "DeleteSerializer"}


class GeoLoopAutoSchema(AutoSchema):
    def _nested(self, name: str):
        serializer = getattr(self.view, name, None)
        return serializer() if isinstance(serializer, type) else None

    def get_request_serializer(self):
        if hasattr(self.view, "get_serializer"):
            return super().get_request_serializer()
        own = self._nested(f"{self.method.capitalize()}Serializer")
        if own is not None or self.method not in BODY_METHODS:
            return own
        return self._nested("InputSerializer")

    def get_response_serializers(self):
        if hasattr(self.view, "get_serializer"):
            return super().get_response_serializers()
        return self._nested("OutputSerializer") or OpenApiTypes.OBJECT

    def _error_statuses(self) -> set[int]:
        found = {400, 503}
        view = self.view
        if view.get_authenticators():
            found.add(401)
            if self.method in UNSAFE_METHODS and any(isinstance(a, SessionAuthentication)
                                                     for a in view.get_authenticators()):
                found.add(403)
        if not all(isinstance(p, AllowAny) for p in view.get_permissions()):
            found |= {403, 409} if self.method in UNSAFE_METHODS else {403}
        if "{" in self.path:
            found.add(404)
        if self.method in BODY_METHODS or self.get_request_serializer() is not None:
            found.add(413)
        if self.get_request_serializer() is not None:
            found.add(415)
        return found | set(getattr(view, "error_statuses", ()))

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in sorted(self._error_statuses()):
            if str(code) not in responses:
                described = OpenApiResponse(ErrorOutput, description=ERROR_MEANING.get(code, HTTPStatus(code).phrase))
                responses[str(code)] = self._get_response_for_code(described, str(code), direction=direction)
        return responses

    def get_operation_id(self):
        # One view class per path: its name and the method are unique where path-derived ids collide.
        name = type(self.view).__name__.removesuffix("Api")
        return f"{name}_{self.method.lower()}"

    def _get_serializer_name(self, serializer, direction, bypass_extensions=False):
        # Nested serializers share names ("InputSerializer") across views: prefix the view's name.
        cls = serializer if isinstance(serializer, type) else type(serializer)
        outer, _, inner = cls.__qualname__.rpartition(".")
        if outer and inner in NESTED:
            return outer.removesuffix("Api") + inner.removesuffix("Serializer")
        return super()._get_serializer_name(serializer, direction, bypass_extensions)


class CachedTokenScheme(TokenScheme):
    """The tile views' cached token authentication: the same header as the API's."""

    target_class = "annotator.authentication.CachedTokenAuthentication"
    name = "cachedTokenAuth"
    priority = 0


class CachedSessionScheme(SessionScheme):
    target_class = "annotator.authentication.CachedSessionAuthentication"
    name = "cachedCookieAuth"
    priority = 0


POSITION = {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2}
RING = {"type": "array", "items": POSITION, "minItems": 4}


class GeometryFieldSchema(OpenApiSerializerFieldExtension):
    """A GeoJSON Polygon or MultiPolygon (EPSG:4326), so generated requests look like geometries and broken ones
    are broken in the places that matter (the type, the nesting, the numbers)."""

    target_class = "annotator.apis.annotations.GeometryField"

    def map_serializer_field(self, auto_schema, direction):
        polygon = {"type": "array", "items": RING, "minItems": 1}
        return {
            "type": "object",
            "required": ["type", "coordinates"],
            "properties": {
                "type": {"type": "string", "enum": ["Polygon", "MultiPolygon"]},
                "coordinates": {"oneOf": [polygon, {"type": "array", "items": polygon, "minItems": 1}]},
            },
        }
