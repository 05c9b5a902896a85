"""Every annotator API, one module per entity family under annotator/apis/."""

from annotator.apis import (
    annotations,
    change_review,
    composite,
    exports,
    imports,
    pairs,
    projects,
    review,
    scenes,
    tags,
    tasks,
)

urlpatterns = [
    *projects.urlpatterns,
    *scenes.urlpatterns,
    *composite.urlpatterns,
    *annotations.urlpatterns,
    *tasks.urlpatterns,
    *review.urlpatterns,
    *exports.urlpatterns,
    *imports.urlpatterns,
    *tags.urlpatterns,
    *pairs.urlpatterns,
    *change_review.urlpatterns,
]
