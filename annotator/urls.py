"""Every annotator API, one module per entity family under annotator/apis/."""

from annotator.apis import annotations, exports, imports, pairs, projects, review, scenes, tasks

urlpatterns = [
    *projects.urlpatterns,
    *scenes.urlpatterns,
    *annotations.urlpatterns,
    *tasks.urlpatterns,
    *review.urlpatterns,
    *exports.urlpatterns,
    *imports.urlpatterns,
    *pairs.urlpatterns,
]
