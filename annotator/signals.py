"""Signals the ground floor sends so other apps can react without annotator importing them.

Both are sent inside the writing transaction (`send`, not `send_robust`): a receiver that writes records
(feedback's corrections) commits or rolls back together with the change it describes.
"""

from django.dispatch import Signal

# kwargs: annotation (Annotation, after the change), kind ("created" | "updated" | "deleted" | "restored" |
# "review_accept" | "review_reject" | "review_fix"), user, revision (the new AnnotationRevision),
# previous_geometry (GEOSGeometry before the change, None on create), previous_version (int | None).
annotation_changed = Signal()

# kwargs: task (Task, now submitted), user.
task_submitted = Signal()

# kwargs: task (Task, now leased to user), user. Sent after the lease commits (the annotator is about to open it):
# inference prefetches the task's windows so the first click finds its embedding.
task_leased = Signal()

# kwargs: project. Sent when a project's open tasks may need their uncertainty (re)computed: tasks were added, or
# the project switched "next task" to uncertainty order. inference scores them on a worker after the commit.
tasks_changed = Signal()

# kwargs: tag (Tag, after the change), kind ("created" | "updated" | "cleared" | "review_accept" | "review_reject" |
# "review_fix"), user, previous_values (list[str] before the change; [] on create). Sent inside the transaction.
tag_changed = Signal()
# kwargs: change (ChangeAnnotation, after the change), kind ("created" | "updated" | "deleted"), user, previous
# (before_geometry, after_geometry, label_class_id, version, before/after_proposal_id before the change; None on
# create). Sent inside the writing transaction, like annotation_changed.
change_annotation_changed = Signal()
