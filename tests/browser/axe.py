"""axe-core run inside the page under test, against WCAG 2.0 and 2.1 levels A and AA."""

from __future__ import annotations

from playwright.sync_api import Page

from consultation.config import ROOT

AXE_SOURCE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

_RUN_AXE = """tags => axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
})"""


def assert_no_axe_violations(page: Page) -> None:
    """Fail with every violation (rule, help, target nodes) found on the page as it is now.

    The page's context must be created with bypass_csp=True: the application's CSP forbids the
    injected script, as it should.
    """
    violations = axe_violations(page)
    if violations:
        report = describe_violations(page.url, violations)
        print(report)
        raise AssertionError(report)


def axe_violations(page: Page) -> list[dict]:
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=AXE_SOURCE)
    return page.evaluate(_RUN_AXE, WCAG_TAGS)["violations"]


def describe_violations(url: str, violations: list[dict]) -> str:
    lines = [f"axe-core found {len(violations)} violation(s) on {url}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"    at {' '.join(map(str, node['target']))}")
            lines.append(f"       {node['failureSummary'].replace(chr(10), ' ')}")
    return "\n".join(lines)
