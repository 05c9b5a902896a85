"""The front end's API types (frontend/src/api/schema.d.ts) are what openapi-typescript makes of today's schema, and
the check that says so (`scripts/api-types.sh --check`, run by `make test`) does fail when the schema changes."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "api-types.sh"
HINT = "npm run api:types"


def _check(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(SCRIPT), "--check", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, check=False)


def _schema(path: Path) -> dict:
    # The same command the script runs (a subprocess: the schema the server serves, not the test settings').
    subprocess.run([sys.executable, "manage.py", "spectacular", "--format", "openapi-json", "--file", str(path)],
                   cwd=ROOT, check=True, capture_output=True, timeout=300)
    return json.loads(path.read_text())


def test_committed_types_match_the_schema():
    result = _check()
    assert result.returncode == 0, result.stderr


def test_the_check_fails_naming_the_command_when_the_schema_changed(tmp_path):
    schema = _schema(tmp_path / "schema.json")
    same = _check("--schema", str(tmp_path / "schema.json"))
    assert same.returncode == 0, same.stderr

    user = schema["components"]["schemas"]["UserOutput"]
    user["properties"]["nickname"] = {"type": "string"}
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(schema))
    stale = _check("--schema", str(changed))
    assert stale.returncode == 1
    assert HINT in stale.stderr
    assert "nickname" in stale.stderr  # the diff shows what changed
