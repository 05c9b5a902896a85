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
