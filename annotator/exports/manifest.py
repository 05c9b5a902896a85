"""The manifest of an export: what was exported from what, with checksums, deterministic for unchanged data."""

from __future__ import annotations

from pathlib import Path

from annotator.exports.common import ExportDataset, Progress, files_under, iso, json_dump, sha256_file

MANIFEST_NAME = "manifest.json"
MANIFEST_VERSION = 1


def manifest_build(*, dataset: ExportDataset, format: str, parameters: dict, out_dir: Path, extra: dict) -> dict:
    """Counts per class and scene, the scenes' checksums and annotation versions, the model versions involved,
    the parameters and filters, what the format reported, and the sha256 of every file written under out_dir."""
    per_class: dict[str, int] = {}
    per_scene: dict[str, int] = {}
    sources: dict[str, int] = {}
    for ann in dataset.annotations:
        key = ann.label_class.name if ann.label_class else "(unclassified)"
        per_class[key] = per_class.get(key, 0) + 1
        per_scene[str(ann.scene_id)] = per_scene.get(str(ann.scene_id), 0) + 1
        sources[ann.source] = sources.get(ann.source, 0) + 1
    files = {rel: sha256_file(out_dir / rel) for rel in files_under(out_dir) if rel != MANIFEST_NAME}
    return {
        "manifest_version": MANIFEST_VERSION,
        "format": format,
        "project": dataset.project_slug,
        "parameters": parameters,
        "filters": dataset.filters,
        "classes": [{"index": c.index, "name": c.name, "label_class_id": c.id, "color": c.color}
                    for c in dataset.classes],
        "counts": {"annotations": len(dataset.annotations), "scenes": len(dataset.scenes), "per_class": per_class,
                   "per_scene": per_scene, "per_source": sources},
        "scenes": [{"id": s.id, "name": s.name, "checksum": s.checksum, "crs": s.crs, "width": s.width,
                    "height": s.height, "annotations_version": s.annotations_version} for s in dataset.scenes],
        "model_versions": sorted({a.model_version_id for a in dataset.annotations if a.model_version_id is not None}),
        "last_annotation_change": iso(max((a.updated_at for a in dataset.annotations), default=None)),
        "format_report": extra,
        "files": files,
    }


def export_write(*, dataset: ExportDataset, exporter, out_dir: Path, progress: Progress | None = None) -> dict:
    """Run one exporter into an empty folder and write its manifest.json next to its files; returns the manifest."""
    out_dir.mkdir(parents=True, exist_ok=True)
    if any(out_dir.iterdir()):
        raise FileExistsError(f"{out_dir} is not empty.")
    extra = exporter.export(dataset, out_dir, progress)
    manifest = manifest_build(dataset=dataset, format=exporter.name, parameters=exporter.parameters,
                              out_dir=out_dir, extra=extra)
    json_dump(out_dir / MANIFEST_NAME, manifest)
    return manifest
