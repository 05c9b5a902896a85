"""python manage.py create_project SLUG [--name NAME] [--classes a,b,c]: prints the new project's id."""

from django.core.management.base import BaseCommand, CommandError

from annotator.services.projects import project_create
from core.errors import GeoLoopError


class Command(BaseCommand):
    help = "Create a project with its label classes; prints the project id."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--name", default="")
        parser.add_argument("--classes", default="", help="comma-separated label class names")

    def handle(self, *args, slug: str, name: str, classes: str, **options):
        names = [c.strip() for c in classes.split(",") if c.strip()]
        try:
            project = project_create(slug=slug, name=name, user=None, classes=names)
        except GeoLoopError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(str(project.id))
