"""Review: reviewers accept, reject with a reason, or fix. Each is a versioned change with its own revision;
a fix changes the geometry/class and is announced as `annotation_changed(kind="review_fix")`, which the feedback
app counts as a correction of whatever produced the annotation."""

from django.db import transaction

from annotator.models import Annotation, AnnotationStatus, ReviewState, Task, TaskStatus
from annotator.permissions import require_annotation_review
from annotator.services.annotations import _apply, _changed, _locked, _version_check
from core.errors import Conflict, ValidationFailed

ACTIONS = ("accept", "reject", "fix")


def _task_reviewed_if_done(task_id: int | None) -> None:
    """A submitted task whose annotations are all reviewed becomes `reviewed`."""
    if task_id is None:
        return
    pending = Annotation.objects.filter(task_id=task_id, deleted=False, review_state=ReviewState.PENDING).exists()
    if not pending:
        Task.objects.filter(pk=task_id, status=TaskStatus.SUBMITTED).update(status=TaskStatus.REVIEWED)


@transaction.atomic
def annotation_review(*, annotation: Annotation, user, action: str, expected_version: int, reason: str = "",
                      geometry=None, label_class=None) -> Annotation:
    if action not in ACTIONS:
        raise ValidationFailed(f"Unknown review action {action!r}; use accept, reject or fix.")
    annotation = _locked(annotation)
    require_annotation_review(user=user, annotation=annotation)
    _version_check(annotation, expected_version)
    if annotation.deleted:
        raise Conflict(f"Annotation {annotation.id} is deleted.", extra={"reason": "deleted"})
    previous_geometry = annotation.geometry
    details: dict = {"action": action}
    if action == "accept":
        annotation.review_state, annotation.status = ReviewState.APPROVED, AnnotationStatus.ACCEPTED
    elif action == "reject":
        if not reason.strip():
            raise ValidationFailed("Rejecting needs a reason.", extra={"reason": "reason_required"})
        annotation.review_state, annotation.status = ReviewState.REJECTED, AnnotationStatus.REJECTED
    else:
        if geometry is None and label_class is None:
            raise ValidationFailed("A fix needs a geometry or a label class.")
        details.update(_apply(annotation, geometry=geometry, label_class=label_class))
        annotation.review_state, annotation.status = ReviewState.APPROVED, AnnotationStatus.ACCEPTED
    annotation.review_reason = reason
    annotation.version += 1
    annotation.save()
    _changed(annotation=annotation, user=user, kind=f"review_{action}", event="annotation.updated",
             reason=f"review {action}: {reason}".strip(" :"), previous_geometry=previous_geometry,
             previous_version=expected_version, details=details)
    _task_reviewed_if_done(annotation.task_id)
    return annotation
