"""Output shapes several annotator APIs share (and the schema names once): GeoJSON geometries in EPSG:4326, a label
class as an annotation names it, an annotation as a GeoJSON Feature. The views build these dicts in the selectors;
the serializers say what they hold (drf-spectacular, hence the generated front-end types)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from annotator.models import AnnotationKind, AnnotationStatus, ReviewState


def _ring() -> serializers.ListField:
    position = serializers.ListField(child=serializers.FloatField(), help_text="[lon, lat]")
    return serializers.ListField(child=position, help_text="a closed ring: the last position repeats the first")


class PolygonOutput(serializers.Serializer):
    """RFC 7946 Polygon: rings of [lon, lat], the first the outer one."""

    type = serializers.ChoiceField(choices=["Polygon"])
    coordinates = serializers.ListField(child=_ring())


class MultiPolygonOutput(serializers.Serializer):
    """RFC 7946 MultiPolygon: polygons of rings of [lon, lat]."""

    type = serializers.ChoiceField(choices=["MultiPolygon"])
    coordinates = serializers.ListField(child=serializers.ListField(child=_ring()))


class ShapeOutput(serializers.Serializer):
    """RFC 7946 Point ([lon, lat]) or LineString ([[lon, lat], ...])."""

    type = serializers.ChoiceField(choices=["Point", "LineString"])
    coordinates = serializers.JSONField(help_text="[lon, lat] for a Point, [[lon, lat], ...] for a LineString")


class ClassRefOutput(serializers.Serializer):
    """The label class an annotation has, as annotations name it."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    color = serializers.CharField()


@extend_schema_field({"oneOf": [{"type": "boolean"}, {"type": "number"}, {"type": "string"}]})
class AttributeValueField(serializers.JSONField):
    """One attribute's value: a boolean, a number or a string (annotator.attributes checks it against its class)."""


AnnotationPropertiesOutput = type("AnnotationPropertiesOutput", (serializers.Serializer,), {
    "__doc__": "An annotation's properties (annotator.selectors.annotations.annotation_properties).",
    "id": serializers.IntegerField(),
    "scene": serializers.IntegerField(),
    "task": serializers.IntegerField(allow_null=True),
    "version": serializers.IntegerField(),
    "class": ClassRefOutput(allow_null=True),
    "status": serializers.ChoiceField(choices=AnnotationStatus.choices),
    "review_state": serializers.ChoiceField(choices=ReviewState.choices),
    "review_reason": serializers.CharField(allow_blank=True),
    "source": serializers.CharField(),
    "deleted": serializers.BooleanField(),
    "author": serializers.IntegerField(allow_null=True),
    "model_version_id": serializers.IntegerField(allow_null=True),
    "proposal_id": serializers.IntegerField(allow_null=True),
    "predicted_quality": serializers.FloatField(allow_null=True),
    "attributes": serializers.DictField(child=AttributeValueField(), help_text="values of the class's attributes"),
    "kind": serializers.ChoiceField(choices=AnnotationKind.choices,
                                    help_text="what it stands for; the geometry is always its footprint"),
    "width_m": serializers.FloatField(allow_null=True, help_text="a line's width in metres (null for other kinds)"),
    "shape": ShapeOutput(allow_null=True, help_text="a point's or line's exact Point/LineString (EPSG:4326); null "
                         "for polygons and boxes, whose shape is the footprint"),
    "attributes_missing": serializers.ListField(child=serializers.CharField(),
                                                help_text="required attributes without a value"),
    "updated_at": serializers.DateTimeField(allow_null=True),
})


class EditablePropertiesOutput(AnnotationPropertiesOutput):  # type: ignore[misc, valid-type]
    """The properties of one annotation answered to one user: whether they may change it and, if not, why."""

    can_edit = serializers.BooleanField()
    edit_refusal = serializers.CharField(allow_null=True, help_text="the rule that refuses an edit")


class AnnotationFeatureOutput(serializers.Serializer):
    """An annotation as a GeoJSON Feature (EPSG:4326)."""

    type = serializers.ChoiceField(choices=["Feature"])
    id = serializers.IntegerField()
    geometry = MultiPolygonOutput()
    properties = AnnotationPropertiesOutput()


class EditableFeatureOutput(AnnotationFeatureOutput):
    """One annotation answered to one user, with `can_edit` / `edit_refusal` in its properties."""

    properties = EditablePropertiesOutput()


class EditedFeatureOutput(EditableFeatureOutput):
    """An annotation just created or changed, with what was done to the geometry on the way in."""

    info = serializers.DictField(child=serializers.JSONField(),
                                 help_text="what the server did to the geometry (repaired, clipped, ...)")


class FeaturePageOutput(serializers.Serializer):
    """A page of a scene's annotations as a GeoJSON FeatureCollection, ordered by id."""

    type = serializers.ChoiceField(choices=["FeatureCollection"])
    features = AnnotationFeatureOutput(many=True)
    limit = serializers.IntegerField()
    offset = serializers.IntegerField()
    next_offset = serializers.IntegerField(allow_null=True, help_text="the next page's offset; null on the last")
    annotations_version = serializers.IntegerField(help_text="changes whenever an annotation of the scene does")


class RevisionOutput(serializers.Serializer):
    """One stored version of an annotation."""

    version = serializers.IntegerField()
    geometry = MultiPolygonOutput()
    # "class" is a keyword: added below
    status = serializers.ChoiceField(choices=AnnotationStatus.choices)
    kind = serializers.ChoiceField(choices=AnnotationKind.choices)
    width_m = serializers.FloatField(allow_null=True)
    shape = ShapeOutput(allow_null=True)
    deleted = serializers.BooleanField()
    author = serializers.CharField(allow_null=True, help_text="username")
    reason = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()


RevisionOutput._declared_fields["class"] = ClassRefOutput(allow_null=True)


class ReviewQueueOutput(serializers.Serializer):
    """Annotations waiting for review, least confident first, then oldest."""

    count = serializers.IntegerField()
    limit = serializers.IntegerField()
    offset = serializers.IntegerField()
    results = AnnotationFeatureOutput(many=True)
