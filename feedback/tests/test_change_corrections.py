"""A change annotation's side taken from a model answer is feedback on that answer: taken as is (accepted), edited
later (edited) or emptied (deleted); a side drawn by hand records nothing."""

import json

import pytest
from django.contrib.gis.geos import GEOSGeometry

from annotator.services import pairs as pair_services
from annotator.tests.test_pairs import scenes, square, storage  # noqa: F401  (fixtures)
from core.errors import ValidationFailed
from feedback.models import Correction, Outcome
from feedback.tests.fixtures import base_version
from inference.models import MaskProposal

pytestmark = pytest.mark.django_db


def test_sides_from_model_answers_become_corrections(actors, scenes):  # noqa: F811
    before, after = scenes
    pair = pair_services.pair_create(project=actors.project, before=before, after=after, user=None, enqueue=False)
    pair = pair_services.pair_resample(pair_id=pair.pk)
    answer = square(60, 60)
    proposal = MaskProposal.objects.create(
        project=actors.project, scene=after, model_version=base_version(), prompt={}, window={},
        geometry=GEOSGeometry(json.dumps({"type": "MultiPolygon", "coordinates": [answer["coordinates"]]}),
                              srid=4326),
        predicted_iou=0.9, latency_ms=1.0)
    user = actors.users["annotator"]
    change, _ = pair_services.change_create(pair=pair, user=user, after_geometry=answer,
                                            after_proposal_id=proposal.pk, before_geometry=square(100, 100))
    taken = Correction.objects.get(proposal=proposal)
    assert (taken.outcome, taken.source) == (Outcome.ACCEPTED, "change")
    assert Correction.objects.count() == 1  # the hand-drawn before side records nothing

    change, _ = pair_services.change_update(change=change, user=user, expected_version=1,
                                            after_geometry=square(60, 60, 14))
    edited = Correction.objects.filter(proposal=proposal).order_by("id").last()
    assert (edited.outcome, edited.source) == (Outcome.EDITED, "change_edit")
    assert edited.iou < 1.0

    pair_services.change_update(change=change, user=user, expected_version=2, after_geometry=None)
    emptied = Correction.objects.filter(proposal=proposal).order_by("id").last()
    assert (emptied.outcome, emptied.source) == (Outcome.DELETED, "change_delete")

    with pytest.raises(ValidationFailed, match="not a model answer"):
        pair_services.change_create(pair=pair, user=user, before_geometry=answer, before_proposal_id=proposal.pk)
