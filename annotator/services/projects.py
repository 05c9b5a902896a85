"""Writes for projects, label classes and memberships."""

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import F

from annotator import attributes as attribute_rules
from annotator import review_policy
from annotator.audit import audit_record
from annotator.models import LabelClass, Membership, Project, Role, Scene, default_project_settings
from annotator.services.tasks import TASK_ORDERS
from annotator.signals import tasks_changed
from core.errors import Conflict, NotFound, ValidationFailed

PROJECT_SETTING_KEYS = set(default_project_settings())

#: Value rules of the settings this app reads: a tuple of allowed words, or (kind, minimum, maximum).
SETTING_RULES: dict[str, tuple] = {
    "review_policy": review_policy.POLICIES,
    "review_quality_below": ("number", 0.0, 1.0),
    "review_share_above": ("number", 0.0, 1.0),
    "review_seed": ("int", 0, 2**31 - 1),
    "task_order": TASK_ORDERS,
}


def _value_problem(key: str, value) -> str | None:
    rule = SETTING_RULES[key]
    if isinstance(rule[0], str) and rule[0] in ("number", "int"):
        kind, lo, hi = rule
        ok_type = isinstance(value, int) if kind == "int" else isinstance(value, int | float)
        if isinstance(value, bool) or not ok_type or not lo <= value <= hi:
            return f"{key} must be {'a whole number' if kind == 'int' else 'a number'} from {lo:g} to {hi:g}."
        return None
    if value not in rule:
        return f"{key} must be one of {', '.join(rule)}."
    return None


def _check_settings(values: dict) -> dict:
    unknown = set(values) - PROJECT_SETTING_KEYS
    if unknown:
        raise ValidationFailed(f"Unknown project settings: {', '.join(sorted(unknown))}.")
    for key in sorted(set(values) & set(SETTING_RULES)):
        problem = _value_problem(key, values[key])
        if problem:
            raise ValidationFailed(problem, extra={"field": key})
    return values


@transaction.atomic
def project_create(*, slug: str, name: str, user, description: str = "", classes: list[str] | None = None,
                   settings: dict | None = None) -> Project:
    if Project.objects.filter(slug=slug).exists():
        raise ValidationFailed(f"A project with slug {slug!r} already exists.")
    project = Project.objects.create(
        slug=slug, name=name or slug, description=description,
        settings={**default_project_settings(), **_check_settings(settings or {})},
    )
    if user is not None:
        Membership.objects.create(project=project, user=user, role=Role.ADMIN)
    for class_name in classes or []:
        label_class_create(project=project, name=class_name, user=user)
    audit_record(user=user, project=project, action="project.create", obj=project)
    return project


@transaction.atomic
def project_update(*, project: Project, user, name: str | None = None, description: str | None = None,
                   settings: dict | None = None, archived: bool | None = None) -> Project:
    if name is not None:
        project.name = name
    if description is not None:
        project.description = description
    if settings is not None:
        project.settings = {**project.settings, **_check_settings(settings)}
        if settings.get("task_order") == "uncertainty":
            tasks_changed.send(sender=Project, project=project)
    if archived is not None:
        project.archived = archived
    project.save()
    audit_record(user=user, project=project, action="project.update", obj=project,
                 details={"archived": project.archived})
    return project


@transaction.atomic
def project_settings_merge(*, project: Project, user, values: dict, action: str = "project.settings") -> Project:
    """Merge ``values`` into the project's settings, keys unchecked: for settings another app owns and has
    validated itself (feedback's training settings). The row is locked so concurrent merges do not lose keys."""
    locked = Project.objects.select_for_update().get(pk=project.pk)
    locked.settings = {**(locked.settings or {}), **values}
    locked.save(update_fields=["settings"])
    project.settings = locked.settings
    audit_record(user=user, project=project, action=action, obj=project, details={"changed": sorted(values)})
    return project


PALETTE = ["#e6194b", "#3cb44b", "#ffe119", "#4363d8", "#f58231", "#911eb4", "#46f0f0", "#f032e6"]


def _schema(attributes) -> list[dict]:
    try:
        return attribute_rules.schema_check(attributes)
    except attribute_rules.AttributeInvalid as exc:
        raise ValidationFailed(str(exc), extra={"reason": "invalid_attributes"}) from exc


def _name_check(project: Project, name: str, *, exclude: int | None = None) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationFailed("A class needs a name.")
    others = LabelClass.objects.filter(project=project, name=name)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    if others.exists():
        raise ValidationFailed(f"Project {project.slug} already has a class named {name!r}.")
    return name


def label_class_create(*, project: Project, name: str, user, color: str | None = None, order: int | None = None,
                       attributes: list | None = None) -> LabelClass:
    """A new class, last in the palette unless `order` says otherwise; `attributes` checked
    (annotator.attributes.schema_check)."""
    name = _name_check(project, name)
    existing = LabelClass.objects.filter(project=project)
    color = color or PALETTE[existing.count() % len(PALETTE)]
    if order is None:
        order = (max(existing.values_list("order", flat=True), default=-1)) + 1
    label_class = LabelClass.objects.create(project=project, name=name, color=color, order=order,
                                            attributes=_schema(attributes))
    audit_record(user=user, project=project, action="label_class.create", obj=label_class,
                 details={"name": name, "attributes": label_class.attributes})
    return label_class


@transaction.atomic
def label_class_update(*, label_class: LabelClass, user, name: str | None = None, color: str | None = None,
                       archived: bool | None = None, order: int | None = None,
                       attributes: list | None = None) -> LabelClass:
    """Rename, recolour, reorder, archive/unarchive (a class is never deleted: its annotations keep it), or
    replace its attribute definitions. Values already stored on annotations stay as they were; the new schema
    applies to the next edit."""
    changes: dict = {}
    if name is not None:
        label_class.name = changes["name"] = _name_check(label_class.project, name, exclude=label_class.pk)
    for field, value in (("color", color), ("archived", archived), ("order", order)):
        if value is not None:
            setattr(label_class, field, value)
            changes[field] = value
    if attributes is not None:
        label_class.attributes = changes["attributes"] = _schema(attributes)
    label_class.save()
    if {"name", "color"} & changes.keys():  # vector tiles carry both: their ETags and cached bytes must change
        Scene.objects.filter(project_id=label_class.project_id).update(
            annotations_version=F("annotations_version") + 1)
    audit_record(user=user, project=label_class.project, action="label_class.update", obj=label_class,
                 details=changes)
    return label_class


@transaction.atomic
def label_class_reorder(*, project: Project, user, class_ids: list[int]) -> list[LabelClass]:
    """Put the project's classes in the order of `class_ids` (every class of the project, archived ones too)."""
    classes = {c.id: c for c in LabelClass.objects.select_for_update().filter(project=project)}
    if sorted(class_ids) != sorted(classes):
        raise ValidationFailed("Give every class of the project once, in the new order.",
                               extra={"reason": "incomplete_order"})
    for position, class_id in enumerate(class_ids):
        classes[class_id].order = position
    LabelClass.objects.bulk_update(classes.values(), ["order"])
    audit_record(user=user, project=project, action="label_class.reorder", obj=project,
                 details={"order": class_ids})
    return [classes[i] for i in class_ids]


def membership_set(*, project: Project, username: str, role: str, user) -> Membership:
    if role not in Role.values:
        raise ValidationFailed(f"Unknown role {role!r}; use one of {', '.join(Role.values)}.")
    member = get_user_model().objects.filter(username=username).first()
    if member is None:
        raise NotFound(f"No user named {username!r}.")
    membership, _ = Membership.objects.update_or_create(project=project, user=member, defaults={"role": role})
    audit_record(user=user, project=project, action="membership.set", obj=membership, details={"role": role})
    return membership


def membership_remove(*, project: Project, user_id: int, user) -> None:
    deleted, _ = Membership.objects.filter(project=project, user_id=user_id).delete()
    if not deleted:
        raise NotFound("That user is not a member of this project.")
    audit_record(user=user, project=project, action="membership.remove", obj=None, details={"user_id": user_id})


USERNAME_MAX = 150


def _new_password(username: str, password: str | None) -> tuple[str, bool]:
    """The password to set (checked by Django's validators) and whether it was generated here."""
    if password is None or password == "":
        return secrets.token_urlsafe(15), True
    try:
        validate_password(password, get_user_model()(username=username))
    except DjangoValidationError as exc:
        raise ValidationFailed(f"The password is refused: {' '.join(exc.messages)}",
                               extra={"field": "password"}) from None
    return password, False


@transaction.atomic
def user_create(*, username: str, user, password: str | None = None, email: str = "",
                project: Project | None = None, role: str | None = None) -> tuple:
    """Create a login (and, with `project`, its membership with `role`). Without `password` one is generated.
    Returns (the new user, the membership or None, the generated password or None). A taken name is a Conflict:
    an existing user is added through `membership_set`."""
    username = (username or "").strip()
    if not username or len(username) > USERNAME_MAX:
        raise ValidationFailed(f"A username has 1 to {USERNAME_MAX} characters.", extra={"field": "username"})
    if project is not None and role not in Role.values:
        raise ValidationFailed(f"Unknown role {role!r}; use one of {', '.join(Role.values)}.",
                               extra={"field": "role"})
    user_model = get_user_model()
    try:
        user_model.username_validator(username)
    except DjangoValidationError as exc:
        raise ValidationFailed(f"Username {username!r}: {' '.join(exc.messages)}",
                               extra={"field": "username"}) from None
    if user_model.objects.filter(username__iexact=username).exists():
        raise Conflict(f"A user named {username!r} exists already; add them to a project as a member instead.",
                       extra={"field": "username"})
    secret, generated = _new_password(username, password)
    member = user_model.objects.create_user(username=username, email=email or "", password=secret)
    membership = None
    if project is not None and role is not None:
        membership = Membership.objects.create(project=project, user=member, role=role)
    audit_record(user=user, project=project, action="user.create", obj=membership or None,
                 details={"username": username, "role": role})
    return member, membership, (secret if generated else None)
