"""OpenAPI schema for the API's plain ``APIView`` classes (the styleguide's thin views with nested serializers).

drf-spectacular guesses bodies only for generic views. Here a view's nested ``<Method>Serializer``
(``PatchSerializer``, ``DeleteSerializer``, ...) or else ``InputSerializer`` is the request body of its
POST/PUT/PATCH (a DELETE only with its own), and its ``OutputSerializer`` (when it has one) the response;
otherwise the response is a JSON object. Views annotated with ``@extend_schema`` keep what they say. The schema
is what the fuzz test (tests/fuzz/) generates requests from, so a body documented here is a body fuzzed."""

from drf_spectacular.authentication import SessionScheme, TokenScheme
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes

BODY_METHODS = {"POST", "PUT", "PATCH"}
NESTED = {"InputSerializer", "OutputSerializer", "PostSerializer", "PutSerializer", "PatchSerializer",
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
