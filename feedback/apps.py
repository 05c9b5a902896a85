from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "feedback"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from annotator.signals import annotation_changed, change_annotation_changed, tag_changed
        from feedback.services.change_corrections import on_change_annotation_changed
        from feedback.services.corrections import on_annotation_changed
        from feedback.services.tag_corrections import on_tag_changed

        annotation_changed.connect(on_annotation_changed, dispatch_uid="feedback.on_annotation_changed")
        tag_changed.connect(on_tag_changed, dispatch_uid="feedback.on_tag_changed")
        change_annotation_changed.connect(on_change_annotation_changed,
                                          dispatch_uid="feedback.on_change_annotation_changed")
