"""`manage.py check --deploy` is clean with the production environment documented in the README, and the
Content-Security-Policy header goes out on the front end's page and the API."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _documented_production_env() -> dict[str, str]:
    """The example values of the README's production table (`| `NAME` | `value` | what |`)."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Production", 1)[1].split("\n## ", 1)[0]
    return dict(re.findall(r"^\| `([A-Z_]+)` \| `([^`]*)` \|", section, flags=re.M))


def test_the_readme_documents_the_production_variables():
    env = _documented_production_env()
    for name in ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DJANGO_SECURE_COOKIES", "DJANGO_SECURE_SSL_REDIRECT",
                 "DJANGO_SECURE_HSTS_SECONDS", "DJANGO_DEBUG"):
        assert name in env, name


def test_check_deploy_is_clean_with_the_documented_environment(child_env):
    env = {**child_env, **_documented_production_env()}
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout, result.stdout


def test_check_deploy_warns_without_it(child_env):
    env = {k: v for k, v in child_env.items() if not k.startswith("DJANGO_SECURE")}
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout  # HSTS


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/api/projects/"])
def test_csp_header_is_sent(client, path):
    header = client.get(path).headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in header
    assert "script-src 'self'" in header
    assert "unsafe-inline" not in header
    assert "unsafe-eval" not in header
