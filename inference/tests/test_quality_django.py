"""The calibrated quality in the pipeline's answer, and the task-open prefetch, with a real Celery worker."""

from __future__ import annotations

import time

import pytest
from django.contrib.gis.geos import GEOSGeometry

from annotator.models import Task
from annotator.services.tasks import task_next
from inference.scoring import FEATURES
from inference.services import prompt_input_parse, prompt_prepare, proposal_create
from inference.services.embeddings import embedding_known
from inference.services.proposals import mask_message
from inference.tests.django_fixtures import buildings, click_in, world  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db(transaction=True)
ZOOMED_IN = 0.125  # metres per screen pixel: level -2 on this 0.5 m scene


def test_task_open_prefetch_makes_the_first_click_find_its_embedding(world, celery_worker):  # noqa: F811
    poly = buildings()[0]
    area = GEOSGeometry(poly.envelope.buffer(0.0001).envelope.wkt, srid=4326)
    task = Task.objects.create(project=world.project, scene=world.scene, area=area)
    point = click_in(poly)
    inp = prompt_input_parse({"points": [point], "labels": [1], "map_resolution": ZOOMED_IN})
    key = prompt_prepare(scene=world.scene, inp=inp).key
    assert not embedding_known([key])  # cold: nobody encoded this window yet

    leased = task_next(project=world.project, user=world.users["ann"])  # opening the task: the lease commits
    assert leased is not None
    assert leased.pk == task.pk
    # the first click's window is one the prefetch encoded (the prompt prefers an encoded window holding it). On a
    # saturated CPU an encode can overrun its time limit: opening the task again (task_next returns the held task)
    # asks again for what is missing.
    deadline = time.monotonic() + 420  # inside pytest-timeout (600 s) with the fixtures
    reopen = time.monotonic() + 100
    while time.monotonic() < deadline:
        key = prompt_prepare(scene=world.scene, inp=inp).key
        if embedding_known([key]):
            break
        if time.monotonic() > reopen:
            task_next(project=world.project, user=world.users["ann"])
            reopen = time.monotonic() + 100
        time.sleep(1.0)
    assert embedding_known([key]), "the task's windows were not prefetched"

    proposal, timings = proposal_create(scene=world.scene, user=world.users["ann"], points_lonlat=[point],
                                        labels=[1], map_resolution=ZOOMED_IN)
    assert timings["encoded"] is False  # the first click did not wait for an encode

    # the answer carries the calibrated quality (a probability), the parts, and still the model's own figure
    assert proposal.quality is not None
    assert 0.0 <= proposal.quality <= 1.0
    assert set(FEATURES) <= set(proposal.features)
    assert proposal.features["parts"] >= 1
    msg = mask_message(proposal, timings)
    assert 0.0 <= msg["quality"] <= 1.0
    assert msg["parts"] >= 1
    assert "predicted_iou" in msg
