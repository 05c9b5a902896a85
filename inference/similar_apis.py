"""Thin REST views of find similar (:mod:`inference.services.similar`): start a batch, poll it, list its
proposals. Accepting or rejecting one is the usual ``POST /api/proposals/{id}/accept|reject/``."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from annotator.apis.base import GeoLoopApi
from annotator.models import Role
from annotator.permissions import object_for_user
from inference import selectors
from inference.services.similar import MAX_EXEMPLARS, similar_batch_create

MAX_ID = 2**63 - 1  # the largest row id PostgreSQL stores (bigint)


class SimilarBatchOutput(serializers.Serializer):
    id = serializers.IntegerField()
    project = serializers.IntegerField(source="project_id")
    scene = serializers.IntegerField(source="scene_id")
    task = serializers.IntegerField(source="task_id", allow_null=True)
    label_class = serializers.IntegerField(source="label_class_id", allow_null=True)
    exemplars = serializers.ListField(child=serializers.IntegerField(), help_text="exemplar annotation ids")
    bbox = serializers.SerializerMethodField(help_text="the area searched: [min lon, min lat, max lon, max lat]")
    status = serializers.CharField(help_text="queued, running, done or failed")
    stage = serializers.CharField(help_text="encode, similarity, decode, done (empty while queued)")
    progress = serializers.FloatField(help_text="0 to 1")
    error = serializers.CharField(help_text="why it failed (empty otherwise)")
    stats = serializers.DictField(child=serializers.JSONField(), help_text=(
        "level, windows, encoded, threshold (the similarity cut derived from the exemplars), peaks, decoded, kept, "
        "seconds"))
    proposals = serializers.SerializerMethodField(help_text="how many proposals the batch holds now")
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)

    def get_bbox(self, batch) -> list[float]:
        return [round(v, 8) for v in batch.area.extent]

    def get_proposals(self, batch) -> int:
        return batch.proposals.count()


class SimilarProposalOutput(serializers.Serializer):
    id = serializers.IntegerField()
    geometry = serializers.JSONField(help_text="GeoJSON MultiPolygon, EPSG:4326")
    quality = serializers.FloatField(allow_null=True, help_text="calibrated expected IoU")
    predicted_iou = serializers.FloatField()
    similarity = serializers.FloatField(allow_null=True, help_text="cosine similarity of its prompt's cell to the "
                                                                   "exemplars")
    outcome = serializers.CharField(allow_null=True, help_text="accepted, edited or rejected once reviewed; null "
                                                               "while open")
    annotation = serializers.IntegerField(allow_null=True, help_text="the annotation it became, once accepted")


class SimilarStartApi(GeoLoopApi):
    """POST /api/similar/ — find objects similar to exemplar annotations over a task's area or a box."""

    error_statuses = {404}  # an exemplar or the task that does not exist

    class InputSerializer(serializers.Serializer):
        exemplars = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=MAX_ID), min_length=1,
                                          max_length=MAX_EXEMPLARS,
                                          help_text="accepted annotations of one class on one scene")
        task = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1, max_value=MAX_ID,
                                        help_text="search this task's area (or give bbox)")
        bbox = serializers.ListField(child=serializers.FloatField(), min_length=4, max_length=4, required=False,
                                     allow_null=True, default=None,
                                     help_text="[min lon, min lat, max lon, max lat] to search (or give task)")

    @extend_schema(request=InputSerializer, responses={202: SimilarBatchOutput},
                   description="Queues a find-similar batch on the gpu queue; poll GET /api/similar/{id}/. 400 when "
                               "the exemplars are not accepted annotations of one class on one scene or the area is "
                               "not exactly one of task and bbox; 409 while the scene is not ready.")
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        batch = similar_batch_create(user=request.user, exemplar_ids=v["exemplars"], task_id=v["task"],
                                     bbox=v["bbox"])
        return Response(SimilarBatchOutput(batch).data, status=status.HTTP_202_ACCEPTED)


def _batch(request, batch_id: int):
    return object_for_user(user=request.user, obj=selectors.similar_batch_get(batch_id=batch_id),
                           role=Role.ANNOTATOR, what="find-similar batch")


class SimilarBatchApi(GeoLoopApi):
    """GET /api/similar/{id}/ — a batch's state and progress."""

    @extend_schema(responses={200: SimilarBatchOutput})
    def get(self, request, batch_id: int):
        return Response(SimilarBatchOutput(_batch(request, batch_id)).data)


class SimilarProposalsApi(GeoLoopApi):
    """GET /api/similar/{id}/proposals/ — the batch's proposals, best first, each with its review outcome."""

    @extend_schema(responses={200: SimilarProposalOutput(many=True)})
    def get(self, request, batch_id: int):
        batch = _batch(request, batch_id)
        return Response(SimilarProposalOutput(selectors.similar_batch_proposals(batch=batch), many=True).data)


urlpatterns = [
    path("similar/", SimilarStartApi.as_view(), name="similar-start"),
    path("similar/<int:batch_id>/", SimilarBatchApi.as_view(), name="similar-batch"),
    path("similar/<int:batch_id>/proposals/", SimilarProposalsApi.as_view(), name="similar-proposals"),
]
