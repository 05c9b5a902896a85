"""Reads for tasks."""

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from annotator.models import Annotation, Project, Task, TaskStatus


def tasks_free_q(now) -> Q:
    """Tasks nobody holds: new, or in progress with an expired lease."""
    return Q(status=TaskStatus.NEW) | Q(status=TaskStatus.IN_PROGRESS, lease_expires_at__lt=now)


def tasks_free_order(project: Project) -> tuple:
    """The order "next task" leases free tasks in (after annotating them with ``mine``: 0 for the caller's own)."""
    if (project.settings or {}).get("task_order") == "uncertainty":
        return ("mine", F("uncertainty").desc(nulls_last=True), "id")
    return ("mine", "id")


def tasks_upcoming(*, project: Project, user, exclude: list[int] | tuple[int, ...] = (), limit: int = 1) -> list[Task]:
    """The tasks ``user`` will be given next by "next task" (annotator.services.tasks.task_next), in that order,
    without ``exclude`` (the task they hold now): their own assigned ones first, then the pool, as the project's
    ``task_order`` says. A read without locks: another annotator may take one first."""
    user_id = getattr(user, "pk", user)
    return list(Task.objects.filter(project=project).filter(tasks_free_q(timezone.now()))
                .filter(Q(assignee_id=user_id) | Q(assignee__isnull=True)).exclude(pk__in=list(exclude))
                .annotate(mine=Case(When(assignee_id=user_id, then=Value(0)), default=Value(1),
                                    output_field=IntegerField()))
                .order_by(*tasks_free_order(project)).select_related("scene")[:max(0, limit)])


def annotators_working() -> int:
    """How many people hold a live task lease right now (anywhere): they share the embedding cache."""
    return (Task.objects.filter(status=TaskStatus.IN_PROGRESS, lease_expires_at__gte=timezone.now())
            .values("lease_holder_id").distinct().count())


def task_get(*, task_id: int) -> Task | None:
    return Task.objects.select_related("project").filter(pk=task_id).first()


def tasks_held(*, user) -> QuerySet[Task]:
    """Tasks whose lease the user holds: in progress with the user as holder. As for a heartbeat, a lease past its
    expiry still counts until someone else takes the task (then the holder changes)."""
    return Task.objects.filter(status=TaskStatus.IN_PROGRESS, lease_holder_id=user.pk)


def task_held_covers(*, user, annotation: Annotation) -> bool:
    """Whether the annotation lies inside a task the user holds: its own task when it has one, else a held task on
    its scene whose area its geometry intersects (pre-labels and imports carry no task)."""
    held = tasks_held(user=user)
    if annotation.task_id is not None:
        return held.filter(pk=annotation.task_id).exists()
    return held.filter(scene_id=annotation.scene_id, area__intersects=annotation.geometry).exists()


def task_list(*, project: Project, scene_id: int | None = None, status: str | None = None,
              assignee_id: int | None = None) -> QuerySet[Task]:
    tasks = Task.objects.filter(project=project)
    if scene_id is not None:
        tasks = tasks.filter(scene_id=scene_id)
    if status:
        tasks = tasks.filter(status=status)
    if assignee_id is not None:
        tasks = tasks.filter(assignee_id=assignee_id)
    return (tasks.select_related("assignee", "lease_holder")
            .annotate(annotation_count=Count("annotations", filter=Q(annotations__deleted=False)))
            .order_by("id"))
