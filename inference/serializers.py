"""How a model version looks in every API that returns one (inference's list, feedback's promotion and rollback)."""

from rest_framework import serializers


class VersionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    architecture = serializers.CharField()
    state = serializers.CharField()
    project = serializers.IntegerField(source="project_id", allow_null=True)
    parent = serializers.IntegerField(source="parent_id", allow_null=True)
    checkpoint_sha256 = serializers.CharField()
    encoder_sha256 = serializers.CharField()
    metrics = serializers.JSONField()
    created_at = serializers.DateTimeField()
    promoted_at = serializers.DateTimeField(allow_null=True)
    promoted_by = serializers.CharField(source="promoted_by.username", allow_null=True, default=None)
    gate_passed = serializers.BooleanField(allow_null=True, help_text="the evaluation gate's verdict; null: never ran")
    override_reason = serializers.CharField(help_text="why it was promoted against (or without) the gate")


class VersionListOutput(VersionOutput):
    in_use = serializers.BooleanField(help_text="whether the project asked about (?project=) uses it now")
