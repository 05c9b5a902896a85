"""Load and fault drill: simulated annotators on loopback while Redis and a Celery worker are restarted.

Everything runs on 127.0.0.1 and is started here: a private ``redis-server`` on a free port (so that it can be
killed and started again on the same port), a throwaway database ``geoloop_bench_load`` (dropped, created,
migrated; the Atlanta sample scene ingested; a project with one annotator user per simulated annotator), media
under ``.local/bench-load-media``, one uvicorn (the ASGI app; never restarted) and ``--workers`` Celery workers.

Each simulated annotator logs in through the API (session cookie, see :func:`login`), opens the scene's events
socket and the prompt socket ``/ws/annotate/<scene>/`` as the SPA does, then until the end loops over: clicks on
buildings (``prompt`` -> ``mask``), viewport reports (``viewport`` -> ``prefetch``), raster tiles, vector tiles and
annotation saves (the last mask), with a random think time between actions. A probe checks every half second that
the app answers normally: ``/healthz`` 200, ``/api/auth/me/`` 200, a click on a fresh socket answered with a mask.

Faults: at ``--restart-redis-at`` seconds the private Redis is killed (SIGKILL, no persistence: queues, locks and
channel-layer groups are lost) and started again ``--redis-down`` seconds later; at ``--kill-worker-at`` one worker
is killed (SIGKILL) and a fresh one started. Recovery per fault: seconds from the service's return (Redis started
again; the fresh worker answering a ping) until the first probe round that passed entirely, and from the fault.

    .venv/bin/python bench/load.py [--annotators 20] [--seconds 60] [--restart-redis-at 20] [--kill-worker-at 40]
    .venv/bin/python bench/load.py --quick          # 4 annotators, 20 s, while developing

Prints the machine, a table per endpoint and one JSON object on the last line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import free_port, latency_summary, machine, processes_stop, start_uvicorn  # noqa: E402
from bench.load_client import PASSWORD, RESOLUTIONS, Annotator, Recorder, is_ok, login  # noqa: E402

VENV_BIN = Path(sys.executable).parent
BENCH_DB = "geoloop_bench_load"
MEDIA = ROOT / ".local" / "bench-load-media"
LOGS = ROOT / ".local" / "bench" / "load"
ATLANTA = ROOT / "samples" / "spacenet-atlanta" / "sample_geotiff.tif"
BUILDINGS = 12  # the largest buildings of the sample are the ones clicked
WARM_TIMEOUT_S = 300.0  # a warm-up click waits for its window's encode, however busy the machine


# --- services -------------------------------------------------------------------------------------------------


class RedisServer:
    """A private redis-server on a fixed loopback port, without persistence, that can be killed and restarted."""

    def __init__(self, port: int, log: Path):
        self.port, self.log, self.proc = port, log, None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no",
             "--protected-mode", "yes"],
            stdout=open(self.log, "a"), stderr=subprocess.STDOUT)  # lives with the server
        deadline = time.monotonic() + 20
        import redis

        while time.monotonic() < deadline:
            try:
                redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=0.5).ping()
                return
            except redis.RedisError:
                time.sleep(0.05)
        raise SystemExit("redis-server did not start")

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def _url_with_db(url: str, db: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + db, parts.query, ""))


def database_recreate(db_url: str) -> str:
    """Drop and create the throwaway database; returns its URL."""
    import psycopg

    parts = urlsplit(db_url)
    with psycopg.connect(host=parts.hostname, port=parts.port, user=parts.username, password=parts.password or None,
                         dbname="postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')
    return _url_with_db(db_url, BENCH_DB)


def setup_data(n_annotators: int) -> dict:
    """Migrate, ingest the Atlanta sample, make a project with a label class and the annotators (in this process)."""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model

    from annotator.apis.scenes import scene_out
    from annotator.models import LabelClass, Membership, Project, Role, Scene, SceneStatus
    from annotator.services.scenes import scene_ingest
    from inference.services.registry import model_version_ensure_default
    from inference.tests.django_fixtures import buildings, click_in

    User = get_user_model()
    project = Project.objects.create(slug="load", name="Load drill")
    label = LabelClass.objects.create(project=project, name="building", color="#e6194b")
    users = []
    for i in range(n_annotators + 1):  # the last one is the probe's
        user = User.objects.create_user(f"load{i}", password=PASSWORD)
        Membership.objects.create(project=project, user=user, role=Role.ANNOTATOR)
        users.append(user.username)
    scene = Scene.objects.create(project=project, name="atlanta", source_name=ATLANTA.name, source_path=str(ATLANTA),
                                 status=SceneStatus.INGESTING)
    scene = scene_ingest(scene_id=scene.pk)
    if scene.status != SceneStatus.READY:
        raise SystemExit(f"ingest failed: {scene.status_reason}")
    model_version_ensure_default()
    out = scene_out(scene)
    clicks = [click_in(p) for p in buildings()[:BUILDINGS]]
    return {"scene_id": scene.pk, "label_class": label.pk, "users": users, "clicks": clicks,
            "bounds": out["bounds"], "minzoom": out["minzoom"], "maxzoom": out["maxzoom"]}


def _lon(x: float, z: int) -> float:
    return x / 2**z * 360 - 180


def _lat(y: float, z: int) -> float:
    return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / 2**z))))


def scene_tiles(bounds, minzoom: int, maxzoom: int, per_zoom: int = 12) -> list[tuple[int, int, int]]:
    """Up to ``per_zoom`` tiles per zoom over the scene's bounds (lon/lat), the zooms a viewer of it would use."""
    w, s, e, n = bounds

    def tile(lon, lat, z):
        k = 2**z
        x = int((lon + 180) / 360 * k)
        y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * k)
        return min(max(x, 0), k - 1), min(max(y, 0), k - 1)

    tiles = []
    for z in range(max(minzoom, maxzoom - 3), maxzoom + 1):
        x0, y0 = tile(w, n, z)
        x1, y1 = tile(e, s, z)
        zoom_tiles = [(z, x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)
                      if w <= _lon(x + 0.5, z) <= e and s <= _lat(y + 0.5, z) <= n]
        step = max(1, len(zoom_tiles) // per_zoom)
        tiles += zoom_tiles[::step][:per_zoom]
    return tiles


def worker_start(env: dict, name: str) -> subprocess.Popen:
    return subprocess.Popen(
        [str(VENV_BIN / "celery"), "-A", "webapp", "worker", "-Q", "gpu,default,export,train", "-c", "1",
         "--prefetch-multiplier", "1", "-n", name, "-l", "warning"],
        cwd=ROOT, env=env, stdout=open(LOGS / f"{name.split('@')[0]}.log", "w"), stderr=subprocess.STDOUT)


def worker_wait(name: str, timeout: float) -> bool:
    from webapp.celery import app

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if app.control.ping(timeout=0.5, destination=[name]):
                return True
        except Exception:  # noqa: BLE001 - broker not reachable yet
            time.sleep(0.5)
    return False


async def probe(base: str, data: dict, rec: Recorder, pool: ThreadPoolExecutor, deadline: float,
                rounds: dict) -> None:
    """Two probes of "answering normally", each as often as it can (every half second at most): ``http``:
    /healthz 200 and the user's own record 200; ``click``: a click on a fresh prompt socket answered with a mask."""
    me = Annotator(len(data["users"]) - 1, base, data, Recorder(rec.t0), pool, deadline)
    clicker = Annotator(len(data["users"]) - 1, base, data, Recorder(rec.t0), pool, deadline)
    login(me.http, data["users"][-1], PASSWORD)
    clicker.http.cookies = dict(me.http.cookies)
    lon, lat = data["clicks"][0]

    async def http_round() -> tuple[bool, dict]:
        health, body = await me.call("healthz", "GET", "/healthz")
        if health != "200":
            try:
                health = f"{health} {','.join(json.loads(body).get('failing', []))}"
            except ValueError:
                pass
        own, _ = await me.call("me", "GET", "/api/auth/me/")
        return health == "200" and own == "200", {"healthz": health, "me": own}

    async def click_round() -> tuple[bool, dict]:
        clicker.n += 1
        await clicker.socket_call("ws_click", {"type": "prompt", "request_id": clicker.n, "points": [[lon, lat]],
                                               "labels": [1], "box": None, "map_resolution": RESOLUTIONS[0],
                                               "previous_proposal_id": None}, "mask")
        if clicker.prompt is not None:
            await clicker.prompt.close()
            clicker.prompt = None
        outcome = clicker.rec.samples[-1][2]
        return outcome == "mask", {"click": outcome}

    async def loop(kind, round_):
        rounds[kind] = []
        while time.monotonic() < deadline:
            started = time.monotonic()
            ok, detail = await round_()
            rounds[kind].append((started - rec.t0, time.monotonic() - rec.t0, ok, detail))
            await asyncio.sleep(max(0.0, 0.5 - (time.monotonic() - started)))

    await asyncio.gather(loop("http", http_round), loop("click", click_round))


async def faults(args, redis_server: RedisServer, workers: list, env: dict, t0: float, log: list) -> None:
    plan = sorted([(args.restart_redis_at, "redis"), (args.kill_worker_at, "worker")])
    for at, kind in plan:
        if at is None or at < 0 or at >= args.seconds:
            continue
        await asyncio.sleep(max(0.0, t0 + at - time.monotonic()))
        if kind == "redis":
            started = time.monotonic() - t0
            redis_server.kill()
            await asyncio.sleep(args.redis_down)
            await asyncio.to_thread(redis_server.start)
            log.append({"fault": "redis_restart", "at_s": round(started, 2),
                        "back_at_s": round(time.monotonic() - t0, 2)})
        else:
            victim = workers[0]
            started = time.monotonic() - t0
            victim["proc"].kill()
            victim["proc"].wait()
            name = f"load-fresh-{os.getpid()}@%h"
            proc = worker_start(env, name)
            workers[0] = {"name": name, "proc": proc}
            import socket

            ready = await asyncio.to_thread(worker_wait, name.replace("%h", socket.gethostname()), 120)
            log.append({"fault": "worker_kill", "at_s": round(started, 2),
                        "back_at_s": round(time.monotonic() - t0, 2) if ready else None})


def recovery(faults_log: list, rounds: dict, annotators: list) -> list:
    """Per fault and probe: the rounds that failed between the fault and the next one (or the end), and when the
    app answered normally again: the end of the first passing round after the last failing one (the fault itself
    when none failed); for a Redis restart also how many events sockets heard nothing after it came back."""
    ends = [f["at_s"] for f in faults_log[1:]] + [math.inf]
    for fault, until in zip(faults_log, ends, strict=True):
        back = fault["back_at_s"]
        for kind, kind_rounds in rounds.items():
            window = [r for r in kind_rounds if fault["at_s"] <= r[0] < until]
            failed = [r for r in window if not r[2]]
            if not failed:
                normal = fault["at_s"]
            else:
                first = next((r for r in window if r[0] > failed[-1][0] and r[2]), None)
                normal = first[1] if first else None
            fault[kind] = {
                "failed_rounds": len(failed), "of_rounds": len(window),
                "first_failure": failed[0][3] if failed else None,
                "normal_again_after_fault_s": round(normal - fault["at_s"], 2) if normal is not None else None,
                "normal_again_after_back_s": (round(max(0.0, normal - back), 2)
                                              if normal is not None and back is not None else None),
            }
        if fault["fault"] == "redis_restart" and back is not None:
            fault["events_sockets_deaf_after"] = len([a for a in annotators if a.events_at and
                                                      not [t for t in a.events_at if t > back]])
    return faults_log


def summarize(samples: list) -> dict:
    out = {}
    for endpoint in sorted({s[1] for s in samples}):
        rows = [s for s in samples if s[1] == endpoint]
        outcomes: dict[str, int] = {}
        for s in rows:
            outcomes[s[2]] = outcomes.get(s[2], 0) + 1
        errors = [s for s in rows if not is_ok(s[2])]
        out[endpoint] = {**latency_summary([s[3] for s in rows if is_ok(s[2])]), "requests": len(rows),
                         "errors": len(errors), "outcomes": outcomes}
    return out


async def drill(args, base: str, data: dict, redis_server: RedisServer, workers: list, env: dict) -> dict:
    pool = ThreadPoolExecutor(max_workers=args.annotators + 4, thread_name_prefix="http")
    t0 = time.monotonic()
    deadline = t0 + args.seconds
    rec = Recorder(t0)
    rounds: dict = {}
    fault_log: list = []
    annotators = [Annotator(i, base, data, rec, pool, deadline) for i in range(args.annotators)]
    max_actions = int(args.seconds / max(args.think * 0.5, 0.05)) + 1
    tasks = [asyncio.create_task(a.run(args.think, max_actions)) for a in annotators]
    tasks.append(asyncio.create_task(probe(base, data, rec, pool, deadline, rounds)))
    tasks.append(asyncio.create_task(faults(args, redis_server, workers, env, t0, fault_log)))
    done = await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), args.seconds + 180)
    crashed = [f"{type(r).__name__}: {r}" for r in done if isinstance(r, BaseException)]
    pool.shutdown(wait=False)
    samples = rec.samples
    traffic = samples  # every request, socket message and socket opening
    total = len(traffic)
    errors = [s for s in traffic if not is_ok(s[2])]
    five = [s for s in traffic if s[2].isdigit() and int(s[2]) >= 500]
    return {
        "wall_s": round(time.monotonic() - t0, 1),
        "requests": total,
        "errors": len(errors),
        "error_rate": round(len(errors) / total, 4) if total else None,
        "http_5xx": len(five),
        "http_5xx_by_status": {code: len([s for s in five if s[2] == code]) for code in sorted({s[2] for s in five})},
        "endpoints": summarize(samples),
        "faults": recovery(fault_log, rounds, annotators),
        "probe_rounds": {kind: len(r) for kind, r in rounds.items()},
        "probe_failed_rounds": {kind: len([x for x in r if not x[2]]) for kind, r in rounds.items()},
        "events_received": sum(len(a.events_at) for a in annotators),
        "crashed_tasks": crashed,
        "errors_by_second": _errors_by_second(errors),
    }


def _errors_by_second(errors: list) -> dict:
    out: dict[str, dict] = {}
    for t, endpoint, outcome, _ in errors:
        bucket = out.setdefault(str(int(t)), {})
        key = f"{endpoint} {outcome}"
        bucket[key] = bucket.get(key, 0) + 1
    return out


def warm_up(base: str, data: dict) -> float:
    """Encode the windows the clicks use (one click per building and map resolution, not measured)."""

    async def run():
        a = Annotator(len(data["users"]) - 1, base, data, Recorder(time.monotonic()),
                      ThreadPoolExecutor(max_workers=1), time.monotonic() + 600)
        a.socket_timeout = WARM_TIMEOUT_S
        login(a.http, data["users"][-1], PASSWORD)
        for res in RESOLUTIONS:
            for lon, lat in data["clicks"]:
                a.n += 1
                print(f"warm-up click {a.n} ({res} m/px)", end="\r", flush=True)
                await a.socket_call("warm", {"type": "prompt", "request_id": a.n, "points": [[lon, lat]],
                                             "labels": [1], "box": None, "map_resolution": res,
                                             "previous_proposal_id": None}, "mask")
        if a.prompt is not None:
            await a.prompt.close()
        return a.rec.samples

    started = time.monotonic()
    samples = asyncio.run(run())
    failed = [s for s in samples if s[2] != "mask"]
    if failed:
        print(f"warm-up: {len(failed)} of {len(samples)} clicks failed, e.g. {failed[0]}", flush=True)
    return round(time.monotonic() - started, 1)


def _terminate(signum, frame):
    raise SystemExit(f"stopped by signal {signum}")


def main(argv=None) -> dict:
    signal.signal(signal.SIGTERM, _terminate)  # so that the services started here are stopped
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--annotators", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--restart-redis-at", type=float, default=None, help="seconds into the run (default 1/3)")
    parser.add_argument("--kill-worker-at", type=float, default=None, help="seconds into the run (default 2/3)")
    parser.add_argument("--redis-down", type=float, default=2.0, help="seconds Redis stays down")
    parser.add_argument("--workers", type=int, default=2, help="Celery workers (-c 1 each, every queue)")
    parser.add_argument("--think", type=float, default=1.0, help="mean seconds between an annotator's actions")
    parser.add_argument("--no-warm", action="store_true", help="skip encoding the clicked windows beforehand")
    parser.add_argument("--quick", action="store_true", help="4 annotators for 20 s (while developing)")
    args = parser.parse_args(argv)
    if args.quick:
        args.annotators, args.seconds = 4, 20
    if args.restart_redis_at is None:
        args.restart_redis_at = round(args.seconds / 3, 1)
    if args.kill_worker_at is None:
        args.kill_worker_at = round(args.seconds * 2 / 3, 1)
    if args.workers < 1:
        parser.error("--workers must be at least 1")

    LOGS.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(MEDIA, ignore_errors=True)
    redis_server = RedisServer(free_port(), LOGS / "redis.log")
    redis_server.start()
    db_url = database_recreate(os.environ.get("DATABASE_URL", "postgis://postgres@127.0.0.1:5432/geoloop"))
    env = dict(os.environ)
    env.update(DATABASE_URL=db_url, REDIS_URL=f"redis://127.0.0.1:{redis_server.port}/0",
               GEOLOOP_MEDIA_ROOT=str(MEDIA), DJANGO_SETTINGS_MODULE="webapp.settings", PYTHONUNBUFFERED="1",
               GEOLOOP_MODELS_DIR=os.environ.get("GEOLOOP_MODELS_DIR") or str(ROOT / ".local" / "models"))
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "REDIS_URL", "GEOLOOP_MEDIA_ROOT",
                                           "DJANGO_SETTINGS_MODULE", "GEOLOOP_MODELS_DIR")})
    procs: list[subprocess.Popen] = []
    workers: list[dict] = []
    try:
        t_setup = time.monotonic()
        print(json.dumps({"machine": machine()}), flush=True)
        data = setup_data(args.annotators)
        data["tiles"] = scene_tiles(data["bounds"], data["minzoom"], data["maxzoom"])
        import socket

        for i in range(args.workers):
            name = f"load-{i}-{os.getpid()}@%h"
            workers.append({"name": name, "proc": worker_start(env, name)})
        base, web = start_uvicorn(env=env, log_path=LOGS / "web.log")
        procs.append(web)
        for w in workers:
            if not worker_wait(w["name"].replace("%h", socket.gethostname()), 180):
                raise SystemExit(f"worker {w['name']} did not answer; see {LOGS}")
        warm_s = 0.0 if args.no_warm else warm_up(base, data)
        print(f"set-up {time.monotonic() - t_setup:.1f} s (warm-up {warm_s} s); {args.annotators} annotators for "
              f"{args.seconds:g} s; Redis restart at {args.restart_redis_at:g} s, worker kill at "
              f"{args.kill_worker_at:g} s", flush=True)
        load_before = os.getloadavg()
        figures = asyncio.run(drill(args, base, data, redis_server, workers, env))
        load_after = os.getloadavg()
        figures["web_process_restarted"] = web.poll() is not None
        figures["web_pid_alive"] = web.poll() is None
    finally:
        processes_stop(procs + [w["proc"] for w in workers])
        redis_server.kill()
    print(f"{'endpoint':<16}{'requests':>9}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}  outcomes")
    for name, e in figures["endpoints"].items():
        print(f"{name:<16}{e['requests']:>9}{e['errors']:>8}{e['p50_ms']:>9}{e['p95_ms']:>9}  {e['outcomes']}")
    for fault in figures["faults"]:
        print(f"{fault['fault']} at {fault['at_s']} s, back at {fault['back_at_s']} s; deaf events sockets "
              f"{fault.get('events_sockets_deaf_after', '-')}")
        for kind in ("http", "click"):
            p = fault.get(kind, {})
            print(f"  {kind} probe: normal again {p.get('normal_again_after_fault_s')} s after the fault "
                  f"({p.get('normal_again_after_back_s')} s after it came back); failed rounds "
                  f"{p.get('failed_rounds')} of {p.get('of_rounds')}, first {p.get('first_failure')}")
    print(f"requests {figures['requests']}, errors {figures['errors']} ({figures['error_rate']:.2%}), "
          f"5xx {figures['http_5xx']} {figures['http_5xx_by_status']}; web process restarted: "
          f"{figures['web_process_restarted']}")
    out = {"bench": "load", "annotators": args.annotators, "seconds": args.seconds, "think_s": args.think,
           "workers": args.workers, "redis_down_s": args.redis_down, **figures,
           "machine": machine(loadavg_before=[round(v, 2) for v in load_before],
                              loadavg_after=[round(v, 2) for v in load_after])}
    print(json.dumps(out))
    return out


if __name__ == "__main__":
    main()
