"""Click -> mask latency at a WebSocket client on loopback (DESIGN.md budget), windows already encoded.

Starts its own app on the private services (like conftest.py): a ``geoloop_bench`` database on the PostgreSQL of
``scripts/services.sh`` (created and migrated on first use), a Redis database of its own (index 7), media under
``.local/bench-media``; one uvicorn process (the ASGI app) and one Celery worker on queue ``gpu`` (``-c 1``). The
Atlanta sample is ingested once; the windows of the clicked buildings are encoded once (kept in media storage
between runs) and loaded into the server's memory by unmeasured warm-up clicks.

Measured, from prompt sent to ``mask`` received:
- one annotator: ``--clicks`` clicks in a row (a first click on a building, then a corrective click that feeds the
  previous answer back, alternating);
- ``--annotators`` annotators at once (asyncio, one socket each), ``--concurrent-clicks`` clicks each, each
  pausing ``--concurrent-think`` seconds on average between clicks (0 = back to back: a throughput stress test);
- first clicks on new windows: the render recipe is nudged (new cache keys), then for ``--pans`` buildings the
  client reports a viewport around it, waits ``--think`` seconds (an annotator finding the object), and clicks;
  the share of those clicks that got an ``encoding`` message first is reported;
- open a task, then click: the recipe nudged again, ``--tasks`` tasks (a box around a building each) are leased
  one after the other (``POST tasks/next/``: the task-open prefetch, which also queues the next tasks' windows),
  the client waits ``--task-think`` seconds, clicks the building, works ``--task-work`` seconds on average on the
  task (drawing its objects) and submits; the share of those first clicks whose embedding was ready is reported
  (target: 90 %).

    eval "$(bash scripts/services.sh start)"
    .venv/bin/python bench/click_latency.py [--decode-in web,worker] [--clicks 200] [--annotators 8]

Prints a summary per mode, then one JSON object with the figures and the machine on the last line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import free_port, machine, processes_stop, ws_ticket_url  # noqa: E402

warnings.filterwarnings("ignore")
VENV_BIN = Path(sys.executable).parent
BENCH_DB = "geoloop_bench"
BENCH_REDIS_DB = 7
MEDIA = ROOT / ".local" / "bench-media"
LOGS = ROOT / ".local" / "bench"
ZOOMED_IN = 0.125  # ground metres per screen pixel: level -2 on the 0.5 m Atlanta chip
TARGETS = {"single_p50_ms": 40, "single_p95_ms": 60, "concurrent_p95_ms": 150, "task_open_ready_share": 0.9}


def _url_with_db(url: str, db: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + db, parts.query, ""))


def _prepare_env(bench_db: str = BENCH_DB, redis_db: int = BENCH_REDIS_DB) -> dict:
    db_url = os.environ.get("DATABASE_URL", "postgis://geoloop@127.0.0.1:55432/geoloop")
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:56379/0")
    env = dict(os.environ)
    env.update(DATABASE_URL=_url_with_db(db_url, bench_db), REDIS_URL=_url_with_db(redis_url, str(redis_db)),
               GEOLOOP_MEDIA_ROOT=str(MEDIA), DJANGO_SETTINGS_MODULE="webapp.settings", PYTHONUNBUFFERED="1")
    import psycopg

    parts = urlsplit(db_url)
    with psycopg.connect(host=parts.hostname, port=parts.port, user=parts.username, password=parts.password or None,
                         dbname="postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [bench_db]).fetchone():
            conn.execute(f'CREATE DATABASE "{bench_db}"')
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "REDIS_URL", "GEOLOOP_MEDIA_ROOT",
                                           "DJANGO_SETTINGS_MODULE")})
    return env


def _setup_data(n_buildings: int) -> dict:
    """Migrate, then user/project/scene (ingested once), default model, encoded windows. Runs in this process."""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    from annotator.models import Membership, Project, Role, Scene, SceneStatus
    from annotator.services.scenes import scene_ingest
    from inference.services import embedding_key, embedding_load, embedding_store, model_load, model_version_encoder
    from inference.services.registry import model_version_ensure_default
    from inference.tests.django_fixtures import ATLANTA, buildings, click_in

    User = get_user_model()
    user = User.objects.filter(username="bench").first() or User.objects.create_user("bench", password="bench")
    project, _ = Project.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
    Membership.objects.get_or_create(project=project, user=user, defaults={"role": Role.ANNOTATOR})
    Token.objects.filter(user=user).delete()  # tokens expire (GEOLOOP_TOKEN_TTL_HOURS): a fresh one per run
    token = Token.objects.create(user=user)
    scene = Scene.objects.filter(project=project, name="atlanta", status=SceneStatus.READY).first()
    if scene is None or not (MEDIA / scene.cog_path).is_file():
        scene = Scene.objects.create(project=project, name="atlanta", source_path=str(ATLANTA),
                                     status=SceneStatus.INGESTING)
        scene = scene_ingest(scene_id=scene.pk)
    version = model_version_ensure_default()
    model = model_load(version)
    encoder = model_version_encoder(version)
    polys = buildings()[:n_buildings]
    clicks = [click_in(p) for p in polys]

    # encode (once; kept in media storage) the windows the clicks will use, in this process
    from inference.imagery_window import read_window
    from inference.sam import encode
    from inference.services.proposals import prompt_input_parse, prompt_prepare

    encoded = 0
    windows = []
    for point in clicks:
        prepared = prompt_prepare(scene=scene, inp=prompt_input_parse(
            {"points": [point], "labels": [1], "map_resolution": ZOOMED_IN}))
        key = embedding_key(encoder_sha256=encoder, scene=scene, window=prepared.window)
        windows.append(prepared.window.key)
        if embedding_load(key) is None:
            image = read_window(MEDIA / scene.cog_path, prepared.window, scene.render_recipe)
            embedding_store(key=key, embedding=encode(model, image.rgb))
            encoded += 1
    # a second point inside each building (for corrective clicks): towards the centroid
    seconds = []
    for poly, point in zip(polys, clicks, strict=True):
        c = poly.centroid
        mid = [(c.x + point[0]) / 2, (c.y + point[1]) / 2]
        seconds.append(mid if poly.contains(type(c)(mid)) else point)
    return {"token": token.key, "scene_id": scene.pk, "project_id": project.pk, "clicks": clicks, "seconds": seconds,
            "encoded_now": encoded, "version": version.pk, "windows": windows,
            "bounds": [list(p.bounds) for p in polys], "recipe": scene.render_recipe}


def _start(env: dict, decode_in: str, root: Path = ROOT, extra_env: dict | None = None,
           label: str = "") -> tuple[list[subprocess.Popen], str]:
    LOGS.mkdir(parents=True, exist_ok=True)
    env = {**env, "GEOLOOP_DECODE_IN": decode_in, "GEOLOOP_MODELS_DIR": env.get("GEOLOOP_MODELS_DIR")
           or str(ROOT / ".local" / "models"), **(extra_env or {})}
    decode_in = f"{decode_in}{label}"
    port = free_port()
    worker = subprocess.Popen(
        [str(VENV_BIN / "celery"), "-A", "webapp", "worker", "-Q", "gpu", "-c", "1", "--prefetch-multiplier", "1",
         "-n", f"bench-{os.getpid()}@%h", "-l", "warning"],
        cwd=root, env=env, stdout=open(LOGS / f"click-worker-{decode_in}.log", "w"), stderr=subprocess.STDOUT)
    web = subprocess.Popen(
        [str(VENV_BIN / "uvicorn"), "webapp.asgi:application", "--host", "127.0.0.1", "--port", str(port),
         "--log-level", "warning", "--no-access-log"],
        cwd=root, env=env, stdout=open(LOGS / f"click-web-{decode_in}.log", "w"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            time.sleep(0.3)
    from webapp.celery import app

    while time.monotonic() < deadline and not app.control.ping(timeout=1.0):
        time.sleep(0.5)
    return [web, worker], f"ws://127.0.0.1:{port}"


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    if not values:
        return float("nan")
    k = (len(values) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return round(values[lo] + (values[hi] - values[lo]) * (k - lo), 1)


class Annotator:
    def __init__(self, url: str, token: str):
        self.url, self.token = url, token
        self.socket = None
        self.n = 0

    async def __aenter__(self):
        from websockets.asyncio.client import connect

        url = await asyncio.to_thread(ws_ticket_url, self.url, self.token)  # single-use: one per connection
        self.socket = await connect(url, origin=self.url.replace("ws://", "http://").split("/ws/")[0],
                                    open_timeout=30, max_size=None)
        return self

    async def __aexit__(self, *exc):
        await self.socket.close()

    async def click(self, points, labels, previous=None) -> tuple[float, dict, bool]:
        self.n += 1
        msg = {"type": "prompt", "request_id": self.n, "points": points, "labels": labels, "box": None,
               "map_resolution": ZOOMED_IN, "previous_proposal_id": previous}
        t0 = time.perf_counter()
        await self.socket.send(json.dumps(msg))
        waited = False
        while True:
            answer = json.loads(await asyncio.wait_for(self.socket.recv(), 300))
            if answer.get("type") == "encoding":
                waited = True
                continue
            if answer.get("request_id") == self.n:
                break
        ms = (time.perf_counter() - t0) * 1000
        if answer["type"] != "mask":
            raise RuntimeError(f"prompt failed: {answer}")
        return ms, answer, waited

    async def session(self, data: dict, n_clicks: int, offset: int = 0,
                      think: float = 0.0) -> tuple[list[float], list[dict]]:
        rng = random.Random(offset)
        times, answers, previous = [], [], None
        k = len(data["clicks"])
        for i in range(n_clicks):
            b = (offset + i // 2) % k
            if i % 2 == 0:
                ms, ans, _ = await self.click([data["clicks"][b]], [1])
            else:
                ms, ans, _ = await self.click([data["clicks"][b], data["seconds"][b]], [1, 1], previous)
            previous = ans["proposal_id"]
            times.append(ms)
            if think:
                await asyncio.sleep(think * rng.uniform(0.5, 1.5))
            answers.append(ans)
        return times, answers


async def _measure(ws: str, data: dict, args, warm: bool = True) -> dict:
    url = f"{ws}/ws/annotate/{data['scene_id']}/"
    from inference.tasks import encode_window

    # the gpu worker is long-lived in production: load its model (an encode task on a cached window)
    await asyncio.to_thread(lambda: encode_window.delay(data["version"], data["scene_id"], data["windows"][0])
                            .get(timeout=600))
    if not warm:  # the server still loads the model and learns the working level (a few clicks)
        async with Annotator(url, data["token"]) as a:
            await a.session(data, 4)
        return {}
    # load every window into the server's memory; export/load the decoder
    async with Annotator(url, data["token"]) as warm:
        for point in data["clicks"]:
            await warm.click([point], [1])
        await warm.session(data, 10)
    async with Annotator(url, data["token"]) as one:
        single, answers = await one.session(data, args.clicks)
    server = {k: _pct([a["timings"].get(k, 0.0) for a in answers], 50)
              for k in ("embedding_ms", "decode_ms", "polygon_ms", "total_ms")}
    # what is not the model: server total minus decode and polygon (database, Redis, hand-offs), and the client's
    # time on top of the server's (WebSocket, JSON, event loop)
    server["overhead_ms"] = _pct([a["timings"]["total_ms"] - a["timings"].get("decode_ms", 0.0)
                                  - a["timings"].get("polygon_ms", 0.0) for a in answers], 50)
    server["client_minus_server_ms"] = _pct([ms - a["timings"]["total_ms"] for ms, a in zip(single, answers,
                                                                                             strict=True)], 50)

    async def annotator(i):
        async with Annotator(url, data["token"]) as a:
            await asyncio.sleep(i * args.concurrent_think / args.annotators)  # not all in step
            return (await a.session(data, args.concurrent_clicks, offset=i * 3, think=args.concurrent_think))[0]

    started = time.perf_counter()
    results = await asyncio.gather(*(annotator(i) for i in range(args.annotators)))
    wall = time.perf_counter() - started
    concurrent = [ms for r in results for ms in r]
    return {
        "single": {"clicks": len(single), "p50_ms": _pct(single, 50), "p95_ms": _pct(single, 95),
                   "mean_ms": round(statistics.fmean(single), 1), "server_p50": server},
        "concurrent": {"annotators": args.annotators, "clicks": len(concurrent), "p50_ms": _pct(concurrent, 50),
                       "p95_ms": _pct(concurrent, 95), "clicks_per_s": round(len(concurrent) / wall, 1),
                       "think_s": args.concurrent_think},
    }


async def _first_clicks(ws: str, data: dict, args) -> dict:
    url = f"{ws}/ws/annotate/{data['scene_id']}/"
    waited, times = [], []
    async with Annotator(url, data["token"]) as a:
        for i in range(args.pans):
            b = (i * 5) % len(data["clicks"])
            lon, lat = data["clicks"][b]
            # a 1280 x 800 px screen at ZOOMED_IN m/px around the building
            dlon, dlat = 1280 * ZOOMED_IN / 2 / 92_700, 800 * ZOOMED_IN / 2 / 111_000
            await a.socket.send(json.dumps({"type": "viewport", "request_id": f"v{i}", "map_resolution": ZOOMED_IN,
                                            "bbox": [lon - dlon, lat - dlat, lon + dlon, lat + dlat]}))
            await asyncio.sleep(args.think)
            ms, _, w = await a.click([[lon, lat]], [1])
            waited.append(w)
            times.append(ms)
    if not waited:
        return {"pans": 0, "think_s": args.think, "waited_share": 0.0}
    return {"pans": len(waited), "think_s": args.think, "waited_share": round(sum(waited) / len(waited), 2),
            "first_click_p50_ms": _pct(times, 50), "first_click_max_ms": round(max(times), 1)}


def _make_tasks(data: dict, n: int) -> list[dict]:
    """``n`` tasks of the bench project, each a box around one building (about 3 x its size, at least 40 m), the
    earlier ones removed; returns ``[{"id", "click"}]`` in the order ``tasks/next`` leases them."""
    from django.contrib.gis.geos import Polygon

    from annotator.models import Scene, Task

    scene = Scene.objects.get(pk=data["scene_id"])
    Task.objects.filter(scene=scene).delete()
    out = []
    k = len(data["clicks"])
    for i in range(n):
        b = (i * 7 + 3) % k
        x0, y0, x1, y1 = data["bounds"][b]
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        half = max((x1 - x0) * 1.5, (y1 - y0) * 1.5, 20 / 92_700)
        area = Polygon.from_bbox((cx - half, cy - half * 0.8, cx + half, cy + half * 0.8))
        area.srid = 4326
        task = Task.objects.create(project=scene.project, scene=scene, area=area)
        out.append({"id": task.pk, "click": data["clicks"][b]})
    return out


def _api_post(ws: str, token: str, path: str) -> tuple[int, dict]:
    import urllib.request

    request = urllib.request.Request(ws.replace("ws://", "http://") + path, method="POST", data=b"{}",
                                     headers={"Authorization": f"Token {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        body = response.read()
        return response.status, json.loads(body) if body else {}


async def _task_open_clicks(ws: str, data: dict, tasks: list[dict], args) -> dict:
    """Open a task (``tasks/next``: the task-open prefetch), think ``--task-think`` s, click a building in it,
    submit; the share of those first clicks whose window was ready (no ``encoding`` message)."""
    url = f"{ws}/ws/annotate/{data['scene_id']}/"
    by_id = {t["id"]: t for t in tasks}
    waited, times, open_ms = [], [], []
    failed = 0
    async with Annotator(url, data["token"]) as a:
        for _ in tasks:
            t0 = time.perf_counter()
            status, task = await asyncio.to_thread(_api_post, ws, data["token"],
                                                   f"/api/projects/{data['project_id']}/tasks/next/")
            open_ms.append((time.perf_counter() - t0) * 1000)
            if status != 200:
                break
            await asyncio.sleep(args.task_think)
            try:
                ms, _, w = await a.click([by_id[task["id"]]["click"]], [1])
            except RuntimeError as exc:  # e.g. encoding_timeout: the click never got its window; counted as waited
                print(f"task {task['id']}: {exc}", flush=True)
                ms, w, failed = float("nan"), True, failed + 1
            waited.append(w)
            times.append(ms)
            await asyncio.sleep(args.task_work * random.uniform(0.5, 1.5))  # drawing the task's objects
            await asyncio.to_thread(_api_post, ws, data["token"], f"/api/tasks/{task['id']}/submit/")
    ready = [not w for w in waited]
    times = [t for t in times if t == t]  # without the failed ones (NaN)
    return {"tasks": len(waited), "think_s": args.task_think, "work_s": args.task_work, "failed": failed,
            "ready_share": round(sum(ready) / len(ready), 2) if ready else 0.0,
            "first_click_p50_ms": _pct(times, 50), "first_click_max_ms": round(max(times), 1) if times else None,
            "task_open_p50_ms": _pct(open_ms, 50)}


def _salt_recipe(data: dict, salt: float) -> None:
    from annotator.models import Scene

    scene = Scene.objects.get(pk=data["scene_id"])
    recipe = dict(data["recipe"])
    recipe["min"] = [v + salt for v in recipe["min"]]
    scene.render_recipe = recipe
    scene.save(update_fields=["render_recipe"])


def _restore_recipe(data: dict) -> None:
    from annotator.models import Scene

    Scene.objects.filter(pk=data["scene_id"]).update(render_recipe=data["recipe"])


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--decode-in", default="web", help="web, worker, or both: web,worker")
    parser.add_argument("--clicks", type=int, default=200)
    parser.add_argument("--annotators", type=int, default=8)
    parser.add_argument("--concurrent-clicks", type=int, default=50, help="clicks per concurrent annotator")
    parser.add_argument("--concurrent-think", type=float, default=0.5,
                        help="mean seconds between one annotator's clicks (0: back to back, a stress test)")
    parser.add_argument("--buildings", type=int, default=12)
    parser.add_argument("--pans", type=int, default=6)
    parser.add_argument("--think", type=float, default=2.0, help="seconds between viewport report and first click")
    parser.add_argument("--tasks", type=int, default=10, help="open-a-task-then-click scenario: tasks opened")
    parser.add_argument("--task-think", type=float, default=3.0,
                        help="seconds between opening a task and its first click")
    parser.add_argument("--task-work", type=float, default=30.0,
                        help="mean seconds an annotator works on a task after its first click before opening the "
                             "next (drawing its objects; the time a prefetch of the next task has)")
    parser.add_argument("--db", default=BENCH_DB, help="database name on DATABASE_URL's server")
    parser.add_argument("--redis-db", type=int, default=BENCH_REDIS_DB, help="Redis database index on REDIS_URL")
    parser.add_argument("--skip-warm", action="store_true", help="only the first-click scenarios")
    parser.add_argument("--variants", default="",
                        help="A/B on one machine: 'label=ROOT[,ENV=VALUE...];label2=...' servers run from each "
                             "ROOT (a checkout, e.g. `git archive` of the previous commit) with those environment "
                             "variables, alternated --rounds times; figures per variant and round")
    parser.add_argument("--rounds", type=int, default=1, help="alternations of --variants")
    args = parser.parse_args(argv)
    variants = []
    for spec in [v.strip() for v in args.variants.split(";") if v.strip()]:
        label, _, rest = spec.partition("=")
        root, *pairs = rest.split(",")
        variants.append((label, Path(root or ROOT), dict(p.split("=", 1) for p in pairs)))

    env = _prepare_env(args.db, args.redis_db)
    t0 = time.perf_counter()
    data = _setup_data(args.buildings)
    print(f"set-up {time.perf_counter() - t0:.1f} s ({data['encoded_now']} windows encoded now)", flush=True)
    load_before = round(os.getloadavg()[0], 2)
    out = {"bench": "click_latency", "targets": TARGETS, "modes": {}}
    runs = [(m.strip(), "", ROOT, {}) for m in args.decode_in.split(",") if m.strip()]
    if variants:
        runs = [(runs[0][0], f"@{label}#{r}", root, extra) for r in range(args.rounds)
                for label, root, extra in variants]
    for mode, label, root, extra in runs:
        procs, ws = _start(env, mode, root, extra, label)
        try:
            figures = asyncio.run(_measure(ws, data, args, warm=not args.skip_warm))
            _salt_recipe(data, salt=time.time() % 1000 * 1e-6)
            try:
                figures["first_clicks"] = asyncio.run(_first_clicks(ws, data, args))
            finally:
                _restore_recipe(data)
            if args.tasks:
                _salt_recipe(data, salt=time.time() % 1000 * 1e-6 + 5e-4)
                try:
                    tasks = _make_tasks(data, args.tasks)
                    figures["task_open"] = asyncio.run(_task_open_clicks(ws, data, tasks, args))
                finally:
                    _restore_recipe(data)
        finally:
            processes_stop(procs)
        mode = f"{mode}{label}"
        s, c = figures.get("single"), figures.get("concurrent")
        if s and c:
            print(f"[decode in {mode}] one annotator: p50 {s['p50_ms']} ms, p95 {s['p95_ms']} ms over {s['clicks']} "
                  f"clicks (server p50 {s['server_p50']}); {c['annotators']} annotators: p50 {c['p50_ms']} ms, "
                  f"p95 {c['p95_ms']} ms over {c['clicks']} clicks ({c['clicks_per_s']} clicks/s)", flush=True)
        print(f"[decode in {mode}] first clicks after a pan that waited for an encode: "
              f"{figures['first_clicks']['waited_share']:.0%}; task opened then clicked: "
              f"{figures.get('task_open', {}).get('ready_share', 0):.0%} ready", flush=True)
        out["modes"][mode] = figures
    out["machine"] = {**machine(), "loadavg_1m_before": load_before}
    print(json.dumps(out))
    return out


if __name__ == "__main__":
    main()
