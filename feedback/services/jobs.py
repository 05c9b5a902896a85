"""Training jobs: create (never two open per project), run (dataset -> fine-tune -> checkpoint -> candidate
version -> evaluation -> gate), progress, cancel, and the crash paths (a job never stays "running" without a live
task).

Fine-tuned weights
------------------
A job writes the FULL SAM state dict (the base model's weights with ``mask_decoder.*`` replaced) with
``torch.save`` to ``MEDIA_ROOT/checkpoints/<sha256>.pt``, stored in media storage under ``checkpoints/<sha256>.pt``
(annotator.media: the same file locally, the media bucket with s3). The new ``ModelVersion`` stores
``media:checkpoints/<sha256>.pt`` (any machine fetches it: inference.services.registry.checkpoint_resolve) and
sha256, the parent's architecture, and the parent's ``encoder_sha256`` (the encoder is byte-identical, checked).
The inference side loads it exactly like the base model:
``inference.services.registry.model_load(mv)`` (``checkpoint_resolve`` gives the local file);
embeddings cached for the parent's ``encoder_sha256`` stay valid.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import traceback
import uuid
from pathlib import Path

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.utils import timezone

from annotator.audit import audit_record
from annotator.media import media_put_file
from annotator.services.jobs import Liveness, heartbeat_stale_s, job_heartbeat, job_task_send, liveness
from core.errors import Conflict, ValidationFailed
from feedback.models import TrainingJob, TrainingStatus, Trigger
from feedback.selectors import active_model_version, feedback_settings, open_training_job
from inference.models import ModelState, ModelVersion
from inference.services.registry import checkpoint_media_ref

log = logging.getLogger(__name__)

TRAIN_PARAMETER_KEYS = ("steps", "lr", "max_clicks", "seed", "iou_weight", "rank_weight", "weight_decay")


def training_group(project_id: int) -> str:
    """Channels group that hears a project's training progress."""
    return f"project-{project_id}-training"


def _push(job: TrainingJob, event: str) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    payload = {"job": job.id, "status": job.status, "progress": job.progress, "result_model": job.result_model_id}
    try:
        async_to_sync(layer.group_send)(training_group(job.project_id),
                                        {"type": "training.event", "event": event, "payload": payload})
    except Exception:  # progress is best effort; the job's own record is the truth
        log.warning("could not push %s for job %s", event, job.id, exc_info=True)


def _log_append(job_id: int, line: str) -> None:
    stamp = timezone.now().strftime("%Y-%m-%d %H:%M:%S")
    TrainingJob.objects.filter(pk=job_id).update(log=Concat(F("log"), Value(f"{stamp} {line}\n")))


# ------------------------------------------------------------------------------------------------ create / cancel


def training_job_create(*, project, trigger: str = Trigger.MANUAL, user=None, parameters: dict | None = None,
                        enqueue: bool = True) -> TrainingJob:
    """A queued job on the project's active version; enqueued on queue ``train`` after commit.

    Raises Conflict (409) when the project already has a queued or running job, or has no model to start from.
    """
    if trigger not in Trigger.values:
        raise ValidationFailed(f"Unknown trigger {trigger!r}.")
    params = dict(parameters or {})
    base = active_model_version(project=project)
    if base is None:
        raise Conflict("No active model version to fine-tune: register and activate a base model first.")
    existing = open_training_job(project=project)
    if existing is not None:
        raise Conflict(f"Project {project.slug} already has training job {existing.id} ({existing.status}).",
                       extra={"job": existing.id})
    try:
        with transaction.atomic():
            job = TrainingJob.objects.create(
                project=project, base_model=base, parameters=params, trigger=trigger,
                celery_task_id=str(uuid.uuid4()),
                created_by=user if getattr(user, "is_authenticated", False) else None,
            )
    except IntegrityError as exc:
        existing = open_training_job(project=project)
        raise Conflict(f"Project {project.slug} already has an open training job.",
                       extra={"job": existing.id if existing else None}) from exc
    _log_append(job.id, f"created ({trigger}) on base version {base.id} {base.name}")
    audit_record(user=user, project=project, action="training_job.create", obj=job, details={"trigger": trigger})
    if enqueue:
        transaction.on_commit(lambda: _enqueue(job))
    return job


def _enqueue(job: TrainingJob) -> None:
    job_task_send("feedback.train_model", args=[job.id], task_id=job.celery_task_id)


def training_job_cancel(*, job: TrainingJob, user=None) -> TrainingJob:
    """Queued: cancelled at once. Running: asked to stop; the worker stops between steps. Finished: 409."""
    with transaction.atomic():
        job = TrainingJob.objects.select_for_update().get(pk=job.pk)
        if job.status == TrainingStatus.QUEUED:
            job.status = TrainingStatus.CANCELLED
            job.finished_at = timezone.now()
            job.save(update_fields=["status", "finished_at"])
        elif job.status == TrainingStatus.RUNNING:
            job.cancel_requested = True
            job.save(update_fields=["cancel_requested"])
        else:
            raise Conflict(f"Training job {job.id} is {job.status}; nothing to cancel.")
        audit_record(user=user, project=job.project, action="training_job.cancel", obj=job, details={})
    _log_append(job.id, f"cancel requested by {getattr(user, 'username', 'system')}")
    if job.status == TrainingStatus.CANCELLED:
        from celery import current_app as app

        app.control.revoke(job.celery_task_id)
        _push(job, "training.cancelled")
    return job


def training_job_fail(*, job_id: int | None = None, task_id: str | None = None, reason: str) -> bool:
    """Mark a queued/running job failed with ``reason`` appended to its log (crash handlers, the reaper)."""
    qs = TrainingJob.objects.filter(status__in=[TrainingStatus.QUEUED, TrainingStatus.RUNNING])
    qs = qs.filter(pk=job_id) if job_id is not None else qs.filter(celery_task_id=task_id)
    job = qs.first()
    if job is None:
        return False
    _log_append(job.id, f"FAILED: {reason}")
    updated = qs.filter(pk=job.pk).update(status=TrainingStatus.FAILED, finished_at=timezone.now())
    if updated:
        job.refresh_from_db()
        _push(job, "training.failed")
    return bool(updated)


def training_job_task_failed(task_id: str, reason: str) -> bool:
    """The worker reported the training task failed (a killed pool child: WorkerLostError; a hard time limit)."""
    return training_job_fail(task_id=task_id, reason=reason)


def training_jobs_reap(*, project=None, exclude_task_id: str | None = None,
                       alive: Liveness | None = None) -> list[int]:
    """Fail running jobs whose worker is gone and queued jobs no worker started within JOB_QUEUED_MAX_S (the
    liveness rule shared by every job kind: annotator.services.jobs). Returns the ids of the jobs failed."""
    qs = TrainingJob.objects.filter(status__in=[TrainingStatus.QUEUED, TrainingStatus.RUNNING])
    if project is not None:
        qs = qs.filter(project=project)
    if exclude_task_id:
        qs = qs.exclude(celery_task_id=exclude_task_id)
    if project is None:
        _checkpoint_leftovers_remove()
    open_jobs = list(qs)
    if not open_jobs:
        return []
    alive = alive or liveness()
    reaped = []
    for job in open_jobs:
        if job.status == TrainingStatus.RUNNING:
            why = alive.verdict(task_id=job.celery_task_id, heartbeat_at=job.heartbeat_at or job.started_at)
        else:
            why = alive.never_started(task_id=job.celery_task_id, queued_since=job.created_at, queue="train")
        if why and training_job_fail(job_id=job.id, reason=why):
            reaped.append(job.id)
    return reaped


def _checkpoint_leftovers_remove() -> list[Path]:
    """Remove partial checkpoints (``checkpoints/.ckpt-*.part``, see feedback.training.save_checkpoint) that a killed
    job left: a live one is being written or hashed, so one unchanged for JOB_HEARTBEAT_STALE_S has no writer."""
    stale = heartbeat_stale_s()
    removed = []
    for path in (Path(settings.MEDIA_ROOT) / "checkpoints").glob(".ckpt-*.part"):
        try:
            if time.time() - path.stat().st_mtime > stale:
                path.unlink(missing_ok=True)
                removed.append(path)
        except OSError:
            continue
    return removed


def training_schedule_nightly(*, project, hour: int = 2, minute: int = 0, user=None):
    """The project's retraining schedule set to every day at ``hour:minute`` (see :mod:`.schedules`); returns the
    django-celery-beat PeriodicTask."""
    from feedback.services.schedules import _tasks_of, training_schedule_set

    training_schedule_set(project=project, user=user, crontab=f"{int(minute)} {int(hour)} * * *")
    return _tasks_of(project).first()


# ------------------------------------------------------------------------------------------------ run


CURVE_POINTS = 300  # loss-curve points kept in a job's progress (older ones thinned, the shape kept)


class _Reporter:
    """Throttled progress: DB row (progress, heartbeat) and Channels push at most every ``every_s`` seconds.

    ``progress`` keeps the training counters at its top level (``step``, ``total``, ``loss``, ``eta_s``... of the
    fine-tune, as ever) plus ``phase`` and ``current``, the current phase's own ``{"step", "total", "eta_s",
    "figure": {"name", "value"}}`` (and ``split``/``model`` while evaluating), so every phase shows its steps, ETA
    and figure. ``curve`` is the loss curve so far as ``[[step, loss], ...]``, thinned to at most CURVE_POINTS
    points by dropping every other one, so a screen opened mid-run draws the whole run."""

    CURRENT_KEYS = ("step", "total", "eta_s", "figure", "split", "model")

    def __init__(self, job: TrainingJob, every_s: float = 1.0, *, train_total: int | None = None):
        self.job = job
        self.every_s = every_s
        self.last = 0.0
        self.last_cancel_check = 0.0
        self.cancel = False
        self.curve: list[list[float]] = []
        self.curve_stride = 1
        self.phase_started = time.monotonic()
        self.phase = None
        if train_total is not None:
            self.job.progress = {**(self.job.progress or {}), "step": 0, "total": int(train_total)}

    def _record_loss(self, info: dict) -> None:
        step, loss = info.get("step"), info.get("loss")
        if step is None or loss is None or step % self.curve_stride:
            return
        self.curve.append([int(step), float(loss)])
        if len(self.curve) > CURVE_POINTS:
            self.curve_stride *= 2
            self.curve = [p for p in self.curve if p[0] % self.curve_stride == 0]

    def progress(self, info: dict, *, force: bool = False) -> None:
        phase = info.get("phase", self.phase)
        if phase != self.phase:
            self.phase, self.phase_started = phase, time.monotonic()
            force = True
        current = {k: info[k] for k in self.CURRENT_KEYS if k in info}
        update: dict = {"phase": phase}
        if phase == "train":
            self._record_loss(info)
            update.update({k: v for k, v in info.items() if k not in ("figure", "split", "model")})
            update["curve"] = self.curve
            current["figure"] = {"name": "loss (mean of last 10)", "value": info.get("loss_avg10", info.get("loss"))}
        elif "eta_s" not in current and current.get("step") and current.get("total"):
            elapsed = time.monotonic() - self.phase_started
            current["eta_s"] = round(elapsed / current["step"] * (current["total"] - current["step"]), 1)
        update["current"] = current
        now = time.monotonic()
        if not force and now - self.last < self.every_s and current.get("step") != current.get("total"):
            return
        self.last = now
        self.job.progress = {**self.job.progress, **update}
        TrainingJob.objects.filter(pk=self.job.pk).update(progress=self.job.progress, heartbeat_at=timezone.now())
        _push(self.job, "training.progress")

    def should_cancel(self) -> bool:
        now = time.monotonic()
        if now - self.last_cancel_check >= self.every_s:
            self.last_cancel_check = now
            self.cancel = TrainingJob.objects.filter(pk=self.job.pk, cancel_requested=True).exists()
        return self.cancel


def _start(job_id: int, task_id: str | None) -> TrainingJob | None:
    """Claim a queued job; a redelivered job that was already running (its worker died) is failed instead."""
    with transaction.atomic():
        job = TrainingJob.objects.select_for_update().select_related("project", "base_model").get(pk=job_id)
        if job.status == TrainingStatus.RUNNING:
            redelivered = True
        elif job.status != TrainingStatus.QUEUED:
            return None
        else:
            redelivered = False
            if job.cancel_requested:
                job.status = TrainingStatus.CANCELLED
                job.finished_at = timezone.now()
                job.save(update_fields=["status", "finished_at"])
                return None
            job.status = TrainingStatus.RUNNING
            job.started_at = job.heartbeat_at = timezone.now()
            job.worker = {"hostname": socket.gethostname(), "pid": os.getpid()}
            if task_id:
                job.celery_task_id = task_id
            job.save(update_fields=["status", "started_at", "heartbeat_at", "worker", "celery_task_id"])
    if redelivered:
        training_job_fail(job_id=job_id, reason="the task was delivered again after its worker died; not re-run")
        return None
    return job


def training_job_run(*, job_id: int, task_id: str | None = None) -> TrainingJob | None:
    """The real work of a job (called by the ``feedback.train_model`` task, or in-process by benchmarks)."""
    project_job = TrainingJob.objects.filter(pk=job_id).select_related("project").first()
    if project_job is None:
        return None
    training_jobs_reap(project=project_job.project, exclude_task_id=task_id)
    job = _start(job_id, task_id)
    if job is None:
        return TrainingJob.objects.get(pk=job_id)
    _log_append(job.id, f"started on {job.worker.get('hostname')} pid {job.worker.get('pid')}")
    _push(job, "training.started")
    try:
        with job_heartbeat(model=TrainingJob, pk=job.id):
            _run(job)
    except Exception as exc:  # any failure ends the job failed, with its traceback in the log
        log.exception("training job %s failed", job.id)
        _log_append(job.id, traceback.format_exc()[-4000:])
        training_job_fail(job_id=job.id, reason=f"{type(exc).__name__}: {exc}")
    return TrainingJob.objects.get(pk=job.id)


def _run(job: TrainingJob) -> None:
    from feedback.dataset import benchmark_eval_objects, training_set_build
    from feedback.evaluation_gate import evaluate_objects, gate_decide
    from feedback.selectors import evaluation_object_locator
    from feedback.services.versions import model_version_promote
    from feedback.training import finetune_decoder, full_state_with_decoder, save_checkpoint, torch_threads_set
    from inference.sam import build_model, encoder_sha256
    from inference.services.registry import model_load, model_version_encoder

    project = job.project
    cfg = feedback_settings(project)
    # every core (the train worker is started niced, so prompts, encodes and tiles go first and training takes
    # what they leave): 0.97 s per step on both cores here against 1.6 s on one
    torch_threads_set(settings.GEOLOOP_TRAIN_TORCH_THREADS or os.cpu_count() or 1)
    params = {**{k[len("train_"):]: cfg[k] for k in ("train_steps", "train_lr", "train_max_clicks",
                                                          "train_iou_weight", "train_rank_weight")},
              **job.parameters}
    reporter = _Reporter(job, train_total=int(params["steps"]))
    reporter.progress({"phase": "dataset", "step": 0, "total": 0, "eta_s": None,
                       "figure": {"name": "loading the base model", "value": None}}, force=True)
    base_mv = job.base_model
    base = model_load(base_mv)
    enc_key = model_version_encoder(base_mv)  # the embedding cache key the candidate will share

    reporter.progress({"phase": "dataset", "step": 0, "total": 0, "eta_s": None,
                       "figure": {"name": "objects read", "value": 0}}, force=True)
    t0 = time.perf_counter()
    data = training_set_build(
        project=project, model=base, encoder_key=enc_key, max_objects=params.get("max_objects"),
        progress_cb=lambda info: reporter.progress({
            "phase": "dataset", "step": info["step"], "total": info["total"],
            "figure": {"name": "objects read", "value": info["objects"]}}))
    seconds = {"dataset": round(time.perf_counter() - t0, 2)}
    _log_append(job.id, f"dataset in {seconds['dataset']:.1f} s: {data.counts}")
    if data.split.get("shortfall"):
        _log_append(job.id, data.split["shortfall"]["message"])
    if not data.train:
        raise ValidationFailed("no training data: no corrections or reviewed annotations outside held-out blocks")

    train_kwargs = {k: params[k] for k in TRAIN_PARAMETER_KEYS if k in params}
    reporter.progress({"phase": "train", "step": 0, "total": int(params["steps"]), "eta_s": None}, force=True)
    result = finetune_decoder(base, data.train, progress_cb=lambda info: reporter.progress({"phase": "train", **info}),
                              should_cancel=reporter.should_cancel, **train_kwargs)
    seconds["train"] = round(result.seconds, 2)
    _log_append(job.id, f"fine-tuned {result.steps_done} steps in {result.seconds:.1f} s; probe loss "
                        f"{result.probe_loss_before:.4f} -> {result.probe_loss_after:.4f}")
    if result.cancelled:
        TrainingJob.objects.filter(pk=job.pk).update(status=TrainingStatus.CANCELLED, finished_at=timezone.now())
        job.refresh_from_db()
        _log_append(job.id, "cancelled")
        _push(job, "training.cancelled")
        return

    path, sha = save_checkpoint(full_state_with_decoder(base, result.decoder_state),
                                Path(settings.MEDIA_ROOT) / "checkpoints")
    candidate_model = build_model(base_mv.architecture, path, expected_sha256=sha)
    stored = checkpoint_media_ref(f"checkpoints/{path.name}")
    media_put_file(f"checkpoints/{path.name}", path, move=True)  # locally already in place
    if encoder_sha256(candidate_model) != enc_key:
        raise RuntimeError("the image encoder changed during a decoder fine-tune; refusing the checkpoint")
    mv = ModelVersion.objects.create(
        name=f"{project.slug} ft job {job.id}", architecture=base_mv.architecture, checkpoint_path=stored,
        checkpoint_sha256=sha, encoder_sha256=enc_key, parent=base_mv, project=project, training_job_id=job.id,
        state=ModelState.CANDIDATE,
        metrics={"training": {"seconds": round(result.seconds, 2), "steps": result.steps_done,
                              "loss_first10": _mean(result.losses[:10]), "loss_last10": _mean(result.losses[-10:]),
                              "probe_loss_before": result.probe_loss_before,
                              "probe_loss_after": result.probe_loss_after, "dataset": data.counts}},
    )
    TrainingJob.objects.filter(pk=job.pk).update(result_model=mv)
    job.result_model = mv
    _log_append(job.id, f"checkpoint {path} sha256 {sha}; candidate version {mv.id}")

    reporter.progress({"phase": "evaluate", "step": 0, "total": 0, "eta_s": None, "figure": None}, force=True)
    sets = {"held_out": data.held_out}
    if params.get("benchmark", cfg["gate_benchmark"]):
        sets["benchmark"] = benchmark_eval_objects(model=base, encoder_key=enc_key,
                                                   limit=params.get("benchmark_objects"))
    max_clicks = int(params.get("eval_max_clicks", cfg["eval_max_clicks"]))
    t0 = time.perf_counter()
    locate = evaluation_object_locator(project=project)
    total = 2 * sum(len(objects) for objects in sets.values())

    def evaluated(split: str, which: str, done: int):
        def cb(n: int, _total: int, results) -> None:
            noc = sum(r.noc(0.85) for r in results) / len(results)
            reporter.progress({"phase": "evaluate", "step": done + n, "total": total, "split": split, "model": which,
                               "figure": {"name": f"{split} NoC@85 ({which}, so far)", "value": round(noc, 3)}})
        return cb

    try:
        cand_metrics, base_metrics = _evaluate_sets(sets, candidate_model, base, evaluate_objects, max_clicks,
                                                    reporter, evaluated, locate)
    except InterruptedError:
        TrainingJob.objects.filter(pk=job.pk).update(status=TrainingStatus.CANCELLED, finished_at=timezone.now())
        job.refresh_from_db()
        _log_append(job.id, "cancelled during evaluation")
        _push(job, "training.cancelled")
        return
    decision = gate_decide(candidate=cand_metrics, baseline=base_metrics,
                           tolerance_iou=float(cfg["gate_tolerance_iou"]),
                           tolerance_clicks=float(cfg["gate_tolerance_clicks"]),
                           alpha=float(cfg["gate_alpha"]), split=data.split)
    _log_append(job.id, f"evaluated in {time.perf_counter() - t0:.1f} s; gate: {'; '.join(decision.reasons)}")
    mv.metrics = {**mv.metrics, **cand_metrics, "baseline": {"version": base_mv.id, **base_metrics},
                  "gate": decision.as_dict()}
    mv.save(update_fields=["metrics"])
    promoted = False
    if decision.promote and cfg["auto_promote"]:
        model_version_promote(version=mv, user=None)
        promoted = True
        _log_append(job.id, f"promoted version {mv.id} automatically (project auto_promote)")
    TrainingJob.objects.filter(pk=job.pk).update(
        status=TrainingStatus.SUCCEEDED, finished_at=timezone.now(),
        metrics={"candidate": _without_objects(cand_metrics), "baseline": _without_objects(base_metrics),
                 "gate": decision.as_dict(),
                 "promoted": promoted, "train_seconds": round(result.seconds, 2), "dataset": data.counts,
                 "split": data.split, "seconds": {**seconds, "evaluate": round(time.perf_counter() - t0, 2)}},
    )
    job.refresh_from_db()
    _push(job, "training.succeeded")


def _evaluate_sets(sets, candidate_model, base, evaluate_objects, max_clicks, reporter, evaluated, locate):
    """Candidate then base on each split's objects (the same objects for both), reporting progress per object.
    The base's per-object results are kept under ``MEDIA_ROOT/evaluations`` (the benchmark and held-out objects
    it was already scored on are not clicked through again)."""
    from feedback.evaluation_gate import ResultCache

    cache = ResultCache(Path(settings.MEDIA_ROOT) / "evaluations")
    cand_metrics, base_metrics = {}, {}
    done = 0
    for split, objects in sets.items():
        c = evaluate_objects(candidate_model, objects, max_clicks=max_clicks, should_cancel=reporter.should_cancel,
                             progress_cb=evaluated(split, "candidate", done), locate=locate)
        done += len(objects)
        b = evaluate_objects(base, objects, max_clicks=max_clicks, should_cancel=reporter.should_cancel,
                             progress_cb=evaluated(split, "base", done), locate=locate, cache=cache)
        done += len(objects)
        if c is not None:
            cand_metrics[split], base_metrics[split] = c, b
    return cand_metrics, base_metrics


def _without_objects(metrics: dict) -> dict:
    """A job's own metrics keep the figures; the per-object rows live on the version (shown by comparisons)."""
    return {split: {k: v for k, v in part.items() if k != "objects"} for split, part in metrics.items()}


def _mean(values) -> float | None:
    return round(sum(values) / len(values), 5) if values else None
