"""The deployment description holds every process with the right queues."""

from pathlib import Path

import yaml
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _queues(command) -> set[str]:
    words = command if isinstance(command, list) else command.split()
    return set(words[words.index("-Q") + 1].split(",")) if "-Q" in words else set()


def test_compose_has_every_service():
    services = _compose()["services"]
    assert {"postgis", "redis", "web", "worker", "worker-gpu", "worker-train", "beat"} <= set(services)


def test_workers_consume_the_right_queues_and_every_queue_is_served():
    services = _compose()["services"]
    assert _queues(services["worker-gpu"]["command"]) == {"gpu"}
    assert _queues(services["worker-train"]["command"]) == {"train"}
    assert _queues(services["worker"]["command"]) == {"default", "export"}
    served = set().union(*(_queues(s.get("command", [])) for s in services.values()))
    assert served == {q.name for q in settings.CELERY_TASK_QUEUES}


def test_gpu_workers_reserve_an_nvidia_device_and_prefetch_one():
    services = _compose()["services"]
    for name in ("worker-gpu", "worker-train"):
        devices = services[name]["deploy"]["resources"]["reservations"]["devices"]
        assert devices[0]["driver"] == "nvidia"
        command = services[name]["command"]
        assert command[command.index("--prefetch-multiplier") + 1] == "1"


def test_beat_uses_the_database_scheduler():
    services = _compose()["services"]
    assert "django" in services["beat"]["command"]
    assert settings.CELERY_BEAT_SCHEDULER.startswith("django_celery_beat")


def test_one_image_for_all_app_services():
    services = _compose()["services"]
    images = {services[name].get("image") for name in ("web", "worker", "worker-gpu", "worker-train", "beat")}
    assert images == {"geoloop:latest"}


def test_media_on_the_storage_service_and_two_gpu_workers_share_only_database_redis_and_bucket():
    compose = _compose()
    services = compose["services"]
    assert services["storage"]["image"].startswith("chrislusf/seaweedfs:")
    assert "-s3" in services["storage"]["command"]
    assert _queues(services["worker-gpu-2"]["command"]) == {"gpu"}
    names = [c[c.index("-n") + 1] for c in (services["worker-gpu"]["command"], services["worker-gpu-2"]["command"])]
    assert len(set(names)) == 2  # two workers, two names
    for name in ("web", "worker", "worker-gpu", "worker-gpu-2", "worker-train", "beat"):
        env = services[name]["environment"]
        assert env["GEOLOOP_STORAGE"] == "s3"
        assert env["GEOLOOP_S3_ENDPOINT"] == "http://storage:8333"
        assert {"GEOLOOP_S3_ACCESS_KEY_ID", "GEOLOOP_S3_SECRET_ACCESS_KEY", "GEOLOOP_S3_BUCKET"} <= set(env)
        assert "storage" in services[name]["depends_on"]
    for name in ("worker-gpu", "worker-gpu-2"):
        assert not [v for v in services[name]["volumes"] if v.startswith("media:")]  # no shared disk
    config = compose["configs"]["seaweedfs-s3"]["content"]
    assert "${GEOLOOP_S3_SECRET_KEY}" in config  # the same credentials as the app's, from the environment
