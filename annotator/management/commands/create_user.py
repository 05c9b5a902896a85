"""python manage.py create_user NAME [--project SLUG --role ROLE] [--password-file PATH] [--email E]

Creates a login and (with --project) its membership. The password comes from --password-file (its first line), else
the GEOLOOP_USER_PASSWORD environment variable, else one is generated. Prints one JSON line on stdout: user_id,
username, project, role, and password (the generated one; null when it was supplied).
"""

import json
import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from annotator.models import Role
from annotator.selectors.projects import project_get_by_slug
from annotator.services.projects import user_create
from core.errors import GeoLoopError

PASSWORD_ENV = "GEOLOOP_USER_PASSWORD"


class Command(BaseCommand):
    help = "Create a login, optionally added to a project with a role; prints one JSON line (with the password " \
           "when it was generated)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--project", default=None, help="project slug")
        parser.add_argument("--role", default=Role.ANNOTATOR, choices=Role.values)
        parser.add_argument("--password-file", default=None,
                            help=f"read the password from this file's first line (else ${PASSWORD_ENV}, else one "
                                 "is generated and printed)")
        parser.add_argument("--email", default="")

    def handle(self, *args, username: str, project: str | None, role: str, password_file: str | None, email: str,
               **options):
        password = self._password(password_file)
        target = None
        if project is not None:
            target = project_get_by_slug(slug=project)
            if target is None:
                raise CommandError(f"No project {project!r}.")
        try:
            member, membership, generated = user_create(username=username, password=password, email=email,
                                                        project=target, role=role if target else None, user=None)
        except GeoLoopError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(json.dumps({"user_id": member.pk, "username": member.username, "project": project,
                                      "role": membership.role if membership else None, "password": generated}))

    @staticmethod
    def _password(password_file: str | None) -> str | None:
        if password_file is not None:
            try:
                lines = Path(password_file).read_text().splitlines()
            except OSError as exc:
                raise CommandError(f"Cannot read {password_file}: {exc.strerror}.") from exc
            if not lines or not lines[0]:
                raise CommandError(f"{password_file} is empty.")
            return lines[0]
        return os.environ.get(PASSWORD_ENV) or None
