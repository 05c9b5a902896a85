"""The front end works under the Content-Security-Policy: the page is served with it, and logging in, opening the
sample scene (OpenLayers tiles) and the admin page raise no CSP violation in the browser."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

COLLECT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${where}`);
});
"""


def test_the_app_runs_under_the_csp_without_violations(app_server, sample_scene, page):
    page.add_init_script(COLLECT_VIOLATIONS)
    response = page.goto(app_server.url + "/")
    policy = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in policy, policy
    assert "unsafe-inline" not in policy, policy

    page.get_by_test_id("login-username").fill(sample_scene.username)
    page.get_by_test_id("login-password").fill(sample_scene.password)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("current-user")).to_have_text(sample_scene.username)
    page.locator(f'[data-testid=project-item][data-project-id="{sample_scene.project_id}"] a').click()
    page.locator(f'[data-testid=scene-item][data-scene-id="{sample_scene.scene_id}"] a').click()
    page.wait_for_function(
        """() => {
          const m = document.querySelector('[data-testid=map]');
          return m && m.dataset.renderComplete === 'true' && Number(m.dataset.tilesLoaded) > 0;
        }""",
        timeout=60_000,
    )
    violations = page.evaluate("window.__cspViolations")
    console = [line for line in page.log.console if "Content Security Policy" in line]
    assert violations == [], (violations, console)
    assert console == [], (violations, console)
    assert page.log.page_errors == []
