import pytest

from webapp.celery import QueueLimits, app
from webapp.settings.database import database_from_url


def test_database_url_is_parsed():
    db = database_from_url("postgis://user:p%40ss@db.example:6543/geo")
    got = (db["USER"], db["PASSWORD"], db["HOST"], db["PORT"], db["NAME"])
    assert got == ("user", "p@ss", "db.example", "6543", "geo")
    assert db["ENGINE"] == "django.contrib.gis.db.backends.postgis"


def test_database_url_must_be_postgres():
    with pytest.raises(ValueError, match="postgis"):
        database_from_url("mysql://x@y/z")


@pytest.mark.parametrize(
    ("task_name", "queue"),
    [("inference.encode_window", "gpu"), ("feedback.train_model", "train"), ("annotator.export_dataset", "export"),
     ("annotator.ingest_scene", "default"), ("inference.task_uncertainty", "default"),
     ("inference.project_uncertainty", "default")],
)
def test_each_queue_gives_its_tasks_its_own_time_limits(settings, task_name, queue):
    class Task:
        name = task_name

    options = QueueLimits().annotate(Task())
    assert (options["soft_time_limit"], options["time_limit"]) == settings.CELERY_QUEUE_TIME_LIMITS[queue]
    assert app.amqp.router.route({}, task_name)["queue"].name == queue
