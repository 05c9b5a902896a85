from django.apps import AppConfig


class InferenceConfig(AppConfig):
    name = "inference"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from annotator.signals import task_leased
        from inference.services.prefetch import on_task_leased

        task_leased.connect(on_task_leased, dispatch_uid="inference.on_task_leased")
