"""Boxes, points and lines are feedback like polygons: an edit or a deletion after acceptance is a Correction, a
reviewer's fix or rejection too; a point moved within its pixel (same footprint) still counts as an edit, while a
change of class only does not."""

import pytest

from annotator.services.annotations import annotation_create, annotation_delete, annotation_update
from annotator.services.review import annotation_review
from annotator.tests.annotation_fixtures import label_class_make
from annotator.tests.kind_fixtures import PIXEL, box_utm, grid_scene_make, line_utm, point_utm, rotated_utm
from feedback.models import Correction, Outcome

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(actors):
    return grid_scene_make(actors.project)


def test_edits_and_deletions_of_every_kind_after_acceptance_are_corrections(actors, scene):
    user = actors.users["annotator"]
    drawn = {
        "box": (box_utm(100, 100, 20, 10), box_utm(104, 100, 20, 10)),
        "rotated_box": (rotated_utm(200, 200, 30, 10, 20), rotated_utm(200, 200, 30, 10, 35)),
        "point": (point_utm(300, 300), point_utm(310, 300)),
        "line": (line_utm((400, 400), (450, 400)), line_utm((400, 400), (450, 420))),
    }
    for kind, (first, second) in drawn.items():
        annotation, _ = annotation_create(project=actors.project, scene=scene, geometry=first, user=user, kind=kind)
        edited = annotation_update(annotation=annotation, user=user, expected_version=1, geometry=second)
        correction = Correction.objects.get(annotation=annotation, source="edit")
        assert correction.outcome == Outcome.EDITED, kind
        assert correction.final_geometry.equals_exact(edited.geometry, 1e-12), kind
        assert correction.iou is not None, kind
        assert correction.iou < 1, kind
        annotation_delete(annotation=edited, user=user, expected_version=edited.version)
        deleted = Correction.objects.get(annotation=annotation, source="delete")
        assert deleted.outcome == Outcome.DELETED, kind
        assert deleted.final_geometry is None


def test_a_point_moved_within_its_pixel_is_an_edit_and_a_class_change_is_not(actors, scene):
    user = actors.users["annotator"]
    point, _ = annotation_create(project=actors.project, scene=scene, geometry=point_utm(30.01, 30.01), user=user,
                                 kind="point")
    nudged = annotation_update(annotation=point, user=user, expected_version=1,
                               geometry=point_utm(30.01 + PIXEL / 2, 30.01))
    assert nudged.geometry.equals_exact(point.geometry, 1e-12)  # the same pixel
    assert Correction.objects.filter(annotation=point, source="edit").count() == 1
    annotation_update(annotation=nudged, user=user, expected_version=2, label_class=label_class_make(actors.project))
    assert Correction.objects.filter(annotation=point, source="edit").count() == 1


def test_review_fix_and_reject_of_a_line_are_corrections(actors, scene):
    user, reviewer = actors.users["annotator"], actors.users["reviewer"]
    line, _ = annotation_create(project=actors.project, scene=scene, geometry=line_utm((10, 10), (90, 10)),
                                user=user, kind="line", width_m=6)
    annotation_review(annotation=line, user=reviewer, action="fix", expected_version=1,
                      geometry=line_utm((10, 14), (90, 14)))
    fix = Correction.objects.get(annotation=line, source="review")
    assert fix.outcome == Outcome.EDITED
    assert 0 < fix.iou < 1
    point, _ = annotation_create(project=actors.project, scene=scene, geometry=point_utm(50, 50), user=user,
                                 kind="point")
    annotation_review(annotation=point, user=reviewer, action="reject", expected_version=1, reason="not a tree")
    reject = Correction.objects.get(annotation=point, source="review")
    assert (reject.outcome, reject.reason) == (Outcome.REJECTED, "not a tree")
