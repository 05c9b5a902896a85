"""Projects, label classes and members. Site admins create projects; project admins edit theirs."""

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response

from annotator.apis.base import GeoLoopApi, IsSiteAdmin
from annotator.models import LabelClass, Role
from annotator.permissions import label_class_for_user, project_for_user, role_of
from annotator.selectors.projects import label_class_list, membership_list, project_list
from annotator.services import projects as services


class ProjectOutput(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    settings = serializers.JSONField()
    archived = serializers.BooleanField()


class ProjectRoleOutput(ProjectOutput):
    """A project with the signed-in user's role in it (null: site staff who is no member)."""

    role = serializers.ChoiceField(choices=Role.choices, allow_null=True)


class MemberOutput(serializers.Serializer):
    user_id = serializers.IntegerField()
    username = serializers.CharField()
    role = serializers.ChoiceField(choices=Role.choices)


def project_out(project, role: str) -> dict:
    return {**ProjectOutput(project).data, "role": role}


class AttributeDefinition(serializers.Serializer):
    """One typed attribute of a class (checked in full by annotator.attributes.schema_check)."""

    name = serializers.CharField(max_length=40)
    type = serializers.ChoiceField(choices=["boolean", "number", "choice", "text"])
    required = serializers.BooleanField(required=False, default=False)
    min = serializers.FloatField(required=False, allow_null=True)
    max = serializers.FloatField(required=False, allow_null=True)
    integer = serializers.BooleanField(required=False)
    choices = serializers.ListField(child=serializers.CharField(max_length=100), required=False)
    max_length = serializers.IntegerField(required=False)


class AttributeDefinitionOutput(AttributeDefinition):
    """A stored definition: normalised by annotator.attributes, so ``required`` is always there."""

    required = serializers.BooleanField()


@extend_schema_field(AttributeDefinitionOutput(many=True))
class AttributesField(serializers.JSONField):
    """The class's attribute definitions, answered as stored."""


class LabelClassOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    color = serializers.CharField()
    order = serializers.IntegerField()
    archived = serializers.BooleanField()
    attributes = AttributesField()


def _attributes_raw(request) -> list | None:
    """The attribute definitions as sent (the serializer checks their shape; the service their rules, so that
    keys the serializer does not list are refused by name rather than dropped)."""
    raw = request.data.get("attributes") if isinstance(request.data, dict) else None
    return raw if isinstance(raw, list) else None


class ProjectListApi(GeoLoopApi):
    class InputSerializer(serializers.Serializer):
        slug = serializers.SlugField(max_length=64)
        name = serializers.CharField(max_length=200, required=False, default="")
        description = serializers.CharField(required=False, default="", allow_blank=True)
        classes = serializers.ListField(child=serializers.CharField(max_length=100), required=False, default=list)
        settings = serializers.DictField(required=False, default=dict)

    def get_permissions(self):
        extra = [IsSiteAdmin()] if self.request.method == "POST" else []
        return [*super().get_permissions(), *extra]

    @extend_schema(parameters=[OpenApiParameter("archived", str, enum=["1"], description="1: archived ones too")],
                   responses=ProjectRoleOutput(many=True))
    def get(self, request):
        archived = request.query_params.get("archived") == "1"
        pairs = project_list(user=request.user, include_archived=archived)
        return Response([project_out(project, role) for project, role in pairs])

    @extend_schema(request=InputSerializer, responses={201: ProjectRoleOutput})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        project = services.project_create(user=request.user, **data.validated_data)
        return Response(project_out(project, Role.ADMIN), status=status.HTTP_201_CREATED)


class ProjectDetailApi(GeoLoopApi):
    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=200, required=False)
        description = serializers.CharField(required=False, allow_blank=True)
        settings = serializers.DictField(required=False)
        archived = serializers.BooleanField(required=False)

    @extend_schema(responses=ProjectRoleOutput)
    def get(self, request, project_id: int):
        project = project_for_user(user=request.user, project_id=project_id)
        return Response(project_out(project, role_of(user=request.user, project=project)))

    @extend_schema(request=InputSerializer, responses=ProjectRoleOutput)
    def patch(self, request, project_id: int):
        project = project_for_user(user=request.user, project_id=project_id, role=Role.ADMIN)
        data = self.InputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        project = services.project_update(project=project, user=request.user, **data.validated_data)
        return Response(project_out(project, Role.ADMIN))


class ProjectArchiveApi(GeoLoopApi):
    @extend_schema(request=None, responses=ProjectRoleOutput)
    def post(self, request, project_id: int):
        project = project_for_user(user=request.user, project_id=project_id, role=Role.ADMIN)
        project = services.project_update(project=project, user=request.user, archived=True)
        return Response(project_out(project, Role.ADMIN))


class LabelClassListApi(GeoLoopApi):
    class LabelClassCreateSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=100)
        color = serializers.RegexField(r"^#[0-9a-fA-F]{6}$", required=False)
        order = serializers.IntegerField(required=False, min_value=0, max_value=1_000_000)
        attributes = AttributeDefinition(many=True, required=False)

    InputSerializer = LabelClassCreateSerializer

    @extend_schema(parameters=[OpenApiParameter("archived", bool, description="1: archived classes too")],
                   responses=LabelClassOutput(many=True))
    def get(self, request, project_id: int):
        project = project_for_user(user=request.user, project_id=project_id)
        archived = request.query_params.get("archived") == "1"
        return Response(LabelClassOutput(label_class_list(project=project, include_archived=archived),
                                         many=True).data)

    @extend_schema(request=InputSerializer, responses={201: LabelClassOutput})
    def post(self, request, project_id: int):
        project = project_for_user(user=request.user, project_id=project_id, role=Role.ADMIN)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = {**data.validated_data, "attributes": _attributes_raw(request)}
        label_class = services.label_class_create(project=project, user=request.user, **values)
        return Response(LabelClassOutput(label_class).data, status=status.HTTP_201_CREATED)


class LabelClassOrderApi(GeoLoopApi):
    class LabelClassOrderSerializer(serializers.Serializer):
        classes = serializers.ListField(child=serializers.IntegerField(), max_length=10_000,
                                        help_text="every class id of the project, in the new order")

    InputSerializer = LabelClassOrderSerializer

    @extend_schema(request=InputSerializer, responses=LabelClassOutput(many=True))
    def post(self, request, project_id: int):
        project = project_for_user(user=request.user, project_id=project_id, role=Role.ADMIN)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        classes = services.label_class_reorder(project=project, user=request.user,
                                               class_ids=data.validated_data["classes"])
        return Response(LabelClassOutput(classes, many=True).data)


class LabelClassDetailApi(GeoLoopApi):
    class LabelClassPatchSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=100, required=False)
        color = serializers.RegexField(r"^#[0-9a-fA-F]{6}$", required=False)
        archived = serializers.BooleanField(required=False)
        order = serializers.IntegerField(required=False, min_value=0, max_value=1_000_000)
        attributes = AttributeDefinition(many=True, required=False)

    InputSerializer = LabelClassPatchSerializer

    def _get(self, request, class_id: int, role: str) -> LabelClass:
        return label_class_for_user(user=request.user, class_id=class_id, role=role)

    @extend_schema(responses=LabelClassOutput)
    def get(self, request, class_id: int):
        return Response(LabelClassOutput(self._get(request, class_id, Role.ANNOTATOR)).data)

    @extend_schema(request=InputSerializer, responses=LabelClassOutput)
    def patch(self, request, class_id: int):
        label_class = self._get(request, class_id, Role.ADMIN)
        data = self.InputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = {**data.validated_data, "attributes": _attributes_raw(request)}
        label_class = services.label_class_update(label_class=label_class, user=request.user, **values)
        return Response(LabelClassOutput(label_class).data)

    @extend_schema(description="Archives the class (never deleted: its annotations keep it).", responses={204: None})
    def delete(self, request, class_id: int):
        label_class = self._get(request, class_id, Role.ADMIN)
        services.label_class_update(label_class=label_class, user=request.user, archived=True)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MemberListApi(GeoLoopApi):
    class InputSerializer(serializers.Serializer):
        username = serializers.CharField()
        role = serializers.ChoiceField(choices=Role.choices)

    @extend_schema(responses=MemberOutput(many=True))
    def get(self, request, project_id: int):
        project = project_for_user(user=request.user, project_id=project_id, role=Role.ADMIN)
        members = membership_list(project=project)
        return Response([{"user_id": m.user_id, "username": m.user.username, "role": m.role} for m in members])

    @extend_schema(request=InputSerializer, responses={201: MemberOutput})
    def post(self, request, project_id: int):
        project = project_for_user(user=request.user, project_id=project_id, role=Role.ADMIN)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = services.membership_set(project=project, user=request.user, **data.validated_data)
        return Response({"user_id": membership.user_id, "username": membership.user.username, "role": membership.role},
                        status=status.HTTP_201_CREATED)


class ProjectUserCreateApi(GeoLoopApi):
    """POST /api/projects/{id}/users/ — a new login, added to the project with a role (project admins, staff)."""

    class InputSerializer(serializers.Serializer):
        username = serializers.CharField(max_length=150)
        role = serializers.ChoiceField(choices=Role.choices, default=Role.ANNOTATOR)
        password = serializers.CharField(required=False, allow_blank=True, write_only=True,
                                         help_text="checked by the password validators; left out: one is generated "
                                                   "and answered once")
        email = serializers.EmailField(required=False, allow_blank=True, default="")

    class OutputSerializer(serializers.Serializer):
        user_id = serializers.IntegerField()
        username = serializers.CharField()
        role = serializers.CharField()
        password = serializers.CharField(allow_null=True, help_text="the generated password (null when given)")

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer},
                   description="409 when the username is taken (add an existing user through members/).")
    def post(self, request, project_id: int):
        project = project_for_user(user=request.user, project_id=project_id, role=Role.ADMIN)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        member, membership, generated = services.user_create(
            username=v["username"], password=v.get("password"), email=v["email"], project=project, role=v["role"],
            user=request.user)
        out = {"user_id": member.pk, "username": member.username, "role": membership.role, "password": generated}
        return Response(self.OutputSerializer(out).data, status=status.HTTP_201_CREATED)


class MemberDetailApi(GeoLoopApi):
    def delete(self, request, project_id: int, user_id: int):
        project = project_for_user(user=request.user, project_id=project_id, role=Role.ADMIN)
        services.membership_remove(project=project, user_id=user_id, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns = [
    path("projects/", ProjectListApi.as_view(), name="project-list"),
    path("projects/<int:project_id>/", ProjectDetailApi.as_view(), name="project-detail"),
    path("projects/<int:project_id>/archive/", ProjectArchiveApi.as_view(), name="project-archive"),
    path("projects/<int:project_id>/classes/", LabelClassListApi.as_view(), name="class-list"),
    path("projects/<int:project_id>/classes/order/", LabelClassOrderApi.as_view(), name="class-order"),
    path("classes/<int:class_id>/", LabelClassDetailApi.as_view(), name="class-detail"),
    path("projects/<int:project_id>/members/", MemberListApi.as_view(), name="member-list"),
    path("projects/<int:project_id>/members/<int:user_id>/", MemberDetailApi.as_view(), name="member-detail"),
    path("projects/<int:project_id>/users/", ProjectUserCreateApi.as_view(), name="project-user-create"),
]
