"""Every annotator API, one module per entity family under annotator/apis/."""

from annotator.apis import projects, scenes

urlpatterns = [
    *projects.urlpatterns,
    *scenes.urlpatterns,
]
