"""Headless Chromium for the browser tests: Debian's chromium (Playwright never downloads a browser here).

Playwright's sync API keeps an asyncio loop marked as running in this thread while it is open, and Django then
refuses ORM calls (SynchronousOnlyOperation). So the browser is started per test, after the database fixtures:
take `page` as a test's last argument, and do no ORM work in the test body while it is open."""

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def chromium() -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class PageLog:
    """What the page said on its console and which uncaught errors it raised."""

    def __init__(self) -> None:
        self.console: list[str] = []
        self.page_errors: list[str] = []


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(30_000)
    log = PageLog()
    page.on("console", lambda msg: log.console.append(f"{msg.type}: {msg.text}"))
    page.on("pageerror", lambda err: log.page_errors.append(str(err)))
    page.log = log
    yield page
    context.close()


@dataclass(frozen=True)
class SampleScene:
    """A ready scene and a login that may see it (values only: no ORM access needed once the browser is open)."""

    project_id: int
    scene_id: int
    username: str
    password: str


@pytest.fixture
def sample_scene(transactional_db, celery_worker, settings) -> SampleScene:
    """The Atlanta sample scene, ingested by the real Celery worker, in a project whose admin is a site admin."""
    from django.contrib.auth import get_user_model

    from annotator.management.commands.ingest_scene import scene_create_for_cli
    from annotator.models import Scene, SceneStatus
    from annotator.services.projects import project_create

    username, password = "e2e-admin", "e2e-password"
    admin = get_user_model().objects.create_superuser(username, email="", password=password)
    project = project_create(slug="e2e", name="E2E buildings", user=admin, classes=["building"])
    path = Path(settings.BASE_DIR) / "samples" / "spacenet-atlanta" / "sample_geotiff.tif"
    scene = scene_create_for_cli(project=project, path=str(path), name="Atlanta (SpaceNet)", enqueue=True)
    deadline = time.monotonic() + 120
    while scene.status == SceneStatus.INGESTING and time.monotonic() < deadline:
        time.sleep(0.25)
        scene = Scene.objects.get(pk=scene.pk)
    assert scene.status == SceneStatus.READY, f"sample scene not ready: {scene.status} {scene.status_reason}"
    return SampleScene(project_id=project.id, scene_id=scene.id, username=username, password=password)
