"""Tag corrections: what humans changed on a tag after it was first set, and review rejections.

The tag counterpart of the corrections of annotations that no proposal made (feedback on the data): an edit, a
clearing, a reviewer's fix and a reviewer's rejection each become one ``TagCorrection`` with who, when, the values
before and after and the reason. They arrive through ``annotator.signals.tag_changed`` inside the annotator's
transaction, so the change and its record commit together. Setting a tag the first time and a reviewer's approval
as is are not corrections.
"""

from __future__ import annotations

from annotator.models import Tag
from feedback.models import Outcome, TagCorrection

_CORRECTIONS = {
    "updated": (Outcome.EDITED, "edit"),
    "cleared": (Outcome.DELETED, "clear"),
    "review_fix": (Outcome.EDITED, "review"),
    "review_reject": (Outcome.REJECTED, "review"),
}


def tag_correction_record(*, tag: Tag, outcome: str, source: str, user, values_before: list[str],
                          values_after: list[str], reason: str = "") -> TagCorrection:
    return TagCorrection.objects.create(
        project_id=tag.project_id, tag=tag, outcome=outcome, source=source, values_before=list(values_before),
        values_after=list(values_after), reason=reason,
        user=user if getattr(user, "is_authenticated", False) else None)


def on_tag_changed(sender, *, tag: Tag, kind: str, user, previous_values: list[str], **kwargs):
    """Receiver of ``annotator.signals.tag_changed``."""
    if kind not in _CORRECTIONS:
        return
    if kind == "review_fix" and list(previous_values) == list(tag.values):
        return  # the reviewer kept the values: an approval
    outcome, source = _CORRECTIONS[kind]
    tag_correction_record(tag=tag, outcome=outcome, source=source, user=user, values_before=previous_values,
                          values_after=list(tag.values), reason=tag.review_reason if kind == "review_reject" else "")
