"""Review: the queue (least confident first, then oldest) and the reviewer's verdict on one annotation."""

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from annotator.apis.annotations import GeometryField, _int_param
from annotator.apis.base import GeoLoopApi
from annotator.models import Role
from annotator.permissions import annotation_for_user, project_for_user
from annotator.selectors.annotations import annotation_feature
from annotator.selectors.review import review_queue
from annotator.serializers import AnnotationFeatureOutput, ReviewQueueOutput
from annotator.services.review import ACTIONS, annotation_review

QUEUE_DEFAULT_LIMIT = 50
QUEUE_MAX_LIMIT = 500


class ReviewQueueApi(GeoLoopApi):
    @extend_schema(parameters=[OpenApiParameter("scene", int),
                               OpenApiParameter("limit", int, description="1..500 (50)"),
                               OpenApiParameter("offset", int)],
                   responses=ReviewQueueOutput)
    def get(self, request, project_id: int):
        """?scene=&limit=&offset=; {count, results: [Feature]}"""
        project = project_for_user(user=request.user, project_id=project_id, role=Role.REVIEWER)
        scene = _int_param(request, "scene", 0) or None
        limit = max(1, min(_int_param(request, "limit", QUEUE_DEFAULT_LIMIT), QUEUE_MAX_LIMIT))
        offset = _int_param(request, "offset", 0)
        rows = review_queue(project=project, scene_id=scene)
        return Response({"count": rows.count(), "limit": limit, "offset": offset,
                         "results": [annotation_feature(a) for a in rows[offset:offset + limit]]})


class AnnotationReviewApi(GeoLoopApi):
    class InputSerializer(serializers.Serializer):
        action = serializers.ChoiceField(choices=ACTIONS)
        version = serializers.IntegerField(min_value=1)
        reason = serializers.CharField(required=False, default="", allow_blank=True, max_length=1000)
        geometry = GeometryField(required=False)
        label_class = serializers.IntegerField(required=False)

    @extend_schema(request=InputSerializer, responses=AnnotationFeatureOutput)
    def post(self, request, annotation_id: int):
        annotation = annotation_for_user(user=request.user, annotation_id=annotation_id, role=Role.REVIEWER)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        annotation = annotation_review(
            annotation=annotation, user=request.user, action=values["action"], expected_version=values["version"],
            reason=values["reason"], geometry=values.get("geometry"), label_class=values.get("label_class"),
        )
        return Response(annotation_feature(annotation))


urlpatterns = [
    path("projects/<int:project_id>/review/queue/", ReviewQueueApi.as_view(), name="review-queue"),
    path("annotations/<int:annotation_id>/review/", AnnotationReviewApi.as_view(), name="annotation-review"),
]
