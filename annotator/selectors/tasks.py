"""Reads for tasks."""

from django.db.models import Count, Q, QuerySet

from annotator.models import Annotation, Project, Task, TaskStatus


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
