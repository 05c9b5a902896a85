"""Annotation kinds through the API: boxes (axis-aligned in the scene's CRS), rotated boxes (rectangles), points
(the scene pixel holding them) and lines (buffered by their width); their refusals; edits, history and restore;
the list, the review queue and vector tiles naming the kind; and who may do what."""

import pytest

from annotator.models import Annotation, AnnotationRevision
from annotator.tests.kind_fixtures import (
    PIXEL,
    area_m2,
    box_utm,
    grid_scene_make,
    in_utm,
    line_utm,
    point_utm,
    rotated_utm,
)
from annotator.tests.test_vector_tiles import decode_mvt, tile_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(actors):
    return grid_scene_make(actors.project)


def create(client, scene, geometry, **extra):
    return client.post(f"/api/scenes/{scene.id}/annotations/", {"geometry": geometry, **extra}, format="json")


def created(client, scene, geometry, **extra) -> dict:
    response = create(client, scene, geometry, **extra)
    assert response.status_code == 201, response.json()
    return response.json()


def refused(response, reason: str) -> str:
    assert response.status_code == 400, response.json()
    assert response.json()["reason"] == reason, response.json()
    return response.json()["detail"]


def test_an_axis_aligned_box_is_stored_as_its_rectangle(actors, scene):
    body = created(actors.client("annotator"), scene, box_utm(300, 300, 40, 20), kind="box")
    assert body["properties"]["kind"] == "box"
    assert body["properties"]["shape"] is None
    assert body["properties"]["width_m"] is None
    assert body["geometry"]["type"] == "MultiPolygon"
    assert area_m2(body["geometry"]) == pytest.approx(800, rel=1e-6)
    minx, miny, maxx, maxy = in_utm(body["geometry"]).bounds
    assert (minx, maxx, -maxy, -miny) == pytest.approx((280, 320, 290, 310), abs=1e-3)
    assert Annotation.objects.get(pk=body["id"]).kind == "box"


def test_a_box_drawn_square_in_lon_lat_is_not_axis_aligned_in_the_scene_crs(actors, scene):
    ring = [[-84.399, 33.751], [-84.398, 33.751], [-84.398, 33.752], [-84.399, 33.752], [-84.399, 33.751]]
    detail = refused(create(actors.client("annotator"), scene, {"type": "Polygon", "coordinates": [ring]}, kind="box"),
                     "not_axis_aligned")
    assert "rotated_box" in detail
    # the same ring is a rectangle: as a rotated box it is kept
    body = created(actors.client("annotator"), scene, {"type": "Polygon", "coordinates": [ring]}, kind="rotated_box")
    assert body["properties"]["kind"] == "rotated_box"


def test_a_rotated_rectangle_is_kept_and_a_parallelogram_is_refused_with_its_angles(actors, scene):
    client = actors.client("annotator")
    body = created(client, scene, rotated_utm(500, 500, 60, 20, 30), kind="rotated_box")
    assert area_m2(body["geometry"]) == pytest.approx(1200, rel=1e-4)
    rectangle = in_utm(body["geometry"]).geoms[0]
    assert len(rectangle.exterior.coords) == 5
    # corners off a rectangle by far less than half a pixel are snapped onto it
    near = created(client, scene, rotated_utm(600, 600, 60, 20, 30, skew=PIXEL / 10), kind="rotated_box")
    assert near["info"]["snapped"] is True
    detail = refused(create(client, scene, rotated_utm(500, 500, 60, 20, 30, skew=5), kind="rotated_box"),
                     "not_rectangle")
    assert "°" in detail
    five = {"type": "Polygon", "coordinates": [[*rotated_utm(500, 500, 60, 20, 30)["coordinates"][0][:4],
                                                point_utm(470, 480)["coordinates"],
                                                rotated_utm(500, 500, 60, 20, 30)["coordinates"][0][0]]]}
    assert "4 corners" in refused(create(client, scene, five, kind="rotated_box"), "not_rectangle")
    assert Annotation.objects.count() == 2


def test_a_point_keeps_its_position_and_its_footprint_is_the_pixel_holding_it(actors, scene):
    body = created(actors.client("annotator"), scene, point_utm(100.05, 200.2), kind="point")
    assert body["properties"]["kind"] == "point"
    assert body["properties"]["shape"]["type"] == "Point"
    assert body["properties"]["shape"]["coordinates"] == pytest.approx(point_utm(100.05, 200.2)["coordinates"])
    pixel = in_utm(body["geometry"])
    assert pixel.area == pytest.approx(PIXEL * PIXEL, rel=1e-4)
    minx, _miny, _maxx, maxy = pixel.bounds
    assert (minx, -maxy) == pytest.approx((333 * PIXEL, 667 * PIXEL), abs=1e-4)  # column 333, row 667
    annotation = Annotation.objects.get(pk=body["id"])
    assert annotation.shape.geom_type == "Point"
    refused(create(actors.client("annotator"), scene, point_utm(-5, 10), kind="point"), "outside_scene")


def test_a_line_is_buffered_by_its_width_or_by_three_pixels(actors, scene):
    client = actors.client("annotator")
    plain = created(client, scene, line_utm((100, 100), (200, 100)), kind="line")
    assert plain["properties"]["width_m"] == pytest.approx(3 * PIXEL)
    assert plain["properties"]["shape"]["type"] == "LineString"
    assert area_m2(plain["geometry"]) == pytest.approx(100 * 3 * PIXEL, rel=1e-3)  # flat caps
    road = created(client, scene, line_utm((100, 300), (200, 300), (200, 400)), kind="line", width_m=8)
    assert road["properties"]["width_m"] == 8
    area = area_m2(road["geometry"])
    assert 200 * 8 - 4 * 4 < area < 200 * 8 + 16 * 3.1416 / 4  # two legs, a round outer join
    assert in_utm(road["geometry"]).buffer(1e-6).covers(in_utm(road["properties"]["shape"]))


@pytest.mark.parametrize(("kind", "geometry", "extra", "reason"), [
    ("line", point_utm(10, 10), {}, "wrong_geometry_type"),
    ("point", line_utm((10, 10), (20, 20)), {}, "wrong_geometry_type"),
    ("box", point_utm(10, 10), {}, "wrong_geometry_type"),
    ("polygon", line_utm((10, 10), (20, 20)), {}, "not_polygonal"),  # as before kinds
    ("line", line_utm((10, 10), (10, 10)), {}, "zero_length"),
    ("line", line_utm((10, 10), (20, 20)), {"width_m": 0}, "invalid_width"),
    ("line", line_utm((10, 10), (20, 20)), {"width_m": -3}, "invalid_width"),
    ("box", box_utm(50, 50, 10, 10), {"width_m": 3}, "width_not_allowed"),
    ("box", box_utm(50, 50, 0, 10), {}, "not_rectangle"),  # two corners repeated
])
def test_wrong_geometries_for_a_kind_are_refused_with_a_reason(actors, scene, kind, geometry, extra, reason):
    refused(create(actors.client("annotator"), scene, geometry, kind=kind, **extra), reason)
    assert not Annotation.objects.exists()


def test_an_unknown_kind_is_refused(actors, scene):
    response = create(actors.client("annotator"), scene, point_utm(10, 10), kind="circle")
    assert response.status_code == 400
    assert "kind" in str(response.json())


def test_polygons_stay_polygons_by_default(actors, scene):
    body = created(actors.client("annotator"), scene, rotated_utm(500, 500, 60, 20, 30, skew=5))
    assert body["properties"]["kind"] == "polygon"
    assert body["properties"]["shape"] is None


def test_edits_history_and_restore_keep_kind_shape_and_width(actors, scene):
    client = actors.client("annotator")
    line = created(client, scene, line_utm((100, 100), (200, 100)), kind="line", width_m=4)
    url = f"/api/annotations/{line['id']}/"
    widened = client.patch(url, {"version": 1, "width_m": 10}, format="json")
    assert widened.status_code == 200, widened.json()
    assert widened.json()["properties"]["width_m"] == 10
    assert area_m2(widened.json()["geometry"]) == pytest.approx(1000, rel=1e-3)
    moved = client.patch(url, {"version": 2, "geometry": line_utm((100, 150), (300, 150))}, format="json")
    assert moved.status_code == 200
    assert moved.json()["properties"]["width_m"] == 10  # a moved line keeps its width
    assert area_m2(moved.json()["geometry"]) == pytest.approx(2000, rel=1e-3)
    # a kind change needs its geometry
    refused(client.patch(url, {"version": 3, "kind": "point"}, format="json"), "geometry_required")
    pointed = client.patch(url, {"version": 3, "kind": "point", "geometry": point_utm(5, 5)}, format="json")
    assert pointed.status_code == 200
    assert pointed.json()["properties"]["kind"] == "point"
    assert pointed.json()["properties"]["width_m"] is None
    refused(client.patch(url, {"version": 4, "width_m": 3}, format="json"), "width_not_allowed")

    history = client.get(f"{url}history/").json()
    assert [(h["kind"], h["width_m"]) for h in history] == [("line", 4), ("line", 10), ("line", 10), ("point", None)]
    assert history[0]["shape"]["type"] == "LineString"
    assert AnnotationRevision.objects.filter(annotation_id=line["id"], kind="line").count() == 3

    restored = client.post(f"{url}restore/", {"version": 1}, format="json")
    assert restored.status_code == 200
    props = restored.json()["properties"]
    assert (props["kind"], props["width_m"], props["shape"]["type"]) == ("line", 4, "LineString")
    assert area_m2(restored.json()["geometry"]) == pytest.approx(400, rel=1e-3)


def test_the_list_and_vector_tiles_name_the_kind(actors, scene):
    client = actors.client("annotator")
    point = created(client, scene, point_utm(300, 300), kind="point")
    line = created(client, scene, line_utm((280, 280), (320, 320)), kind="line")
    box = created(client, scene, box_utm(300, 330, 20, 10), kind="box")
    page = client.get(f"/api/scenes/{scene.id}/annotations/").json()
    by_id = {f["id"]: f["properties"] for f in page["features"]}
    assert by_id[point["id"]]["kind"] == "point"
    assert by_id[point["id"]]["shape"]["type"] == "Point"
    listed = by_id[line["id"]]["shape"]["coordinates"]
    expected = line["properties"]["shape"]["coordinates"]
    for got, want in zip(listed, expected, strict=True):
        assert got == pytest.approx(want, abs=1e-8)
    assert by_id[line["id"]]["width_m"] == pytest.approx(0.9)
    assert by_id[box["id"]]["kind"] == "box"
    assert by_id[box["id"]]["shape"] is None

    lon, lat = point["properties"]["shape"]["coordinates"]
    x, y = tile_of(lon, lat, 18)
    tile = client.get(f"/api/scenes/{scene.id}/annotations/18/{x}/{y}.mvt")
    assert tile.status_code == 200
    kinds = {f["id"]: f["properties"]["kind"] for f in decode_mvt(tile.content)["annotations"]["features"]}
    assert kinds == {point["id"]: "point", line["id"]: "line", box["id"]: "box"}


def test_reviewers_see_the_kind_and_approve_reject_or_fix_it(actors, scene):
    client = actors.client("annotator")
    line = created(client, scene, line_utm((100, 100), (200, 100)), kind="line", width_m=5)
    point = created(client, scene, point_utm(50, 50), kind="point")
    box = created(client, scene, rotated_utm(500, 500, 60, 20, 30), kind="rotated_box")
    reviewer = actors.client("reviewer")
    queue = reviewer.get(f"/api/projects/{actors.project.id}/review/queue/")
    assert queue.status_code == 200, queue.content
    by_id = {f["id"]: f["properties"] for f in queue.json()["results"]}
    assert by_id[line["id"]]["kind"] == "line"
    assert by_id[line["id"]]["shape"]["type"] == "LineString"
    assert by_id[point["id"]]["shape"]["type"] == "Point"

    def review(feature, **body):
        return reviewer.post(f"/api/annotations/{feature['id']}/review/", {"version": 1, **body}, format="json")

    assert review(point, action="accept").json()["properties"]["review_state"] == "approved"
    assert review(box, action="reject", reason="a shadow").json()["properties"]["review_state"] == "rejected"
    # a fix of a line is a line: its geometry is the new centreline, its width kept
    refused(review(line, action="fix", geometry=box_utm(100, 100, 10, 10)), "wrong_geometry_type")
    fixed = review(line, action="fix", geometry=line_utm((100, 110), (220, 110)))
    assert fixed.status_code == 200, fixed.json()
    assert fixed.json()["properties"]["kind"] == "line"
    assert fixed.json()["properties"]["width_m"] == 5
    assert area_m2(fixed.json()["geometry"]) == pytest.approx(600, rel=1e-3)


def test_who_may_create_and_edit_kinds(actors, scene):
    point = point_utm(50, 50)
    assert create(actors.client(None), scene, point, kind="point").status_code == 401
    assert create(actors.client("outsider"), scene, point, kind="point").status_code == 403
    body = created(actors.client("annotator"), scene, line_utm((10, 10), (20, 10)), kind="line")
    url = f"/api/annotations/{body['id']}/"
    assert actors.client(None).patch(url, {"version": 1, "width_m": 4}, format="json").status_code == 401
    assert actors.client("outsider").patch(url, {"version": 1, "width_m": 4}, format="json").status_code == 403
    assert Annotation.objects.get(pk=body["id"]).width_m == pytest.approx(0.9)


def test_scene_events_carry_kind_shape_and_width(actors, scene, monkeypatch, django_capture_on_commit_callbacks):
    sent = []
    monkeypatch.setattr("annotator.services.annotations.scene_event_send",
                        lambda **kw: sent.append((kw["event"], kw["payload"])))
    with django_capture_on_commit_callbacks(execute=True):
        body = created(actors.client("annotator"), scene, line_utm((10, 10), (50, 10)), kind="line", width_m=2.5)
    event, payload = sent[-1]
    assert event == "annotation.created"
    assert (payload["id"], payload["kind"], payload["width_m"]) == (body["id"], "line", 2.5)
    assert payload["shape"]["type"] == "LineString"
    assert payload["geometry"]["type"] == "MultiPolygon"
