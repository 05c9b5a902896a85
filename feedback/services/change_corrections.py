"""Feedback from change annotations (annotator.services.pairs): a side (before or after geometry) taken from a
model answer is an outcome of that answer, like an annotation made from a proposal.

- created with a side from a proposal: ``accepted`` when the geometry is the proposal's, else ``edited``
  (source ``change``);
- that side edited later: ``edited`` (source ``change_edit``); emptied, or the change deleted: ``deleted``
  (source ``change_delete``).
- a reviewer's verdict (source ``review``): a rejection is ``rejected``, with the reason, for every side a model made;
  a fix is ``edited`` for a model-made side the reviewer moved and ``rejected`` for one the reviewer emptied; an
  acceptance records nothing more (the side's outcome was recorded when it was taken).
A side drawn by hand has no model answer to learn from and records nothing. Runs inside the writing transaction
(receiver of ``annotator.signals.change_annotation_changed``)."""

from __future__ import annotations

from feedback.models import Outcome
from feedback.services.corrections import correction_record
from inference.models import MaskProposal

# Taken "as is" when the side differs from the answer by less than this share of their union: the annotation's
# geometry checks (repair, ring order, clip to the footprint) rewrite coordinates without moving the outline.
SAME_SHARE = 1e-6


def _same(a, b) -> bool:
    if a is None or b is None:
        return False
    union = a.union(b).area
    return union > 0 and a.sym_difference(b).area <= SAME_SHARE * union


def _record(*, proposal_id: int | None, outcome: str, source: str, user, geometry, reason: str = "") -> None:
    if proposal_id is None:
        return
    proposal = MaskProposal.objects.select_related("scene").filter(pk=proposal_id).first()
    if proposal is None:
        return
    correction_record(proposal=proposal, outcome=outcome, user=user, source=source,
                      final_geometry=None if outcome in (Outcome.DELETED, Outcome.REJECTED) else geometry,
                      reason=reason)


def _reviewed(*, change, kind: str, user, previous: dict) -> None:
    for side in ("before", "after"):
        proposal_id = previous.get(f"{side}_proposal_id")
        old, geometry = previous.get(f"{side}_geometry"), getattr(change, f"{side}_geometry")
        if old is None:
            continue
        if kind == "review_reject":
            _record(proposal_id=proposal_id, outcome=Outcome.REJECTED, source="review", user=user, geometry=None,
                    reason=change.review_reason)
        elif kind == "review_fix" and geometry is None:
            _record(proposal_id=proposal_id, outcome=Outcome.REJECTED, source="review", user=user, geometry=None)
        elif kind == "review_fix" and not _same(old, geometry):
            _record(proposal_id=proposal_id, outcome=Outcome.EDITED, source="review", user=user, geometry=geometry)


def on_change_annotation_changed(sender, *, change, kind: str, user, previous: dict | None, **kwargs) -> None:
    if kind.startswith("review_"):
        _reviewed(change=change, kind=kind, user=user, previous=previous or {})
        return
    for side in ("before", "after"):
        proposal_id = getattr(change, f"{side}_proposal_id")
        geometry = getattr(change, f"{side}_geometry")
        if kind == "created":
            if proposal_id is not None and geometry is not None:
                proposal = MaskProposal.objects.filter(pk=proposal_id).only("geometry").first()
                outcome = Outcome.ACCEPTED if proposal is not None and _same(proposal.geometry, geometry) \
                    else Outcome.EDITED
                _record(proposal_id=proposal_id, outcome=outcome, source="change", user=user, geometry=geometry)
            continue
        old = (previous or {}).get(f"{side}_geometry")
        if kind == "deleted":
            _record(proposal_id=proposal_id, outcome=Outcome.DELETED, source="change_delete", user=user,
                    geometry=None)
        elif geometry is None and old is not None:  # the side was emptied (the update cleared its proposal)
            _record(proposal_id=(previous or {}).get(f"{side}_proposal_id"), outcome=Outcome.DELETED,
                    source="change_delete", user=user, geometry=None)
        elif old is not None and not _same(old, geometry):
            _record(proposal_id=proposal_id, outcome=Outcome.EDITED, source="change_edit", user=user,
                    geometry=geometry)
