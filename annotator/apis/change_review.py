"""Review of change annotations: the reviewer's verdict on one (accept / reject with a reason / fix with geometries)
and, per project, the pairs holding change annotations that wait for review (the review screen's list)."""

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from annotator.apis.annotations import GeometryField
from annotator.apis.base import GeoLoopApi
from annotator.apis.pairs import ChangeOutput, change_out
from annotator.models import Role
from annotator.permissions import change_for_user, project_for_user
from annotator.selectors.change_review import pairs_with_pending_changes
from annotator.services.change_review import ACTIONS, change_review


class PendingPairOutput(serializers.Serializer):
    pair = serializers.IntegerField()
    name = serializers.CharField()
    before_name = serializers.CharField()
    after_name = serializers.CharField()
    pending = serializers.IntegerField(help_text="change annotations of the pair waiting for review")


class ProjectChangesToReviewApi(GeoLoopApi):
    @extend_schema(responses=PendingPairOutput(many=True))
    def get(self, request, project_id: int):
        """Reviewers and admins: the project's pairs with pending (not deleted) change annotations, most first."""
        project = project_for_user(user=request.user, project_id=project_id, role=Role.REVIEWER)
        pairs = pairs_with_pending_changes(project=project)
        return Response([{"pair": p.pk, "name": p.name, "before_name": p.before.name, "after_name": p.after.name,
                          "pending": p.pending} for p in pairs])


class ChangeReviewApi(GeoLoopApi):
    class InputSerializer(serializers.Serializer):
        action = serializers.ChoiceField(choices=ACTIONS)
        version = serializers.IntegerField(min_value=1, help_text="the version last seen (409 when stale)")
        reason = serializers.CharField(required=False, default="", allow_blank=True, max_length=1000,
                                       help_text="required to reject")
        before_geometry = GeometryField(required=False, allow_null=True,
                                        help_text="fix: the before side (null empties it)")
        after_geometry = GeometryField(required=False, allow_null=True,
                                       help_text="fix: the after side (null empties it)")
        label_class = serializers.IntegerField(required=False, allow_null=True, help_text="fix: the change class")

    @extend_schema(request=InputSerializer, responses=ChangeOutput)
    def post(self, request, change_id: int):
        """Reviewers and admins: accept, reject (400 `reason_required` without a reason) or fix; 409
        `stale_version` when the change annotation changed meanwhile."""
        change = change_for_user(user=request.user, change_id=change_id, role=Role.REVIEWER)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        fields = {name: values[name] for name in ("before_geometry", "after_geometry", "label_class")
                  if name in values}
        change = change_review(change=change, user=request.user, action=values["action"],
                               expected_version=values["version"], reason=values["reason"], **fields)
        return Response(change_out(change, user=request.user))


urlpatterns = [
    path("projects/<int:project_id>/changes/to-review/", ProjectChangesToReviewApi.as_view(),
         name="project-changes-to-review"),
    path("changes/<int:change_id>/review/", ChangeReviewApi.as_view(), name="change-review"),
]
