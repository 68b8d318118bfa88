"""The HTML graph as headless Chromium draws it (issue #11 item 6): Parallel and Map states are boxes that hold
their branches, Choice edges carry each rule's own Python condition, labels are readable, the inspector shows the
state's Python beside its ASL, and `run --graph` colours the path the run took."""
from __future__ import annotations

import html
import json
import pathlib
import re
import shutil
import subprocess

import pytest

from pyawssfn.cli import main
from pyawssfn.compiler import compile_file
from pyawssfn.graph import build, render
from pyawssfn.graph.source import python_conditions

REPO = pathlib.Path(__file__).resolve().parents[2]
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1400,900"]

# Appended to a copy of the page: measures what Chromium drew and writes it into the DOM for --dump-dom.
MEASURE = """
<script>
(function () {
  function box(el) { var r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }
  var out = {labels: [], clusters: {}, nodes: {}, edges: {}, classes: {}};
  document.querySelectorAll('#graph svg text').forEach(function (t) {
    if (t.textContent.trim()) out.labels.push([t.textContent, t.getBoundingClientRect().height]);
  });
  document.querySelectorAll('#graph svg g.cluster').forEach(function (g) { out.clusters[g.id] = box(g); });
  document.querySelectorAll('#graph svg g.node').forEach(function (g) {
    out.nodes[g.id] = box(g); out.classes[g.id] = g.getAttribute('class');
  });
  document.querySelectorAll('#graph svg g.edge').forEach(function (g) {
    out.edges[g.id] = [Array.from(g.querySelectorAll('text')).map(function (t) { return t.textContent; }).join(' '),
                       g.getAttribute('class')];
  });
  out.python = document.getElementById('panel-python').textContent;
  out.asl = document.getElementById('panel-json').textContent;
  out.run = document.getElementById('panel-run').textContent;
  var pre = document.createElement('pre'); pre.id = 'measure'; pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>
"""


def _measure(tmp_path: pathlib.Path, page: str, state: str) -> dict:
    exe = shutil.which("chromium")
    if exe is None:
        pytest.fail("chromium is not installed; install it with: apt-get install -y chromium")
    if shutil.which("dot") is None:
        pytest.fail("Graphviz is not installed; install it with: apt-get install -y graphviz")
    path = tmp_path / "page.html"
    path.write_text(page.replace("</body>", MEASURE + "</body>"), encoding="utf-8")
    url = path.as_uri() + "#state=" + state
    proc = subprocess.run([exe, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", url],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    m = re.search(r'<pre id="measure">(.*?)</pre>', proc.stdout, re.S)
    assert m, proc.stdout[-2000:]
    return json.loads(html.unescape(m.group(1)))


def _inside(inner, outer, slack: float = 0.5) -> bool:
    return (inner[0] >= outer[0] - slack and inner[1] >= outer[1] - slack and inner[2] <= outer[2] + slack
            and inner[3] <= outer[3] + slack)


def _drawn(example: str):
    path = REPO / "examples" / example
    result = compile_file(str(path))
    source = path.read_text(encoding="utf-8")
    graph = build(result.definition, result.source_map, python_conditions(source, result.definition,
                                                                          result.source_map))
    return result, source, graph


def _containers(graph):
    """cluster id -> the ids of every node drawn inside it, from the model."""
    out = {}

    def walk(cluster):
        ids = [n.id for n in cluster.nodes]
        for sub in cluster.clusters:
            ids += walk(sub)
        if cluster.kind == "container":
            out["cluster_" + cluster.id] = ids
        return ids

    walk(graph.root)
    return out


@pytest.mark.parametrize("example, kind", [("analyse_text.py", "Parallel"), ("fan_out.py", "Map")])
def test_containers_hold_their_branches_and_labels_are_readable(tmp_path, example, kind):
    result, source, graph = _drawn(example)
    page = render(result.definition, "html", result.source_map, source=source)
    seen = _measure(tmp_path, page, "x")
    containers = _containers(graph)
    assert containers, f"no {kind} container in the model"
    for cluster_id, members in containers.items():
        assert cluster_id in seen["clusters"], f"{cluster_id} not drawn"
        assert len(members) >= 2
        for node_id in members:
            assert _inside(seen["nodes"][node_id], seen["clusters"][cluster_id]), (node_id, cluster_id)
    heights = [h for _, h in seen["labels"]]
    assert heights and min(heights) >= 10, sorted(seen["labels"], key=lambda x: x[1])[:5]


def test_choice_edges_carry_each_rules_python_condition(tmp_path):
    result, source, graph = _drawn("analyse_text.py")
    page = render(result.definition, "html", result.source_map, source=source)
    seen = _measure(tmp_path, page, "x")
    choice = next(n for n in graph.all_nodes() if n.kind == "Choice")
    labels = [text for eid, (text, _) in seen["edges"].items() if re.match(rf"e\d+_{choice.id}_", eid)]
    assert sorted(labels) == sorted(['summary["head"] == "a" or summary["head"] == "b"',
                                     'summary["head"] == "c"', "else"]), labels
    assert len(set(labels)) == len(labels)


def test_inspector_shows_python_beside_asl_and_the_run_path(tmp_path):
    out = tmp_path / "run.html"
    assert main(["run", str(REPO / "examples" / "analyse_text.py"), "--input", '{"text": "choose wisely"}',
                 "--json", "--graph", str(out)]) == 0
    seen = _measure(tmp_path, out.read_text(encoding="utf-8"), "get_summary")
    assert seen["python"] == "line 45\nsummary = get_summary(text)"
    assert json.loads(seen["asl"])["Type"] == "Task"
    assert seen["run"].startswith("entered 1 time\n#1 input:  {\"text\":\"choose wisely\"}")
    _, _, graph = _drawn("analyse_text.py")
    ids = {n.name: n.id for n in graph.all_nodes()}
    visited = {name for name, i in ids.items() if "visited" in (seen["classes"].get(i) or "")}
    assert visited == {"get_summary", 'if summary["head"] == "a" or summary["head"] == "b"', "format_c_result"}
    taken = {eid for eid, (_, cls) in seen["edges"].items() if "taken" in (cls or "")}
    assert any(f"_{ids['get_summary']}_" in e for e in taken)
    assert not any(f"_{ids['augment_summary']}" in e for e in taken)
