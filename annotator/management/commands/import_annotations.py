"""python manage.py import_annotations PATH --project SLUG --scene ID [--format geojson|geopackage|coco]
    [--layer NAME] [--class-property NAME] [--default-class NAME] [--user USERNAME]

Imports a GeoJSON, GeoPackage or COCO (zip, folder or JSON with georef/ sidecars) as pre-annotations (source =
imported) onto one scene, all or nothing: on any error prints one line per item and exits non-zero, importing nothing.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from annotator.models import Project, Scene
from annotator.services.imports import FORMATS, ImportRejected, annotations_import
from core.errors import GeoLoopError


class Command(BaseCommand):
    help = "Import annotations from a GeoJSON, GeoPackage or COCO + georeference sidecars onto a scene."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--project", required=True, help="project slug")
        parser.add_argument("--scene", required=True, type=int, help="scene id")
        parser.add_argument("--format", choices=FORMATS, default=None, help="default: from the file")
        parser.add_argument("--layer", default=None, help="GeoPackage layer (needed when it has several)")
        parser.add_argument("--class-property", default=None, help="attribute holding the class name")
        parser.add_argument("--default-class", default=None, help="class for features without one")
        parser.add_argument("--user", default=None, help="username recorded as the author")

    def handle(self, *args, **options):
        project = Project.objects.filter(slug=options["project"]).first()
        if project is None:
            raise CommandError(f"No project {options['project']!r}.")
        scene = Scene.objects.filter(pk=options["scene"], project=project).first()
        if scene is None:
            raise CommandError(f"Project {project.slug} has no scene {options['scene']}.")
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user {options['user']!r}.")
        path = Path(options["path"])
        if not path.exists():
            raise CommandError(f"No file at {path}.")
        try:
            report = annotations_import(project=project, scene=scene, user=user, path=path, format=options["format"],
                                        layer=options["layer"], class_property=options["class_property"],
                                        default_class=options["default_class"])
        except ImportRejected as exc:
            for error in exc.extra.get("errors", []):
                self.stderr.write(f"{error['item']}: {error['reason']}: {error['message']}")
            raise CommandError(exc.message) from exc
        except GeoLoopError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"imported {report['imported']} annotations onto scene {scene.id} ({report['format']}; "
                          f"{report['repaired']} repaired, {report['clipped']} clipped)")
