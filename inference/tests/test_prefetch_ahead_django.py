"""Prefetch ahead: opening a task queues, behind prompts, its first window, then the first-click windows of the tasks
"next task" will give the same annotator after it (as many as the annotator's share of the cache's prefetch part
allows, at least the next one), then its other windows; opening the next task keeps what is still wanted and lets
the rest be skipped; tasks created or assigned prefetch each idle member's first task. Read from the real Redis
pending set that the batching gpu worker claims from (prompts first, then in the order queued)."""

from __future__ import annotations

import pytest
from django.contrib.gis.geos import Polygon
from django.utils import timezone

from annotator.models import Membership, Role, Task, TaskStatus
from annotator.selectors.tasks import tasks_upcoming
from annotator.services.tasks import task_next, task_submit
from inference.services.embeddings import PROMPT_PRIORITY, embedding_request, redis_client
from inference.services.encoding import PENDING, EncodeRequest, _prefetch_unwanted
from inference.services.prefetch import (
    _first_click_windows,
    _task_windows,
    ahead_budget_windows,
    area_prefetch_max_windows,
    first_tasks_prefetch,
)
from inference.tests.django_fixtures import world  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db(transaction=True)


def _tasks(world, n: int) -> list[Task]:  # noqa: F811
    """``n`` tasks in lease order, squares of a sixth of the scene's width centred on the cells of an even grid over
    the scene (far apart, so that each task has windows of its own)."""
    west, south, east, north = world.scene.footprint.extent
    side = (east - west) / 6
    cols = 2 if n <= 4 else 3
    out = []
    for i in range(n):
        cx = west + (east - west) * (i % cols + 0.5) / cols
        cy = north - (north - south) * (i // cols + 0.5) / cols
        area = Polygon.from_bbox((cx - side / 2, cy - side / 2, cx + side / 2, cy + side / 2))
        area.srid = 4326
        out.append(Task.objects.create(project=world.project, scene=world.scene, area=area))
    return out


def _pending() -> list[tuple[EncodeRequest, float]]:
    return [(EncodeRequest.from_member(m), score) for m, score in
            redis_client().zrange(PENDING, 0, -1, withscores=True)]


def _first(task) -> list[str]:
    return [w.key for w in _first_click_windows(_task_windows(task)[3], task)]


@pytest.fixture
def clean_queue(session_gpu_paused):
    """No worker takes gpu messages during the test; the pending set starts empty and is emptied afterwards."""
    redis_client().delete(PENDING)
    yield
    redis_client().delete(PENDING)


def test_opening_a_task_queues_the_next_tasks_first_click_windows_behind_its_first(world, clean_queue,  # noqa: F811
                                                                                   settings):
    tasks = _tasks(world, 4)
    ann = world.users["ann"]
    assert [t.pk for t in tasks_upcoming(project=world.project, user=ann, limit=10)] == [t.pk for t in tasks]
    opened = task_next(project=world.project, user=ann)  # the lease commits, then the prefetch runs
    assert opened.pk == tasks[0].pk
    pending = _pending()
    assert all(r.prefetch is not None and r.prefetch[0] == f"task:{ann.pk}" for r, _ in pending)
    order = [r.window_key for r, _ in pending]
    own = [w.key for w in _task_windows(tasks[0])[3]]
    ahead = [k for t in tasks[1:] for k in _first(t) if k not in own]
    assert ahead, "the upcoming tasks need windows of their own"
    assert ahead_budget_windows() == area_prefetch_max_windows()  # one annotator at work: the whole share
    # the open task's first window, the three next tasks' first-click windows in next-task order, then the rest
    assert order[0] == own[0]
    assert order[1:1 + len(ahead)] == ahead
    assert sorted(order[1 + len(ahead):]) == sorted(own[1:])
    scores = [s for _, s in pending]
    assert scores == sorted(scores)  # claimed in that order, behind any prompt

    # a click on the last queued window of the open task moves it ahead of the queued prefetches
    from inference.services import embedding_key, model_version_encoder
    from inference.windows import Window

    last = Window.from_key(order[-1])
    key = embedding_key(encoder_sha256=model_version_encoder(world.version), scene=world.scene, window=last)
    assert embedding_request(key=key, version_id=world.version.pk, scene_id=world.scene.pk) == "pending"
    assert redis_client().zrange(PENDING, 0, 0) == [next(r.member for r, _ in pending if r.window_key == last.key)
                                                   .encode()]
    assert PROMPT_PRIORITY == 0

    # the annotator submits and opens the next task: what it still wants stays queued, the rest is skipped
    task_submit(task=opened, user=ann)
    assert task_next(project=world.project, user=ann).pk == tasks[1].pk
    requests = {r.window_key: r for r, _ in pending}
    for window_key in ahead:
        assert not _prefetch_unwanted(requests[window_key])  # still wanted: tasks 2-4 are still ahead
    for window_key in set(own) - set(ahead) - {k for t in tasks[1:] for k in _first(t)}:
        assert _prefetch_unwanted(requests[window_key])  # task 1's windows: the annotator has left it


def test_the_number_of_tasks_ahead_follows_the_cache_share_of_each_working_annotator(world, clean_queue,  # noqa: F811
                                                                                     settings):
    from django.contrib.auth import get_user_model

    tasks = _tasks(world, 4)
    ann = world.users["ann"]
    per_task = {t.pk: len(_first(t)) for t in tasks}
    # the cache's prefetch part holds exactly the next two tasks' first-click windows
    settings.GEOLOOP_PREFETCH_AREA_MAX = per_task[tasks[1].pk] + per_task[tasks[2].pk]
    assert area_prefetch_max_windows() == settings.GEOLOOP_PREFETCH_AREA_MAX
    task_next(project=world.project, user=ann)
    queued = {r.window_key for r, _ in _pending()}
    assert set(_first(tasks[1])) <= queued
    assert set(_first(tasks[2])) <= queued
    fourth_only = (set(_first(tasks[3])) - set(_first(tasks[1])) - set(_first(tasks[2]))
                   - {w.key for w in _task_windows(tasks[0])[3]})
    assert fourth_only
    assert not fourth_only & queued  # past the share: the fourth task waits for a later opening

    # a second annotator at work halves the share: the first one's next open queues fewer tasks ahead
    other = get_user_model().objects.create_user("inf-ann2", password="pw")
    Membership.objects.create(project=world.project, user=other, role=Role.ANNOTATOR)
    Task.objects.filter(pk=tasks[3].pk).update(status=TaskStatus.IN_PROGRESS, lease_holder=other,
                                               lease_expires_at=timezone.now() + timezone.timedelta(minutes=5))
    assert ahead_budget_windows() == max(1, settings.GEOLOOP_PREFETCH_AREA_MAX // 2)
    settings.GEOLOOP_PREFETCH_AREA_MAX = 1  # even a share of nothing queues the next task's first window
    redis_client().delete(PENDING)
    from inference.services.prefetch import tasks_ahead_prefetch

    out = tasks_ahead_prefetch(task=tasks[0], user=ann, viewer="test-viewer")
    assert out["tasks_ahead"] == 1
    assert out["windows_ahead"] == per_task[tasks[1].pk]


def test_new_tasks_prefetch_each_idle_members_first_task(world, clean_queue):  # noqa: F811
    tasks = _tasks(world, 2)
    ann, rev = world.users["ann"], world.users["rev"]
    Task.objects.filter(pk=tasks[1].pk).update(assignee=ann)  # ann's own task comes before the pool's
    out = first_tasks_prefetch(project=world.project)
    assert set(out) == {ann.pk, rev.pk}
    queued = [(r.prefetch[0], r.window_key) for r, _ in _pending()]
    assert (f"task:{ann.pk}", _first(tasks[1])[0]) in queued
    assert queued[0][1] in {w.key for t in tasks for w in _task_windows(t)[3]}

    # someone at work on a task is left alone (their own task-open prefetch runs their queue)
    Task.objects.filter(pk=tasks[0].pk).update(status=TaskStatus.IN_PROGRESS, lease_holder=rev,
                                               lease_expires_at=timezone.now() + timezone.timedelta(minutes=5))
    assert set(first_tasks_prefetch(project=world.project)) == {ann.pk}
