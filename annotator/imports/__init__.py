"""Annotation imports (GeoJSON, GeoPackage, COCO with georeference sidecars): readers that give features in
EPSG:4326 and per-item errors, plus their validation against a scene. No Django here; the service writes."""
