from inference.apis import urlpatterns

__all__ = ["urlpatterns"]
