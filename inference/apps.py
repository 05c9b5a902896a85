from django.apps import AppConfig


class InferenceConfig(AppConfig):
    name = "inference"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from annotator.signals import task_leased, tasks_changed
        from inference.services.prefetch import on_task_leased, on_tasks_changed
        from inference.services.uncertainty import on_tasks_need_scoring

        task_leased.connect(on_task_leased, dispatch_uid="inference.on_task_leased")
        tasks_changed.connect(on_tasks_need_scoring, dispatch_uid="inference.on_tasks_need_scoring")
        tasks_changed.connect(on_tasks_changed, dispatch_uid="inference.on_tasks_changed")
