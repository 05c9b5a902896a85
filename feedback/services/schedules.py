"""Retraining schedules: one django-celery-beat crontab per project running ``feedback.train_scheduled``.

A schedule is a five-field crontab (minute hour day-of-month month day-of-week, in the site's time zone), from a
preset (``nightly``: 02:00 every day; ``weekly``: 02:00 on Sundays) or written out; it can be disabled without
being lost. Beat (``DatabaseScheduler``) picks changes up by itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from annotator.audit import audit_record
from core.errors import ValidationFailed

TASK_NAME = "feedback.train_scheduled"
PRESETS = {"nightly": "0 2 * * *", "weekly": "0 2 * * 0"}
FIELDS = ("minute", "hour", "day_of_month", "month_of_year", "day_of_week")
MAX_FIELD_CHARS = 64


class ScheduleInvalid(ValidationFailed):
    code = "invalid_schedule"


@dataclass(frozen=True)
class ScheduleView:
    """A project's retraining schedule as the app shows it."""

    crontab: str
    preset: str  # "nightly", "weekly" or "custom"
    enabled: bool
    timezone: str
    next_run_at: datetime | None
    last_run_at: datetime | None
    total_run_count: int
    name: str


def crontab_parse(expression: str) -> dict[str, str]:
    """``"m h dom mon dow"`` -> the five crontab fields, each checked by celery's own crontab parser.

    Raises ScheduleInvalid naming the field that is wrong."""
    parts = (expression or "").split()
    if len(parts) != 5:
        raise ScheduleInvalid(
            f"A crontab has five fields (minute hour day-of-month month day-of-week); got {len(parts)}.",
            extra={"field": "crontab"})
    from celery.schedules import crontab

    fields = dict(zip(FIELDS, parts, strict=True))
    for name, value in fields.items():
        if len(value) > MAX_FIELD_CHARS:
            raise ScheduleInvalid(f"The {name.replace('_', ' ')} field is too long.", extra={"field": "crontab"})
        try:
            crontab(**{name: value})
        except (ValueError, TypeError, IndexError, KeyError) as exc:
            raise ScheduleInvalid(f"The {name.replace('_', ' ')} field {value!r} is not valid crontab: {exc}",
                                  extra={"field": "crontab"}) from exc
    try:
        schedule = crontab(**fields)
        if schedule.remaining_estimate(timezone.now()) is None:
            raise ValueError("never fires")
    except (ValueError, TypeError, RuntimeError) as exc:
        raise ScheduleInvalid(f"The crontab {expression!r} never fires: {exc}", extra={"field": "crontab"}) from exc
    return fields


def _tasks_of(project):
    from django_celery_beat.models import PeriodicTask

    return PeriodicTask.objects.filter(task=TASK_NAME, args=json.dumps([project.id])).order_by("id")


def _expression(cron) -> str:
    return " ".join(str(getattr(cron, f)) for f in FIELDS)


def schedule_view(task) -> ScheduleView:
    cron = task.crontab
    expression = _expression(cron) if cron else ""
    preset = next((name for name, expr in PRESETS.items() if expr == expression), "custom")
    next_run = None
    if cron is not None and task.enabled:
        now = timezone.now()
        # crontabs fire on whole minutes; the estimate is off by the microseconds spent computing it
        next_run = (now + cron.schedule.remaining_estimate(now) + timedelta(seconds=30)).replace(second=0,
                                                                                                 microsecond=0)
    return ScheduleView(crontab=expression, preset=preset, enabled=task.enabled, timezone=str(cron.timezone) if cron
                        else settings.TIME_ZONE, next_run_at=next_run, last_run_at=task.last_run_at,
                        total_run_count=task.total_run_count, name=task.name)


def training_schedule_get(*, project) -> ScheduleView | None:
    task = _tasks_of(project).exclude(crontab=None).select_related("crontab").first()
    return schedule_view(task) if task is not None else None


def training_schedule_set(*, project, user=None, crontab: str | None = None, preset: str | None = None,
                          enabled: bool = True) -> ScheduleView:
    """Create or replace the project's retraining schedule from a preset or a crontab expression."""
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    if preset is not None and crontab is not None:
        raise ScheduleInvalid("Give a preset or a crontab, not both.", extra={"field": "preset"})
    if preset is not None:
        if preset not in PRESETS:
            raise ScheduleInvalid(f"Unknown preset {preset!r}; use one of {', '.join(PRESETS)} or a crontab.",
                                  extra={"field": "preset"})
        crontab = PRESETS[preset]
    if crontab is None:
        raise ScheduleInvalid("A schedule needs a preset or a crontab.", extra={"field": "crontab"})
    fields = crontab_parse(crontab)
    with transaction.atomic():
        cron, _ = CrontabSchedule.objects.get_or_create(**fields, timezone=settings.TIME_ZONE)
        existing = list(_tasks_of(project).select_for_update())
        task = existing[0] if existing else None
        for extra in existing[1:]:
            extra.delete()
        if task is None:
            task = PeriodicTask(task=TASK_NAME, args=json.dumps([project.id]))
        task.name = f"feedback: retraining of {project.slug} (project {project.id})"
        task.crontab, task.interval, task.enabled = cron, None, bool(enabled)
        task.save()
        audit_record(user=user, project=project, action="training.schedule", obj=task,
                     details={"crontab": " ".join(fields.values()), "enabled": task.enabled})
    task.refresh_from_db()
    return schedule_view(task)


def training_schedule_delete(*, project, user=None) -> bool:
    """Remove the project's retraining schedule; False when it had none."""
    with transaction.atomic():
        tasks = list(_tasks_of(project))
        for task in tasks:
            task.delete()
        if tasks:
            audit_record(user=user, project=project, action="training.schedule.delete", obj=project, details={})
    return bool(tasks)
