"""Reads for exports: the annotations an export selects, as plain value objects, and export jobs."""

from __future__ import annotations

import functools
from typing import IO

import shapely
from django.db.models import Count, QuerySet

from annotator.exports.common import ExportAnnotation, ExportClass, ExportDataset, ExportFilters, ExportScene
from annotator.media import media_gdal_path, media_local, media_open
from annotator.models import Annotation, ExportJob, LabelClass, Project, ReviewState, Scene, SceneStatus
from core.errors import ValidationFailed


def export_classes(*, project: Project) -> list[ExportClass]:
    """Every label class of the project (archived ones too, so indexes never shift), index 1..N in id order."""
    return [ExportClass(id=c.id, name=c.name, color=c.color, index=i, attributes=tuple(c.attributes or ()))
            for i, c in enumerate(LabelClass.objects.filter(project=project).order_by("id"), start=1)]


def export_scenes(*, project: Project, filters: ExportFilters) -> QuerySet[Scene]:
    scenes = Scene.objects.filter(project=project, status=SceneStatus.READY).order_by("id")
    if filters.scenes:
        found = set(scenes.filter(pk__in=filters.scenes).values_list("pk", flat=True))
        missing = sorted(set(filters.scenes) - found)
        if missing:
            raise ValidationFailed(f"Scenes {missing} are not ready scenes of project {project.slug}.",
                                   extra={"reason": "unknown_scene"})
        scenes = scenes.filter(pk__in=filters.scenes)
    return scenes


def _class_ids(*, project: Project, filters: ExportFilters, classes: list[ExportClass]) -> set[int]:
    by_name = {c.name: c.id for c in classes}
    known = {c.id for c in classes}
    ids = set()
    for value in filters.classes:
        class_id = value if isinstance(value, int) else by_name.get(value)
        if class_id is None or class_id not in known:
            raise ValidationFailed(f"Project {project.slug} has no label class {value!r}.",
                                   extra={"reason": "unknown_class"})
        ids.add(class_id)
    return ids


def export_filters_check(*, project: Project, filters: ExportFilters) -> None:
    """Raise ValidationFailed (400) for scenes or classes the project does not have; reads no annotations."""
    export_scenes(project=project, filters=filters)
    if filters.classes:
        _class_ids(project=project, filters=filters, classes=export_classes(project=project))


def export_annotations(*, project: Project, filters: ExportFilters, classes: list[ExportClass]) -> QuerySet:
    qs = Annotation.objects.filter(project=project, deleted=False, scene__status=SceneStatus.READY,
                                   status__in=filters.statuses, source__in=filters.sources)
    if "rejected" not in filters.statuses:
        qs = qs.exclude(review_state=ReviewState.REJECTED)
    if filters.reviewed_only:
        qs = qs.filter(review_state=ReviewState.APPROVED)
    if filters.scenes:
        qs = qs.filter(scene_id__in=filters.scenes)
    if filters.classes:
        qs = qs.filter(label_class_id__in=_class_ids(project=project, filters=filters, classes=classes))
    if filters.since:
        qs = qs.filter(created_at__gte=filters.since)
    if filters.until:
        qs = qs.filter(created_at__lt=filters.until)
    return qs.order_by("scene_id", "id")


def _scene_value(scene: Scene) -> ExportScene:
    return ExportScene(
        id=scene.id, name=scene.name, path=media_gdal_path(scene.cog_path), crs=scene.crs,
        transform=tuple(scene.transform), width=scene.width, height=scene.height, checksum=scene.checksum,
        footprint=shapely.from_wkb(bytes(scene.footprint.wkb)) if scene.footprint is not None else None,
        created_at=scene.created_at, annotations_version=scene.annotations_version,
        local_copy=functools.partial(media_local, scene.cog_path),
    )


def export_dataset_select(*, project: Project, filters: ExportFilters) -> ExportDataset:
    """What an export of `project` with `filters` takes: classes, ready scenes, annotations (by scene, then id)."""
    classes = export_classes(project=project)
    class_by_id = {c.id: c for c in classes}
    scenes = [_scene_value(s) for s in export_scenes(project=project, filters=filters)]
    rows = (export_annotations(project=project, filters=filters, classes=classes)
            .select_related("author").only(
                "id", "scene_id", "geometry", "label_class_id", "source", "status", "review_state", "author__username",
                "model_version_id", "predicted_quality", "created_at", "updated_at", "attributes", "kind", "shape",
                "width_m"))
    annotations = []
    for row in rows.iterator(chunk_size=2000):
        annotations.append(ExportAnnotation(
            id=row.id, scene_id=row.scene_id, geometry=shapely.from_wkb(bytes(row.geometry.wkb)),
            label_class=class_by_id.get(row.label_class_id), source=row.source, status=row.status,
            review_state=row.review_state, author=row.author.username if row.author else None,
            model_version_id=row.model_version_id, predicted_quality=row.predicted_quality,
            created_at=row.created_at, updated_at=row.updated_at, attribute_values=row.attributes or {},
            kind=row.kind, shape=shapely.from_wkb(bytes(row.shape.wkb)) if row.shape is not None else None,
            width_m=row.width_m))
    return ExportDataset(project_slug=project.slug, classes=classes, scenes=scenes, annotations=annotations,
                         filters=filters.as_dict())


def export_job_get(*, job_id: int) -> ExportJob | None:
    return ExportJob.objects.select_related("project").filter(pk=job_id).first()


def export_job_list(*, project: Project) -> QuerySet[ExportJob]:
    return ExportJob.objects.filter(project=project).order_by("-id")


def export_result_open(*, job: ExportJob) -> IO[bytes] | None:
    """The job's archive opened for reading (streamed from the media bucket with s3); None when it is gone."""
    try:
        return media_open(job.result_path)
    except FileNotFoundError:
        return None




def export_selection_count(*, project: Project, filters: ExportFilters) -> dict:
    """How much an export with `filters` would take, without reading geometry: {"scenes", "annotations",
    "by_class": {name or "(no class)": count}} (ValidationFailed for unknown scenes or classes)."""
    classes = export_classes(project=project)
    names = {c.id: c.name for c in classes}
    scenes = export_scenes(project=project, filters=filters).count()
    rows = (export_annotations(project=project, filters=filters, classes=classes)
            .order_by().values_list("label_class_id").annotate(n=Count("id")))
    by_class = {names.get(class_id, "(no class)") if class_id else "(no class)": n for class_id, n in rows}
    return {"scenes": scenes, "annotations": sum(by_class.values()), "by_class": dict(sorted(by_class.items()))}
