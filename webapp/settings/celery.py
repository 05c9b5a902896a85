"""Celery: Redis broker, queues named by purpose with their own limits, beat on the database scheduler."""

from kombu import Queue

from webapp.settings.env import env_bool, env_int, env_str

REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:56379/0")

CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_QUEUES = [Queue(name) for name in ("gpu", "train", "export", "default")]
CELERY_TASK_ROUTES = {
    # scoring task uncertainty is background model work (several encodes and decodes per task): it must not hold
    # the gpu queue's interactive slots nor fit its 60 s limit (exact names win over the pattern below)
    "inference.task_uncertainty": {"queue": "default"},
    "inference.project_uncertainty": {"queue": "default"},
    "inference.first_tasks_prefetch": {"queue": "default"},
    "inference.*": {"queue": "gpu"},
    "feedback.train_*": {"queue": "train"},
    "annotator.export_*": {"queue": "export"},
}
# Per-queue limits (seconds): soft limit raises in the task, hard limit kills the child.
# A gpu task encodes up to GEOLOOP_ENCODE_BATCH windows (inference.services.encoding): its limits scale with that.
_ENCODE_BATCH = max(1, env_int("GEOLOOP_ENCODE_BATCH", 0))
CELERY_QUEUE_TIME_LIMITS = {
    "gpu": (60 * _ENCODE_BATCH, 90 * _ENCODE_BATCH),
    "train": (6 * 3600, 6 * 3600 + 300),
    "export": (3600, 3900),
    "default": (900, 1000),
}
CELERY_QUEUE_PREFETCH = {"gpu": 1, "train": 1, "export": 4, "default": 4}
CELERY_TASK_ACKS_LATE_QUEUES = {"train"}
CELERY_TASK_TRACK_STARTED = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Static entries the DatabaseScheduler copies into the admin-editable schedule; per-project retraining schedules
# are made in the admin ("schedule nightly retraining").
# The reapers end jobs whose worker is gone and remove partial and temporary files (annotator.services.jobs).
JOB_REAP_EVERY_S = env_int("GEOLOOP_JOB_REAP_EVERY_S", 60)
CELERY_BEAT_SCHEDULE = {
    "reap-stale-training-jobs": {"task": "feedback.reap_stale_jobs", "schedule": float(JOB_REAP_EVERY_S)},
    "reap-stale-annotator-jobs": {"task": "annotator.reap_stale_jobs", "schedule": float(JOB_REAP_EVERY_S)},
    "purge-export-archives": {"task": "annotator.purge_export_archives", "schedule": 24 * 3600.0},
    "purge-import-uploads": {"task": "annotator.purge_import_uploads", "schedule": 900.0},
}

# Job liveness (annotator.services.jobs). A running job beats every JOB_HEARTBEAT_EVERY_S from a thread beside it; a
# job no answering worker holds is dead once its heartbeat is older than JOB_HEARTBEAT_STALE_S, so a killed job ends
# failed within about JOB_HEARTBEAT_STALE_S + GEOLOOP_JOB_REAP_EVERY_S. A job no worker started is failed after
# JOB_QUEUED_MAX_S. JOB_PROGRESS_DELAY_S pauses at each progress step (tests only: 0 in production).
JOB_HEARTBEAT_EVERY_S = env_int("GEOLOOP_JOB_HEARTBEAT_EVERY_S", 10)
JOB_HEARTBEAT_STALE_S = env_int("GEOLOOP_JOB_HEARTBEAT_STALE_S", 6 * JOB_HEARTBEAT_EVERY_S)
JOB_QUEUED_MAX_S = env_int("GEOLOOP_JOB_QUEUED_MAX_S", 24 * 3600)
JOB_PROGRESS_DELAY_S = env_int("GEOLOOP_JOB_PROGRESS_DELAY_S", 0)
