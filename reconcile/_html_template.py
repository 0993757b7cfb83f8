"""The page skeleton and stylesheet of the HTML report: one file, no external assets, no script.

Kept as a Python module (not a .html file) so it ships inside the package with no packaging
rule; `render_html` fills the `$placeholders` with markup it has escaped itself.
"""

from __future__ import annotations

from string import Template

STYLE = """
:root { --go: #1a7f37; --nogo: #cf222e; --ink: #1f2328; --muted: #59636e; --line: #d1d9e0;
        --soft: #f6f8fa; --bar: #0969da; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
       margin: 0 auto; max-width: 1180px; padding: 24px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 32px 0 8px; border-bottom: 1px solid var(--line);
     padding-bottom: 4px; }
h3 { font-size: 15px; margin: 20px 0 6px; }
.muted { color: var(--muted); }
.verdict { border-radius: 8px; padding: 14px 18px; margin: 16px 0; color: #fff; }
.verdict.go { background: var(--go); }
.verdict.nogo { background: var(--nogo); }
.verdict strong { font-size: 28px; letter-spacing: .04em; }
.verdict ul { margin: 8px 0 0; padding-left: 20px; }
table { border-collapse: collapse; margin: 6px 0 12px; width: 100%; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: var(--soft); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.pass { color: var(--go); font-weight: 600; }
td.fail { color: var(--nogo); font-weight: 700; }
table.diff td { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px;
                white-space: pre-wrap; word-break: break-word; }
table.diff td.path { white-space: nowrap; word-break: normal; }
table.diff td.expected { background: #dafbe1; }
table.diff td.actual { background: #ffebe9; }
.finding { border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; margin: 8px 0; }
.finding .kind { font-weight: 700; text-transform: uppercase; font-size: 12px; }
figure { margin: 8px 0 16px; }
figcaption { color: var(--muted); font-size: 12px; }
svg text { font: 12px system-ui, sans-serif; fill: var(--ink); }
svg .bar.ok { fill: var(--go); }
svg .bar.low { fill: var(--nogo); }
svg .threshold { stroke: var(--ink); stroke-dasharray: 4 3; }
svg .axis { stroke: var(--line); }
svg .trend { fill: none; stroke: var(--bar); stroke-width: 2; }
svg .trend.field { stroke: #8250df; stroke-dasharray: 5 3; }
svg .point { fill: var(--bar); }
svg .point.nogo { fill: var(--nogo); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 8px 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
#sign-off table.sign-off { width: 60%; }
#sign-off th { width: 9em; }
#sign-off td.blank { height: 2.2em; }
#sign-off .decision { list-style: none; padding-left: 0; }
#sign-off .box { display: inline-block; width: 12px; height: 12px; border: 1px solid var(--ink);
                 vertical-align: -1px; margin-right: 6px; }
#sign-off .notes { border: 1px solid var(--line); height: 6em; }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; }
@media print { #sign-off { break-inside: avoid; } }
"""

PAGE = Template(
    """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>$title</title>
<style>$style</style>
</head>
<body>
<header>
<h1>$title</h1>
<p class="muted">Generated $generated_at$meta</p>
</header>
$verdict
<main>
$body
</main>
<footer>Report schema $schema_version. This file is self-contained: no network, no script.</footer>
</body>
</html>
"""
)
