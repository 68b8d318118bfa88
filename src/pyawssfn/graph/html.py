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
#graph svg { max-width: 100%; height: auto; }
#graph g.node.state { cursor: pointer; }
#graph g.node.selected polygon, #graph g.node.selected path { stroke: #1565c0; stroke-width: 3; }
.cluster-box { border: 1px dashed #888; border-radius: 6px; margin: 8px 0 8px 16px; padding: 6px; }
.cluster-box > h3 { font-size: 13px; margin: 2px 0 6px; color: #555; }
.state { border: 1px solid #999; border-radius: 6px; margin: 6px 0; padding: 6px 8px; cursor: pointer;
         background: #fff; }
.state.selected { outline: 3px solid #1565c0; }
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
    document.getElementById('panel-json').textContent = JSON.stringify(s.state, null, 2);
  }
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


def _states_json(graph: Graph) -> str:
    data = {n.id: {"name": n.name, "path": n.path, "state": n.state}
            for n in graph.all_nodes() if n.kind not in ("start", "end")}
    # "</" inside a script element would end it early.
    return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1).replace("</", "<\\/")


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


def render(graph: Graph, svg: str | None, title: str) -> str:
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
<pre id="panel-json"></pre>
</div>
<script type="application/json" id="states-data">{_states_json(graph)}</script>
<script>{_SCRIPT}</script>
</body>
</html>
"""
