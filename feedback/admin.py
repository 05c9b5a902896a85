"""Admin: corrections, training jobs (progress, log, train now, cancel, nightly schedule)."""

from django.contrib import admin, messages
from django.contrib.gis.admin import GISModelAdmin

from annotator.models import Project
from core.errors import GeoLoopError
from feedback import services
from feedback.models import Correction, TagCorrection, TrainingJob, TrainingStatus, Trigger
from feedback.selectors import version_comparison


@admin.register(Correction)
class CorrectionAdmin(GISModelAdmin):
    list_display = ["id", "project", "proposal", "annotation", "outcome", "source", "iou", "clicks_added",
                    "vertices_moved", "seconds_spent", "user", "created_at"]
    list_filter = ["project", "outcome", "source"]
    raw_id_fields = ["proposal", "annotation", "user"]


@admin.register(TagCorrection)
class TagCorrectionAdmin(admin.ModelAdmin):
    list_display = ["id", "project", "tag", "outcome", "source", "values_before", "values_after", "reason", "user",
                    "created_at"]
    list_filter = ["project", "outcome", "source"]
    raw_id_fields = ["tag", "user"]
    readonly_fields = [f.name for f in TagCorrection._meta.fields]


def _metric(job: TrainingJob, split: str, key: str):
    value = ((job.metrics or {}).get("candidate") or {}).get(split, {}).get(key)
    base = ((job.metrics or {}).get("baseline") or {}).get(split, {}).get(key)
    return "" if value is None else f"{base} → {value}"


@admin.register(TrainingJob)
class TrainingJobAdmin(admin.ModelAdmin):
    list_display = ["id", "project", "trigger", "status", "progress_text", "held_out_noc85", "held_out_miou1",
                    "held_out_ece", "gate", "result_model", "created_at", "finished_at"]
    list_filter = ["project", "status", "trigger"]
    readonly_fields = ["project", "base_model", "result_model", "trigger", "status", "progress", "metrics", "log",
                       "celery_task_id", "worker", "heartbeat_at", "created_by", "created_at", "started_at",
                       "finished_at", "comparison"]
    actions = ["cancel_jobs"]

    @admin.display(description="progress")
    def progress_text(self, job: TrainingJob) -> str:
        p = job.progress or {}
        if not p:
            return ""
        return (f"{p.get('phase', '')} {p.get('step', '')}/{p.get('total', '')} loss {p.get('loss', '')} "
                f"eta {p.get('eta_s', '')} s")

    @admin.display(description="held-out NoC@85 (base → new)")
    def held_out_noc85(self, job):
        return _metric(job, "held_out", "NoC@85")

    @admin.display(description="held-out mIoU@1")
    def held_out_miou1(self, job):
        return _metric(job, "held_out", "mIoU@1")

    @admin.display(description="held-out ECE")
    def held_out_ece(self, job):
        return _metric(job, "held_out", "ece_predicted_iou")

    @admin.display(description="gate")
    def gate(self, job):
        g = (job.metrics or {}).get("gate")
        return "" if not g else ("promote" if g.get("promote") else "refused") + ": " + "; ".join(g.get("reasons", []))

    @admin.display(description="model versions side by side")
    def comparison(self, job):
        rows = version_comparison(project=job.project)
        return "\n".join(f"#{r['id']} {r['name']} [{r['state']}{', in use' if r['in_use'] else ''}] held-out "
                         f"{r['held_out']} benchmark {r['benchmark']}" for r in rows)

    @admin.action(description="Cancel the selected jobs")
    def cancel_jobs(self, request, queryset):
        for job in queryset.filter(status__in=[TrainingStatus.QUEUED, TrainingStatus.RUNNING]):
            services.training_job_cancel(job=job, user=request.user)
        self.message_user(request, "Cancel requested.")


@admin.action(description="Train now (feedback)")
def train_now(modeladmin, request, queryset):
    for project in queryset:
        try:
            job = services.training_job_create(project=project, trigger=Trigger.MANUAL, user=request.user)
            modeladmin.message_user(request, f"{project.slug}: training job {job.id} queued.")
        except GeoLoopError as exc:
            modeladmin.message_user(request, f"{project.slug}: {exc.message}", level=messages.WARNING)


@admin.action(description="Schedule nightly retraining (02:00, django-celery-beat)")
def schedule_nightly(modeladmin, request, queryset):
    for project in queryset:
        task = services.training_schedule_nightly(project=project, user=request.user)
        modeladmin.message_user(request, f"{project.slug}: periodic task {task.name!r} scheduled.")


# The project admin belongs to annotator; feedback adds its actions to it without annotator knowing feedback.
_project_admin = admin.site._registry.get(Project)
if _project_admin is not None:
    _project_admin.actions = [*(_project_admin.actions or []), train_now, schedule_nightly]
