from django.contrib import admin

from inference.models import EmbeddingEntry, MaskProposal, ModelVersion


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    list_display = ("id", "name", "architecture", "state", "project", "parent", "created_at")
    list_filter = ("architecture", "state")
    search_fields = ("name", "checkpoint_path", "checkpoint_sha256")
    # State changes go through the app (promotion checks the gate, keeps one active version, audits): not here.
    readonly_fields = ("encoder_sha256", "created_at", "state", "promoted_at", "promoted_by", "override_reason",
                       "metrics")


@admin.register(EmbeddingEntry)
class EmbeddingEntryAdmin(admin.ModelAdmin):
    list_display = ("key", "size_bytes", "last_used_at")
    ordering = ("-last_used_at",)


@admin.register(MaskProposal)
class MaskProposalAdmin(admin.ModelAdmin):
    list_display = ("id", "scene", "model_version", "user", "predicted_iou", "latency_ms", "created_at")
    raw_id_fields = ("scene", "model_version", "user", "project")
