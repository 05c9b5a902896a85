from feedback.apis import urlpatterns

__all__ = ["urlpatterns"]
