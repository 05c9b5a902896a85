"""Admin site: every annotator record, with the columns an administrator scans for."""

from django.contrib import admin
from django.contrib.gis.admin import GISModelAdmin

from annotator import models


class MembershipInline(admin.TabularInline):
    model = models.Membership
    extra = 0
    autocomplete_fields = ["user"]


class LabelClassInline(admin.TabularInline):
    model = models.LabelClass
    extra = 0


@admin.register(models.Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["id", "slug", "name", "archived", "created_at"]
    list_filter = ["archived"]
    search_fields = ["slug", "name"]
    inlines = [MembershipInline, LabelClassInline]


@admin.register(models.Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["id", "project", "user", "role"]
    list_filter = ["role", "project"]
    search_fields = ["user__username", "project__slug"]


@admin.register(models.LabelClass)
class LabelClassAdmin(admin.ModelAdmin):
    list_display = ["id", "project", "name", "color", "archived"]
    list_filter = ["project", "archived"]
    search_fields = ["name"]


@admin.register(models.Scene)
class SceneAdmin(GISModelAdmin):
    list_display = ["id", "name", "project", "status", "progress", "width", "height", "band_count", "dtype", "crs",
                    "gsd", "created_at"]
    list_filter = ["status", "project", "dtype"]
    search_fields = ["name", "source_name", "checksum"]
    readonly_fields = ["checksum", "cog_path", "source_path", "transform", "overview_count", "created_at",
                       "updated_at", "annotations_version"]


@admin.register(models.Task)
class TaskAdmin(GISModelAdmin):
    list_display = ["id", "project", "scene", "status", "assignee", "lease_holder", "lease_expires_at", "updated_at"]
    list_filter = ["status", "project"]
    search_fields = ["assignee__username"]


@admin.register(models.Annotation)
class AnnotationAdmin(GISModelAdmin):
    list_display = ["id", "project", "scene", "label_class", "source", "status", "review_state", "version",
                    "predicted_quality", "author", "deleted", "updated_at"]
    list_filter = ["source", "status", "review_state", "deleted", "project"]
    search_fields = ["id"]


@admin.register(models.AnnotationRevision)
class AnnotationRevisionAdmin(GISModelAdmin):
    list_display = ["id", "annotation", "version", "status", "author", "reason", "created_at"]
    search_fields = ["annotation__id", "reason"]


@admin.register(models.AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["id", "created_at", "user", "project", "action", "object_type", "object_id", "client"]
    list_filter = ["action", "project"]
    search_fields = ["action", "user__username", "client"]
    readonly_fields = [f.name for f in models.AuditEvent._meta.fields]


@admin.register(models.ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    list_display = ["id", "project", "format", "status", "progress", "created_by", "created_at", "finished_at"]
    list_filter = ["status", "format", "project"]
