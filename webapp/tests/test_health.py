import pytest

from inference.tests.services import private_redis  # noqa: F401 - fixture


@pytest.mark.django_db(transaction=True)
def test_healthz_is_ok_when_database_redis_and_a_worker_answer(client, celery_worker):
    response = client.get("/healthz")
    assert response.status_code == 200, response.json()
    assert response.json()["checks"] == {"database": "ok", "redis": "ok", "celery": "ok"}


@pytest.mark.django_db
def test_healthz_names_redis_when_it_does_not_answer(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert "redis" in response.json()["failing"]
    assert response.json()["checks"]["redis"].startswith("unreachable")


@pytest.mark.django_db
def test_healthz_names_each_queue_without_a_consumer(client, settings, private_redis):  # noqa: F811
    """An empty Redis: no worker beats there. One worker that consumes gpu and default leaves train and export
    uncovered; once it leaves, every queue is named."""
    from inference.services.workers import QueueHeartbeat

    settings.REDIS_URL = private_redis
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["celery"]
    assert body["checks"]["redis"] == "ok"
    assert body["queues_without_consumers"] == ["gpu", "train", "export", "default"]

    worker = QueueHeartbeat(hostname="gpu-and-default@test", queues=lambda: ["gpu", "default"])
    worker.beat()
    body = client.get("/healthz").json()
    assert body["queues_without_consumers"] == ["train", "export"]
    assert "train, export" in body["checks"]["celery"]

    worker.stop()  # a clean shutdown leaves at once
    assert client.get("/healthz").json()["queues_without_consumers"] == ["gpu", "train", "export", "default"]
