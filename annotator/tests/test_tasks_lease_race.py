"""Two annotators asking for the next task at the same instant, each on its own database connection: they never
get the same task (SELECT … FOR UPDATE SKIP LOCKED)."""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections

from annotator.models import Membership, Project, Task
from annotator.services.tasks import task_next
from annotator.tests.annotation_fixtures import scene_make

pytestmark = pytest.mark.django_db(transaction=True)


def race(project, users, rounds_barrier_timeout=10):
    barrier = threading.Barrier(len(users), timeout=rounds_barrier_timeout)
    results, errors = {}, []

    def ask(user):
        try:
            barrier.wait()
            task = task_next(project=project, user=user)
            results[user.username] = task.id if task else None
        except Exception as exc:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()  # this thread's own connection

    threads = [threading.Thread(target=ask, args=(u,)) for u in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    return results


@pytest.fixture
def setup():
    User = get_user_model()
    project = Project.objects.create(slug="race", name="Race")
    scene = scene_make(project)
    users = [User.objects.create_user(f"racer{i}", password="pw") for i in range(4)]
    for user in users:
        Membership.objects.create(project=project, user=user, role="annotator")
    return project, scene, users


def test_threads_have_their_own_connections(setup):
    _project, _scene, _users = setup
    ids = []
    both_connected = threading.Barrier(2)

    def who():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            ids.append(cursor.fetchone()[0])
        both_connected.wait(timeout=10)  # hold the connection while the other thread holds its own
        connections.close_all()

    threads = [threading.Thread(target=who) for _ in range(2)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert len(set(ids)) == 2


@pytest.mark.parametrize("free_tasks", [1, 2, 3])
def test_simultaneous_next_never_hands_out_the_same_task(setup, free_tasks):
    project, scene, users = setup
    for _ in range(free_tasks):
        Task.objects.create(project=project, scene=scene, area=scene.footprint)
    for _ in range(5):  # several rounds, each from a fresh start
        Task.objects.filter(project=project).update(status="new", lease_holder=None, lease_expires_at=None)
        results = race(project, users)
        got = [tid for tid in results.values() if tid is not None]
        assert len(got) == len(set(got)), results  # nobody shares a task
        assert len(got) == min(free_tasks, len(users)), results  # and every free task went to someone
        holders = dict(Task.objects.filter(project=project, status="in_progress").values_list("id", "lease_holder"))
        assert {tid: next(u.id for u in users if results[u.username] == tid) for tid in got} == holders
