"""Admin site: every annotator record, with the columns an administrator scans for."""

from django import forms
from django.contrib import admin
from django.contrib.gis.admin import GISModelAdmin

from annotator import attributes as attribute_rules
from annotator import models
from annotator.imagery import ImageryError
from annotator.imagery.recipe import recipe_validate


class LabelClassForm(forms.ModelForm):
    """The class form checks its attribute definitions with the same rules as the API."""

    class Meta:
        model = models.LabelClass
        fields = ["project", "name", "color", "order", "archived", "attributes"]

    def clean_attributes(self):
        try:
            return attribute_rules.schema_check(self.cleaned_data.get("attributes"))
        except attribute_rules.AttributeInvalid as exc:
            raise forms.ValidationError(str(exc)) from exc


class AnnotationForm(forms.ModelForm):
    """An annotation's attribute values are checked against its class with the same rules as the API."""

    class Meta:
        model = models.Annotation
        fields = ["label_class", "attributes"]  # the admin adds its own fields

    def clean(self):
        cleaned = super().clean()
        label_class = cleaned.get("label_class")
        schema = (label_class.attributes or []) if label_class is not None else []
        try:
            cleaned["attributes"] = attribute_rules.attributes_check(schema, cleaned.get("attributes") or {},
                                                                     complete=False)
        except attribute_rules.AttributeInvalid as exc:
            self.add_error("attributes", str(exc))
        return cleaned


class SceneForm(forms.ModelForm):
    """The render recipe is checked with the same rules as the API (annotator.imagery.recipe); saving goes through
    the recipe service (audited, tiles and embedding keys follow the new hash)."""

    class Meta:
        model = models.Scene
        fields = ["name", "render_recipe"]

    def clean_render_recipe(self):
        recipe = self.cleaned_data.get("render_recipe")
        if self.instance.pk is None or self.instance.status != models.SceneStatus.READY:
            raise forms.ValidationError("The recipe of a scene can be edited once it is ready.")
        try:
            return recipe_validate(recipe, band_count=self.instance.band_count)
        except ImageryError as exc:
            raise forms.ValidationError(str(exc)) from exc


class MembershipInline(admin.TabularInline):
    model = models.Membership
    extra = 0
    autocomplete_fields = ["user"]


class LabelClassInline(admin.TabularInline):
    model = models.LabelClass
    form = LabelClassForm
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
    form = LabelClassForm
    list_display = ["id", "project", "name", "color", "order", "archived"]
    list_filter = ["project", "archived"]
    search_fields = ["name"]


@admin.register(models.Scene)
class SceneAdmin(GISModelAdmin):
    list_display = ["id", "name", "project", "status", "progress", "width", "height", "band_count", "dtype", "crs",
                    "gsd", "created_at"]
    list_filter = ["status", "project", "dtype"]
    search_fields = ["name", "source_name", "checksum"]
    form = SceneForm
    # Scenes are made by ingestion (upload or register in the app, or manage.py ingest_scene), not here: every
    # technical field is read-only; the name and the render recipe are editable, with the API's rules.
    readonly_fields = ["project", "status", "status_reason", "progress", "source_name", "source_path", "cog_path",
                       "checksum", "crs", "footprint", "width", "height", "band_count", "dtype", "radiometry",
                       "nodata", "gsd", "transform", "overview_count", "created_by", "created_at", "updated_at",
                       "annotations_version"]
    fields = ["name", "render_recipe", *readonly_fields]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        from annotator.services.scenes import scene_update_recipe

        recipe = form.cleaned_data.get("render_recipe")
        previous = models.Scene.objects.get(pk=obj.pk).render_recipe
        obj.render_recipe = previous
        super().save_model(request, obj, form, change)
        if recipe != previous:  # a whole recipe: what it leaves out is removed
            changes = {"gamma": None, "colormap": None, "scale": "linear", **recipe}
            scene_update_recipe(scene=obj, recipe=changes, user=request.user)


@admin.register(models.Task)
class TaskAdmin(GISModelAdmin):
    list_display = ["id", "project", "scene", "status", "assignee", "lease_holder", "lease_expires_at", "updated_at"]
    list_filter = ["status", "project"]
    search_fields = ["assignee__username"]


@admin.register(models.Annotation)
class AnnotationAdmin(GISModelAdmin):
    form = AnnotationForm
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


# Tags are read here only: their writes go through annotator.services.tags (the single-label rule, versions,
# revisions, audit and feedback).
@admin.register(models.TagGroup)
class TagGroupAdmin(admin.ModelAdmin):
    list_display = ["id", "project", "name", "multi", "values", "order", "archived"]
    list_filter = ["project", "multi", "archived"]
    search_fields = ["name"]
    readonly_fields = [f.name for f in models.TagGroup._meta.fields]


@admin.register(models.Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["id", "project", "group", "scene", "task", "values", "review_state", "version", "author",
                    "updated_at"]
    list_filter = ["project", "review_state"]
    search_fields = ["id", "group__name"]
    readonly_fields = [f.name for f in models.Tag._meta.fields]


@admin.register(models.TagRevision)
class TagRevisionAdmin(admin.ModelAdmin):
    list_display = ["id", "tag", "version", "values", "review_state", "author", "reason", "created_at"]
    search_fields = ["tag__id", "reason"]
    readonly_fields = [f.name for f in models.TagRevision._meta.fields]
