"""Review of change annotations (annotator/services/pairs.py): reviewers and admins accept one, reject it with a
reason, or fix it (new before/after geometries, a side given as null is emptied, and/or a new class), each a
versioned write (409 on a stale version). Announced as ``change_annotation_changed`` with kind ``review_accept``,
``review_reject`` or ``review_fix`` (the reason in ``change.review_reason``): the feedback app records what the
reviewer said about the sides a model made."""

from __future__ import annotations

from django.db import transaction

from annotator.models import ChangeAnnotation, ReviewState, Role
from annotator.permissions import require_role
from annotator.services.pairs import _UNSET, _changed, _label_class, _side, _snapshot
from core.errors import Conflict, NotFound, ValidationFailed

ACTIONS = ("accept", "reject", "fix")


def _fix(locked: ChangeAnnotation, *, before_geometry, after_geometry, label_class) -> None:
    if before_geometry is _UNSET and after_geometry is _UNSET and label_class is _UNSET:
        raise ValidationFailed("A fix needs a before geometry, an after geometry or a label class.",
                               extra={"reason": "nothing_to_fix"})
    pair = locked.pair
    if before_geometry is not _UNSET:
        locked.before_geometry, _ = _side(scene=pair.before, geometry=before_geometry)
        if before_geometry is None:
            locked.before_proposal_id = None
    if after_geometry is not _UNSET:
        locked.after_geometry, _ = _side(scene=pair.after, geometry=after_geometry)
        if after_geometry is None:
            locked.after_proposal_id = None
    if label_class is not _UNSET:
        locked.label_class = _label_class(project=pair.project, label_class=label_class)
    if locked.before_geometry is None and locked.after_geometry is None:
        raise ValidationFailed("A change needs a before geometry, an after geometry or both.",
                               extra={"reason": "no_geometry"})


@transaction.atomic
def change_review(*, change: ChangeAnnotation, user, action: str, expected_version: int, reason: str = "",
                  before_geometry=_UNSET, after_geometry=_UNSET, label_class=_UNSET) -> ChangeAnnotation:
    if action not in ACTIONS:
        raise ValidationFailed(f"Unknown review action {action!r}; use accept, reject or fix.",
                               extra={"reason": "unknown_action"})
    locked = ChangeAnnotation.objects.select_for_update(of=("self",)) \
        .select_related("pair__before", "pair__after", "project") \
        .filter(pk=change.pk).first()
    if locked is None or locked.deleted:
        raise NotFound("No such change annotation.")
    require_role(user=user, project=locked.project, role=Role.REVIEWER)
    if locked.version != expected_version:
        raise Conflict(f"The change annotation changed meanwhile (now version {locked.version}).",
                       extra={"reason": "stale_version", "current_version": locked.version})
    previous = _snapshot(locked)
    reason = reason.strip()
    if action == "accept":
        locked.review_state = ReviewState.APPROVED
    elif action == "reject":
        if not reason:
            raise ValidationFailed("Rejecting needs a reason.", extra={"reason": "reason_required"})
        locked.review_state = ReviewState.REJECTED
    else:
        _fix(locked, before_geometry=before_geometry, after_geometry=after_geometry, label_class=label_class)
        locked.review_state = ReviewState.APPROVED
    locked.review_reason = reason
    locked.version += 1
    locked.save()
    _changed(change=locked, user=user, kind=f"review_{action}", previous=previous)
    return locked
