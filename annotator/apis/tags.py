"""Tags on scenes and tasks: the project's tag groups (admins edit them), setting and clearing a target's tags
(annotators with access, as for annotations), review, and the CSV import."""

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from annotator.apis.base import GeoLoopApi
from annotator.models import ReviewState, Role, Tag
from annotator.permissions import (
    project_for_user,
    scene_for_user,
    tag_for_user,
    tag_group_for_user,
    task_for_user,
)
from annotator.selectors.tags import tag_group_list, tag_list, tag_review_queue
from annotator.services import tags as services
from annotator.services.tags_import import tags_import, tags_import_preview
from core.errors import ValidationFailed

TAG_VALUES_MAX = 100


class TagGroupOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    multi = serializers.BooleanField(help_text="multi-label: a target may carry several values")
    values = serializers.ListField(child=serializers.CharField())
    order = serializers.IntegerField()
    archived = serializers.BooleanField()


class TagOutput(serializers.Serializer):
    id = serializers.IntegerField()
    group = serializers.IntegerField(source="group_id")
    group_name = serializers.CharField(source="group.name")
    target = serializers.ChoiceField(choices=["scene", "task"])
    scene = serializers.IntegerField(source="scene_id")
    task = serializers.IntegerField(source="task_id", allow_null=True)
    values = serializers.ListField(child=serializers.CharField())
    version = serializers.IntegerField()
    review_state = serializers.ChoiceField(choices=ReviewState.choices)
    review_reason = serializers.CharField()
    author = serializers.CharField(source="author.username", allow_null=True, default=None)
    updated_at = serializers.DateTimeField()


class TagGroupListApi(GeoLoopApi):
    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=100)
        multi = serializers.BooleanField(required=False, default=False)
        values = serializers.ListField(child=serializers.CharField(max_length=100), min_length=1,
                                       max_length=TAG_VALUES_MAX)
        order = serializers.IntegerField(required=False, min_value=0, max_value=1_000_000)

    @extend_schema(parameters=[OpenApiParameter("archived", bool, description="1: archived groups too")],
                   responses=TagGroupOutput(many=True))
    def get(self, request, project_id: int):
        project = project_for_user(user=request.user, project_id=project_id)
        groups = tag_group_list(project=project, include_archived=request.query_params.get("archived") == "1")
        return Response(TagGroupOutput(groups, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: TagGroupOutput})
    def post(self, request, project_id: int):
        project = project_for_user(user=request.user, project_id=project_id, role=Role.ADMIN)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        group = services.tag_group_create(project=project, user=request.user, **data.validated_data)
        return Response(TagGroupOutput(group).data, status=status.HTTP_201_CREATED)


class TagGroupDetailApi(GeoLoopApi):
    class PatchSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=100, required=False)
        multi = serializers.BooleanField(required=False)
        values = serializers.ListField(child=serializers.CharField(max_length=100), min_length=1,
                                       max_length=TAG_VALUES_MAX, required=False)
        archived = serializers.BooleanField(required=False)
        order = serializers.IntegerField(required=False, min_value=0, max_value=1_000_000)

    @extend_schema(responses=TagGroupOutput)
    def get(self, request, group_id: int):
        return Response(TagGroupOutput(tag_group_for_user(user=request.user, group_id=group_id)).data)

    @extend_schema(request=PatchSerializer, responses=TagGroupOutput)
    def patch(self, request, group_id: int):
        group = tag_group_for_user(user=request.user, group_id=group_id, role=Role.ADMIN)
        data = self.PatchSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        group = services.tag_group_update(group=group, user=request.user, **data.validated_data)
        return Response(TagGroupOutput(group).data)

    @extend_schema(description="Archives the group (never deleted: its tags keep it).", responses={204: None})
    def delete(self, request, group_id: int):
        group = tag_group_for_user(user=request.user, group_id=group_id, role=Role.ADMIN)
        services.tag_group_update(group=group, user=request.user, archived=True)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TagSetInput(serializers.Serializer):
    values = serializers.ListField(child=serializers.CharField(max_length=100), max_length=TAG_VALUES_MAX,
                                   help_text="the group's values this target carries; [] clears the tag")
    version = serializers.IntegerField(required=False, min_value=1, allow_null=True,
                                       help_text="the version the tag was read at (required once it exists)")
    reason = serializers.CharField(required=False, default="", allow_blank=True, max_length=200)


def _group_of(request, group_id: int, project) -> object:
    group = tag_group_for_user(user=request.user, group_id=group_id)
    if group.project_id != project.pk:
        raise ValidationFailed(f"Tag group {group_id} belongs to another project.", extra={"reason": "other_project"})
    return group


def _set(request, group, **target) -> Response:
    data = TagSetInput(data=request.data)
    data.is_valid(raise_exception=True)
    values = data.validated_data
    tag = services.tag_set(group=group, user=request.user, values=values["values"],
                           expected_version=values.get("version"), reason=values["reason"], **target)
    tag = Tag.objects.select_related("group", "author").get(pk=tag.pk)
    return Response(TagOutput(tag).data)


class SceneTagListApi(GeoLoopApi):
    @extend_schema(parameters=[OpenApiParameter("task", int, description="only this task's tags (and none of the "
                                                                         "scene's own)")],
                   responses=TagOutput(many=True))
    def get(self, request, scene_id: int):
        """The scene's own tags and its tasks' (with values)."""
        scene = scene_for_user(user=request.user, scene_id=scene_id)
        raw = request.query_params.get("task")
        task_id = None
        if raw:
            if not raw.isdigit():
                raise ValidationFailed("task is a task id.", extra={"task": ["A valid integer is required."]})
            task_id = int(raw)
        return Response(TagOutput(tag_list(project=scene.project, scene_id=scene.pk, task_id=task_id),
                                  many=True).data)


class SceneTagApi(GeoLoopApi):
    InputSerializer = TagSetInput

    @extend_schema(request=TagSetInput, responses=TagOutput)
    def put(self, request, scene_id: int, group_id: int):
        """Set (or with [] clear) the values a tag group gives the scene."""
        scene = scene_for_user(user=request.user, scene_id=scene_id)
        return _set(request, _group_of(request, group_id, scene.project), scene=scene)


class TaskTagListApi(GeoLoopApi):
    @extend_schema(responses=TagOutput(many=True))
    def get(self, request, task_id: int):
        task = task_for_user(user=request.user, task_id=task_id)
        return Response(TagOutput(tag_list(project=task.project, task_id=task.pk), many=True).data)


class TaskTagApi(GeoLoopApi):
    InputSerializer = TagSetInput

    @extend_schema(request=TagSetInput, responses=TagOutput)
    def put(self, request, task_id: int, group_id: int):
        """Set (or with [] clear) the values a tag group gives the task."""
        task = task_for_user(user=request.user, task_id=task_id)
        return _set(request, _group_of(request, group_id, task.project), task=task)


class TagDetailApi(GeoLoopApi):
    @extend_schema(responses=TagOutput)
    def get(self, request, tag_id: int):
        return Response(TagOutput(tag_for_user(user=request.user, tag_id=tag_id)).data)


class TagReviewApi(GeoLoopApi):
    class InputSerializer(serializers.Serializer):
        action = serializers.ChoiceField(choices=services.REVIEW_ACTIONS)
        version = serializers.IntegerField(min_value=1)
        reason = serializers.CharField(required=False, default="", allow_blank=True, max_length=1000)
        values = serializers.ListField(child=serializers.CharField(max_length=100), max_length=TAG_VALUES_MAX,
                                       required=False, help_text="a fix: the right values")

    @extend_schema(request=InputSerializer, responses=TagOutput)
    def post(self, request, tag_id: int):
        tag = tag_for_user(user=request.user, tag_id=tag_id, role=Role.REVIEWER)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        tag = services.tag_review(tag=tag, user=request.user, action=values["action"],
                                  expected_version=values["version"], reason=values["reason"],
                                  values=values.get("values"))
        return Response(TagOutput(Tag.objects.select_related("group", "author").get(pk=tag.pk)).data)


class TagReviewQueueApi(GeoLoopApi):
    @extend_schema(parameters=[OpenApiParameter("scene", int)], responses=TagOutput(many=True))
    def get(self, request, project_id: int):
        """Tags waiting for review, oldest change first (at most 500)."""
        project = project_for_user(user=request.user, project_id=project_id, role=Role.REVIEWER)
        raw = request.query_params.get("scene")
        if raw and not raw.isdigit():
            raise ValidationFailed("scene is a scene id.", extra={"scene": ["A valid integer is required."]})
        queue = tag_review_queue(project=project, scene_id=int(raw) if raw else None)[:500]
        return Response(TagOutput(queue, many=True).data)


class TagImportInput(serializers.Serializer):
    file = serializers.FileField(help_text="a CSV of tags as the tags_csv export writes it")
    commit = serializers.BooleanField(required=False, default=False,
                                      help_text="false: preview only (nothing is written); true: import")


class TagImportReport(serializers.Serializer):
    rows = serializers.IntegerField()
    create = serializers.IntegerField()
    update = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    imported = serializers.IntegerField()
    committed = serializers.BooleanField()
    errors = serializers.ListField(child=serializers.DictField())


class TagImportApi(GeoLoopApi):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": TagImportInput}, responses={200: TagImportReport})
    def post(self, request, project_id: int):
        """Preview (commit=false) or import (commit=true) a CSV of tags; all or nothing."""
        project = project_for_user(user=request.user, project_id=project_id, role=Role.ADMIN)
        data = TagImportInput(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        content = upload.read()
        if data.validated_data["commit"]:
            report = tags_import(project=project, user=request.user, data=content)
        else:
            report = tags_import_preview(project=project, data=content)
        return Response(TagImportReport(report).data)


urlpatterns = [
    path("projects/<int:project_id>/tag-groups/", TagGroupListApi.as_view(), name="tag-group-list"),
    path("tag-groups/<int:group_id>/", TagGroupDetailApi.as_view(), name="tag-group-detail"),
    path("scenes/<int:scene_id>/tags/", SceneTagListApi.as_view(), name="scene-tag-list"),
    path("scenes/<int:scene_id>/tags/<int:group_id>/", SceneTagApi.as_view(), name="scene-tag"),
    path("tasks/<int:task_id>/tags/", TaskTagListApi.as_view(), name="task-tag-list"),
    path("tasks/<int:task_id>/tags/<int:group_id>/", TaskTagApi.as_view(), name="task-tag"),
    path("tags/<int:tag_id>/", TagDetailApi.as_view(), name="tag-detail"),
    path("tags/<int:tag_id>/review/", TagReviewApi.as_view(), name="tag-review"),
    path("projects/<int:project_id>/review/tags/", TagReviewQueueApi.as_view(), name="tag-review-queue"),
    path("projects/<int:project_id>/tags/import/", TagImportApi.as_view(), name="tag-import"),
]
