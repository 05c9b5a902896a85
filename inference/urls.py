from inference.apis import urlpatterns as _prompt_urls
from inference.similar_apis import urlpatterns as _similar_urls

urlpatterns = _prompt_urls + _similar_urls

__all__ = ["urlpatterns"]
