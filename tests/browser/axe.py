"""axe-core in the browser tests (issue 20): the vendored, minified axe-core (npm `axe-core`,
MPL-2.0, tests/browser/vendor/) so CI needs no network. The site's CSP forbids injected
scripts, so the pages are checked in a context created with `bypass_csp=True`."""

from __future__ import annotations

from pathlib import Path

AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
FAILING_IMPACTS = ("serious", "critical")


def axe_violations(page) -> list[dict]:
    """Serious and critical WCAG 2.x A/AA violations on the page as it is now."""
    page.add_script_tag(content=AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {
                runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
                resultTypes: ["violations"],
            });
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => ({target: n.target, summary: n.failureSummary})),
                count: v.nodes.length,
            }));
        }"""
    )
    return [v for v in result if v["impact"] in FAILING_IMPACTS]


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['impact']}: {v['id']} ({v['count']}) — {v['help']}")
        for n in v["nodes"]:
            lines.append(f"    {n['target']}: {(n['summary'] or '').splitlines()[-1:]}")
    return "\n".join(lines)
