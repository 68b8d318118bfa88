"""A single self-contained HTML page (no network: no CDN scripts, no fonts, no images to fetch).

With Graphviz the page holds the SVG drawing, inlined; without it, an outline of the same graph (every state as a
card listing its transitions, branches and processors nested) so the page still works. In both, clicking a state
shows its JSON, and ``page.html#state=NAME`` opens a state on load (handy for links, and how the tests click)."""
from __future__ import annotations

import html
import json

from pyawssfn.graph.model import Cluster, Graph

_STYLE = """
body { font-family: Helvetica, Arial, sans-serif; margin: 0; display: flex; height: 100vh; }
#graph { flex: 3; overflow: auto; padding: 12px; border-right: 1px solid #ccc; }
#panel { flex: 2; overflow: auto; padding: 12px; background: #fafafa; }
#panel pre { white-space: pre-wrap; word-break: break-word; font-size: 12px; }
#graph svg { display: block; }
#graph g.node.visited polygon, #graph g.node.visited path, #graph g.node.visited ellipse {
  fill: #e3f2d9; stroke: #2e7d32; stroke-width: 2; }
#graph g.node.failed polygon, #graph g.node.failed path { fill: #f8d0d0; stroke: #b02020; stroke-width: 2.5; }
#graph.run g.node.state:not(.visited) { opacity: 0.5; }
#graph g.edge.taken path { stroke: #2e7d32; stroke-width: 2.5; }
#graph g.edge.taken polygon { fill: #2e7d32; stroke: #2e7d32; }
#panel h3 { font-size: 13px; margin: 12px 0 4px; color: #444; }
#panel pre.python { background: #f4f1e8; padding: 6px; }
#graph g.node.state { cursor: pointer; }
#graph g.node.selected polygon, #graph g.node.selected path { stroke: #1565c0; stroke-width: 3; }
.cluster-box { border: 1px dashed #888; border-radius: 6px; margin: 8px 0 8px 16px; padding: 6px; }
.cluster-box > h3 { font-size: 13px; margin: 2px 0 6px; color: #555; }
.state { border: 1px solid #999; border-radius: 6px; margin: 6px 0; padding: 6px 8px; cursor: pointer;
         background: #fff; }
.state.selected { outline: 3px solid #1565c0; }
.state.visited { background: #e3f2d9; border-color: #2e7d32; }
.state .name { font-weight: bold; }
.state .kind { color: #666; font-size: 12px; margin-left: 6px; }
.state ul { margin: 4px 0 0 0; padding-left: 18px; font-size: 12px; }
.state.end { border-width: 3px; }
.state.succeed { background: #d4f4d4; border-color: #2a7d2a; }
.state.fail { background: #f8d0d0; border-color: #b02020; }
.note { color: #777; font-size: 12px; }
"""

_SCRIPT = """
(function () {
  var data = JSON.parse(document.getElementById('states-data').textContent);
  var byName = {};
  Object.keys(data).forEach(function (id) { byName[data[id].name] = id; });
  var selected = null;
  function show(id) {
    var s = data[id];
    if (!s) return;
    if (selected) selected.classList.remove('selected');
    selected = document.getElementById(id);
    if (selected) selected.classList.add('selected');
    document.getElementById('panel-title').textContent = s.name;
    document.getElementById('panel-path').textContent = s.path;
    var py = document.getElementById('panel-python');
    py.textContent = s.source ? ('line ' + s.source.line + '\\n' + s.source.text) : '(no Python source for this state)';
    document.getElementById('panel-json').textContent = JSON.stringify(s.state, null, 2);
    var runs = document.getElementById('panel-run');
    if (s.visits === undefined) { runs.textContent = ''; }
    else if (!s.visits.count) { runs.textContent = 'not entered in this run'; }
    else {
      runs.textContent = 'entered ' + s.visits.count + ' time' + (s.visits.count > 1 ? 's' : '') + '\\n' +
        s.visits.shown.map(function (v, i) {
          return '#' + (i + 1) + ' input:  ' + v.input + '\\n   output: ' + (v.error ? ('error ' + v.error) : v.output);
        }).join('\\n');
    }
  }
  function fit() {
    // Fit the drawing to the pane, never below its natural size: labels stay readable, a big machine scrolls.
    var svg = document.querySelector('#graph svg');
    if (!svg) return;
    var w = svg.width.baseVal.value, h = svg.height.baseVal.value;
    var pane = document.getElementById('graph');
    // 0.7 keeps an 11pt label at 10px or more.
    var scale = Math.max(0.7, Math.min(1.75, (pane.clientWidth - 24) / w));
    svg.setAttribute('width', String(w * scale));
    svg.setAttribute('height', String(h * scale));
  }
  var run = JSON.parse(document.getElementById('run-data').textContent);
  if (run) {
    document.getElementById('graph').classList.add('run');
    run.visited.forEach(function (id) { var el = document.getElementById(id); if (el) el.classList.add('visited'); });
    run.failed.forEach(function (id) { var el = document.getElementById(id); if (el) el.classList.add('failed'); });
    run.edges.forEach(function (id) { var el = document.getElementById(id); if (el) el.classList.add('taken'); });
  }
  fit();
  Object.keys(data).forEach(function (id) {
    var el = document.getElementById(id);
    if (!el) return;
    el.classList.add('state');
    el.addEventListener('click', function () { show(id); });
  });
  var m = /^#state=(.*)$/.exec(window.location.hash);
  if (m) { show(byName[decodeURIComponent(m[1])]); }
  document.body.setAttribute('data-ready', String(Object.keys(data).length));
})();
"""


def _script_json(value) -> str:
    # "</" inside a script element would end it early.
    return json.dumps(value, ensure_ascii=False, sort_keys=True, indent=1).replace("</", "<\\/")


def _states_json(graph: Graph, lines: dict, path) -> str:
    data = {}
    for n in graph.all_nodes():
        if n.kind in ("start", "end"):
            continue
        item = {"name": n.name, "path": n.path, "state": n.state, "source": lines.get(n.name)}
        if path is not None:
            visits = path.visits.get(n.name, [])
            item["visits"] = {"count": path.counts.get(n.name, 0),
                              "shown": [{"input": _cut(v.input), "output": _cut(v.output), "error": v.error}
                                        for v in visits]}
        data[n.id] = item
    return _script_json(data)


def _cut(text, limit: int = 2000):
    if text is None:
        return None
    text = text if isinstance(text, str) else json.dumps(text, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _run_json(graph: Graph, path) -> str:
    """Ids of the states entered, of those whose last visit failed, and of the edges taken."""
    if path is None:
        return "null"
    names = {n.id: n for n in graph.all_nodes()}
    visited = [i for i, n in names.items() if n.kind not in ("start", "end") and path.counts.get(n.name)]
    failed = [i for i, n in names.items() if path.visits.get(n.name) and path.visits[n.name][-1].error
              and n.terminal == "fail"]
    edges = []
    for k, e in enumerate(graph.edges):
        src, dst = names.get(e.src), names.get(e.dst)
        if src is None or dst is None:
            continue
        if dst.kind == "start":  # a Parallel or Map state into one of its branches
            taken = bool(path.counts.get(src.name))
        elif src.kind == "start":
            taken = dst.name in path.starts
        elif dst.kind == "end":
            taken = src.name in path.ends and bool(path.counts.get(src.name))
        elif e.style == "branch":
            taken = bool(path.counts.get(dst.name)) and bool(path.counts.get(src.name))
        else:
            taken = (src.name, dst.name) in path.transitions
        if taken:
            edges.append(f"e{k}_{e.src}_{e.dst}")
    return _script_json({"visited": visited, "failed": failed, "edges": edges})


def _outline(graph: Graph) -> str:
    outgoing: dict[str, list[str]] = {}
    names = {n.id: n.name for n in graph.all_nodes()}
    for e in graph.edges:
        if e.src not in names or names.get(e.src) == "start" and e.style == "next":
            continue
        dst = names.get(e.dst, e.dst)
        arrow = "⇢" if e.style in ("catch", "branch") else "→"
        label = f"{e.label} " if e.label else ""
        outgoing.setdefault(e.src, []).append(f"{label}{arrow} {dst}")

    def cluster(c: Cluster) -> str:
        parts = []
        for n in c.nodes:
            if n.kind in ("start", "end"):
                continue
            items = "".join(f"<li>{html.escape(t)}</li>" for t in outgoing.get(n.id, []))
            classes = "state" + (f" {n.terminal}" if n.terminal else "")
            parts.append(f'<div class="{classes}" id="{n.id}"><span class="name">{html.escape(n.name)}</span>'
                         f'<span class="kind">{html.escape(" ".join(n.lines[1:]))}</span>'
                         + (f"<ul>{items}</ul>" if items else "") + "</div>")
        for sub in c.clusters:
            parts.append(f'<div class="cluster-box"><h3>{html.escape(sub.label)}</h3>{cluster(sub)}</div>')
        return "".join(parts)

    return ('<p class="note">Graphviz was not installed when this page was made, so this is an outline of the '
            "graph rather than a drawing.</p>" + cluster(graph.root))


def _strip_xml_prolog(svg: str) -> str:
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg


def render(graph: Graph, svg: str | None, title: str, source: str | None = None,
           source_map: dict[str, int] | None = None, run=None) -> str:
    """The page; ``source`` gives the inspector each state's Python lines, ``run`` (a history, or a RunPath) the path
    taken."""
    from pyawssfn.graph.runs import RunPath, read_run
    from pyawssfn.graph.source import source_lines

    lines = source_lines(source, source_map or {}) if source else {}
    path = run if isinstance(run, RunPath) or run is None else read_run(run)
    body = _strip_xml_prolog(svg) if svg is not None else _outline(graph)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{html.escape(title)}</title>
<style>{_STYLE}</style>
</head>
<body>
<div id="graph">
{body}
</div>
<div id="panel">
<h2 id="panel-title">Click a state</h2>
<div class="note" id="panel-path"></div>
<pre id="panel-run"></pre>
<h3>Python</h3>
<pre id="panel-python" class="python"></pre>
<h3>ASL</h3>
<pre id="panel-json"></pre>
</div>
<script type="application/json" id="states-data">{_states_json(graph, lines, path)}</script>
<script type="application/json" id="run-data">{_run_json(graph, path)}</script>
<script>{_SCRIPT}</script>
</body>
</html>
"""
