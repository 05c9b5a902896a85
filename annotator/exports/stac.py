"""STAC 1.0.0: a catalog with one item per scene, carrying the label extension (v1.0.1) and the projection
extension, whose assets are the labels (GeoJSON, vector) and a semantic mask COG (raster) and, if asked, the
scene image. Written as plain JSON with relative links (a self-contained catalog).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import shapely
from shapely.geometry import mapping

from annotator.exports.common import (
    ExportDataset,
    ExportScene,
    ExportTag,
    Progress,
    ProgressSteps,
    crs_of,
    from_pixels,
    iso,
    json_dump,
    reproject,
)
from annotator.exports.geojson import _plain, feature_collection, write_feature_collection
from annotator.exports.masks import semantic_mask, write_cog
from annotator.exports.registry import BaseExporter, register

STAC_VERSION = "1.0.0"
LABEL_EXT = "https://stac-extensions.github.io/label/v1.0.1/schema.json"
PROJ_EXT = "https://stac-extensions.github.io/projection/v1.1.0/schema.json"
COG_TYPE = "image/tiff; application=geotiff; profile=cloud-optimized"


def scene_footprint(scene: ExportScene):
    if scene.footprint is not None:
        return scene.footprint
    box = from_pixels(shapely.box(0, 0, scene.width, scene.height), scene.affine)
    return reproject(shapely.segmentize(box, max(box.length / 400, 1e-9)), scene.crs, "EPSG:4326")


def scene_tag_properties(tags: list[ExportTag]) -> dict:
    """The scene's tags as item properties: `geoloop:tags` {group: [values]} for the scene's own, and
    `geoloop:task_tags` [{task, group, values}] for its tasks' (present only when there are some)."""
    own = {t.group: list(t.values) for t in tags if t.task_id is None}
    per_task = [{"task": t.task_id, "group": t.group, "values": list(t.values)} for t in tags if t.task_id is not None]
    return {**({"geoloop:tags": own} if own else {}), **({"geoloop:task_tags": per_task} if per_task else {})}


@register
class StacExporter(BaseExporter):
    name = "stac"
    description = "STAC catalog, an item per scene with the label extension pointing at vector and raster labels"
    defaults = {"include_images": True}

    def export(self, dataset: ExportDataset, out_dir: Path, progress: Progress | None = None) -> dict:
        root = out_dir / "stac"
        steps = ProgressSteps(progress, len(dataset.scenes))
        by_scene = dataset.by_scene()
        catalog_id = f"geoloop-{dataset.project_slug}"
        links = [{"rel": "root", "href": "./catalog.json", "type": "application/json"},
                 {"rel": "self", "href": "./catalog.json", "type": "application/json"}]
        names = [c.name for c in dataset.classes]
        tags_by_scene: dict[int, list] = {}
        for tag in dataset.tags:
            tags_by_scene.setdefault(tag.scene_id, []).append(tag)
        for scene in dataset.scenes:
            anns = by_scene.get(scene.id, [])
            folder = root / scene.stem
            fields = dataset.attribute_fields()
            write_feature_collection(folder / "labels.geojson", feature_collection(anns, fields=fields))
            labelled = [a for a in anns if a.label_class is not None]
            write_cog(folder / "labels.tif", semantic_mask(labelled, scene), scene, resampling="mode")
            assets = {
                "labels": {"href": "./labels.geojson", "type": "application/geo+json", "title": "Annotations",
                           "roles": ["labels", "labels-vector"]},
                "raster-labels": {"href": "./labels.tif", "type": COG_TYPE, "roles": ["labels", "labels-raster"],
                                  "title": "Semantic mask: class index 1..N in label:classes order, 0 unlabelled"},
            }
            item_links: list[dict[str, object]] = [
                {"rel": "root", "href": "../catalog.json", "type": "application/json"},
                {"rel": "parent", "href": "../catalog.json", "type": "application/json"},
                {"rel": "self", "href": f"./{scene.stem}.json", "type": "application/geo+json"}]
            if self.parameters["include_images"]:
                shutil.copyfile(scene.local_file(), folder / "image.tif")
                assets["image"] = {"href": "./image.tif", "type": COG_TYPE, "roles": ["data"], "title": scene.name}
                item_links.append({"rel": "source", "href": "./image.tif", "type": COG_TYPE,
                                   "label:assets": ["labels", "raster-labels"]})
            footprint = scene_footprint(scene)
            counts: dict[str, int] = {}
            for a in labelled:
                name = a.label_class.name if a.label_class else ""
                counts[name] = counts.get(name, 0) + 1
            methods = sorted({"manual" if a.source == "human" else "automated" for a in anns}) or ["manual"]
            crs = crs_of(scene.crs)
            item = {
                "type": "Feature", "stac_version": STAC_VERSION, "stac_extensions": [LABEL_EXT, PROJ_EXT],
                "id": scene.stem, "collection": None,
                "geometry": _plain(mapping(footprint)), "bbox": [round(v, 9) for v in footprint.bounds],
                "properties": {
                    "datetime": iso(scene.created_at) or "1970-01-01T00:00:00.000000Z",
                    "title": scene.name,
                    "label:properties": ["class", *(f.column for f in fields)], "label:type": "vector",
                    "label:tasks": ["segmentation"],
                    "label:methods": methods,
                    "label:description": f"GeoLoop annotations of scene {scene.name}",
                    "label:classes": [{"name": "class", "classes": names}],
                    "label:overviews": [{"property_key": "class",
                                         "counts": [{"name": n, "count": counts.get(n, 0)} for n in names]}],
                    "proj:epsg": crs.to_epsg(), "proj:wkt2": crs.to_wkt(),
                    "proj:shape": [scene.height, scene.width], "proj:transform": list(scene.affine)[:6],
                    "geoloop:scene_id": scene.id, "geoloop:checksum": scene.checksum,
                    **scene_tag_properties(tags_by_scene.get(scene.id, [])),
                },
                "links": item_links, "assets": assets,
            }
            del item["collection"]
            json_dump(folder / f"{scene.stem}.json", item)
            links.append({"rel": "item", "href": f"./{scene.stem}/{scene.stem}.json", "type": "application/geo+json",
                          "title": scene.name})
            steps.step(scene.name)
        json_dump(root / "catalog.json", {"type": "Catalog", "stac_version": STAC_VERSION, "id": catalog_id,
                                          "description": f"GeoLoop labels of project {dataset.project_slug}",
                                          "links": links})
        return {"items": len(dataset.scenes)}
