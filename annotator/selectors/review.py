"""The review queue.

Order: predicted quality ascending with NULLS LAST, then oldest first (created_at, id).
Why nulls last: `predicted_quality` is the calibrated quality of the proposal the annotation came from — the
expected IoU between the model's answer and what annotators of this project keep (inference.calibration, refitted
from the project's outcomes by feedback.services.calibration), a probability rather than the model's raw figure;
the lowest values are the likeliest errors and where a reviewer's minute is worth most. An annotation without one
was drawn or imported by a person (or by a model that gave no estimate): a human already looked at it, so it ranks
after every model output that is doubted, and among those the oldest goes first so nothing starves. The order also
matches the partial index `review_queue_idx (project, review_state, predicted_quality, created_at) WHERE NOT
deleted`, whose default ASC order puts NULLs last, so the queue is read off the index without a sort.

What is queued: not deleted, review pending, not a draft, and either outside any task or in a task that was
submitted (an annotator still working a task is not interrupted by reviews of half-done work).
"""

from django.db.models import F, Q, QuerySet

from annotator.models import Annotation, AnnotationStatus, Project, ReviewState, TaskStatus


def review_queue(*, project: Project, scene_id: int | None = None) -> QuerySet[Annotation]:
    rows = (Annotation.objects.filter(project=project, deleted=False, review_state=ReviewState.PENDING)
            .exclude(status=AnnotationStatus.DRAFT)
            .filter(Q(task__isnull=True) | Q(task__status__in=[TaskStatus.SUBMITTED, TaskStatus.REVIEWED])))
    if scene_id is not None:
        rows = rows.filter(scene_id=scene_id)
    return (rows.select_related("label_class")
            .order_by(F("predicted_quality").asc(nulls_last=True), "created_at", "id"))
