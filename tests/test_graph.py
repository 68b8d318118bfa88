"""pyawssfn graph: golden mermaid/dot text, mermaid that mermaid itself parses, well-formed SVG, and an HTML page that
a real headless Chromium renders with every state in it."""
from __future__ import annotations

import html.parser
import json
import pathlib
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

from pyawssfn.cli import main
from pyawssfn.graph import build, dot, mermaid, render

REPO = pathlib.Path(__file__).resolve().parent.parent

SMALL = {
    "StartAt": "Check",
    "States": {
        "Check": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericGreaterThan": 3, "Next": "Work"}],
                  "Default": "Give up"},
        "Work": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": True,
                 "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Give up"}]},
        "Give up": {"Type": "Fail", "Error": "Nope"},
    },
}

GOLDEN_MERMAID = """flowchart TD
  n1(("start"))
  n3{"Check<br/>Choice"}
  n4["Work<br/>Task #183; line 7"]
  n5(["Give up<br/>Fail"])
  n2((("end")))
  n1 --> n3
  n3 -->|"$.n #62; 3"| n4
  n3 -->|"default"| n5
  n4 --> n2
  n4 -.->|"catch States.ALL"| n5
  class n1 marker
  class n4 endState
  class n5 failState
  class n2 marker
  classDef marker fill:#444,stroke:#444,color:#fff
  classDef endState stroke-width:3px
  classDef succeedState fill:#d4f4d4,stroke:#2a7d2a,stroke-width:2px
  classDef failState fill:#f8d0d0,stroke:#b02020,stroke-width:2px
"""

GOLDEN_DOT = """digraph StateMachine {
  graph [rankdir=TB, fontname="Helvetica", fontsize=11];
  node [fontname="Helvetica", fontsize=11];
  edge [fontname="Helvetica", fontsize=11];
  n1 [label="", shape=circle, width=0.25, style=filled, fillcolor="#444444", id="n1"];
  n3 [label="Check\\nChoice", shape=diamond, id="n3", tooltip="Check"];
  n4 [label="Work\\nTask · line 7", shape=box, id="n4", tooltip="Work", style="rounded", penwidth=3];
  n5 [label="Give up\\nFail", shape=box, id="n5", tooltip="Give up", style="rounded,filled", fillcolor="#f8d0d0", \
color="#b02020", penwidth=2];
  n2 [label="", shape=doublecircle, width=0.2, style=filled, fillcolor="#444444", id="n2"];
  n1 -> n3 [id="e0_n1_n3"];
  n3 -> n4 [id="e1_n3_n4", label="$.n > 3"];
  n3 -> n5 [id="e2_n3_n5", label="default"];
  n4 -> n2 [id="e3_n4_n2"];
  n4 -> n5 [id="e4_n4_n5", label="catch States.ALL", style=dashed, color="#b02020", fontcolor="#b02020"];
}
"""

# Names mermaid and dot cannot take raw, nested Parallel/Map, a JSONata condition with a pipe.
AWKWARD = {
    "QueryLanguage": "JSONata",
    "StartAt": 'Check "input"',
    "States": {
        'Check "input"': {"Type": "Choice", "Choices": [
            {"Condition": "{% $states.input.y = 'a|b' %}", "Next": "Fan <out>"}], "Default": "Fail [it]"},
        "Fan <out>": {"Type": "Parallel", "Next": "Each & every", "Branches": [
            {"StartAt": "Left #1", "States": {"Left #1": {"Type": "Pass", "End": True}}},
            {"StartAt": "Right; {2}", "States": {"Right; {2}": {"Type": "Wait", "Seconds": 1, "End": True}}}],
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Fail [it]"}]},
        "Each & every": {"Type": "Map", "Next": "Done", "ItemProcessor": {
            "StartAt": "Work `x` \\ end", "States": {"Work `x` \\ end": {"Type": "Pass", "End": True}}}},
        "Done": {"Type": "Succeed"},
        "Fail [it]": {"Type": "Fail", "Error": "E"},
    },
}
AWKWARD_NAMES = ['Check "input"', "Fan <out>", "Left #1", "Right; {2}", "Each & every", "Work `x` \\ end", "Done",
                 "Fail [it]"]

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _need(program: str, package: str) -> str:
    exe = shutil.which(program)
    if exe is None:
        pytest.fail(f"{program} is not installed; install it with: apt-get install -y {package}")
    return exe


def _chromium(tmp_path: pathlib.Path, url: str, *extra: str) -> str:
    exe = _need("chromium", "chromium")
    proc = subprocess.run([exe, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'chromium-profile'}", *extra, url],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


def test_mermaid_golden():
    assert mermaid.render(build(SMALL, {"Work": 7})) == GOLDEN_MERMAID


def test_dot_golden():
    assert dot.render(build(SMALL, {"Work": 7})) == GOLDEN_DOT


def test_output_is_deterministic():
    for fmt in ("mermaid", "dot"):
        assert render(AWKWARD, fmt) == render(json.loads(json.dumps(AWKWARD)), fmt)


def test_mermaid_escapes_what_it_cannot_take():
    text = render(AWKWARD, "mermaid")
    for line in text.splitlines():
        for label in re.findall(r'"([^"]*)"', line):
            raw = re.sub(r"#\d+;", "", label.replace("<br/>", ""))
            assert not set(raw) & set('"<>[]{}|;#`\\&'), label
    assert "#34;input#34;" in text and "#60;out#62;" in text and "a#124;b" in text
    assert "subgraph" in text and "-.->" in text


def test_mermaid_parses_with_mermaid(tmp_path):
    """mermaid 11 (npm, see package.json) parses every output in a headless Chromium; a broken text must not."""
    bundle = REPO / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"
    if not bundle.exists():
        pytest.fail(f"{bundle} is missing: run npm install in the repository root")
    texts = [render(AWKWARD, "mermaid"), render(SMALL, "mermaid"), 'flowchart TD\n  a["x" --> b\n']
    page = tmp_path / "parse.html"
    page.write_text(
        '<!DOCTYPE html><html><body><div id="out">pending</div>'
        f'<script src="{bundle.as_uri()}"></script><script>'
        "mermaid.initialize({startOnLoad: false});"
        f"Promise.all({json.dumps(texts)}.map(function (t) {{ return mermaid.parse(t).then("
        "function () { return 'ok'; }, function (e) { return 'error: ' + ((e && e.message) || e); }); }))"
        ".then(function (r) { document.getElementById('out').textContent = JSON.stringify(r); });"
        "</script></body></html>", encoding="utf-8")
    dom = _chromium(tmp_path, page.as_uri(), "--allow-file-access-from-files", "--virtual-time-budget=10000",
                    "--dump-dom")
    m = re.search(r'<div id="out">(.*?)</div>', dom, re.S)
    assert m, dom[-2000:]
    results = json.loads(html.unescape(m.group(1)))
    assert results[:2] == ["ok", "ok"], results
    assert results[2].startswith("error"), "the harness must be able to see a parse error"


def test_svg_is_well_formed_and_holds_every_state():
    _need("dot", "graphviz")
    svg = render(AWKWARD, "svg")
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    texts = {t.text for t in root.iter() if t.tag.endswith("text")}
    for name in AWKWARD_NAMES:
        assert name in texts


class _SvgText(html.parser.HTMLParser):
    """Text drawn inside the page's <svg> (not the JSON data block), and the body's attributes."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.texts: list[str] = []
        self.body: dict[str, str | None] = {}
        self.panel_json = ""
        self._in_panel = False

    def handle_starttag(self, tag, attrs):
        if tag == "svg":
            self.depth += 1
        if tag == "body":
            self.body = dict(attrs)
        if tag == "pre" and dict(attrs).get("id") == "panel-json":
            self._in_panel = True

    def handle_endtag(self, tag):
        if tag == "svg":
            self.depth -= 1
        if tag == "pre":
            self._in_panel = False

    def handle_data(self, data):
        if self.depth > 0:
            self.texts.append(data)
        if self._in_panel:
            self.panel_json += data


def test_html_renders_every_state_in_chromium(tmp_path):
    _need("dot", "graphviz")
    page = tmp_path / "graph.html"
    page.write_text(render(AWKWARD, "html"), encoding="utf-8")
    dom = _chromium(tmp_path, page.as_uri() + "#state=" + "Each%20%26%20every", "--dump-dom")
    parsed = _SvgText()
    parsed.feed(dom)
    drawn = set(parsed.texts)
    for name in AWKWARD_NAMES:
        assert name in drawn, f"{name!r} not drawn; drawn: {sorted(drawn)}"
    assert parsed.body.get("data-ready") == str(len(AWKWARD_NAMES)), "the page's script did not run"
    assert json.loads(parsed.panel_json)["Type"] == "Map", "opening a state did not show its JSON"


def test_html_is_self_contained():
    text = render(AWKWARD, "html") if shutil.which("dot") else pytest.fail("dot is not installed (apt-get install "
                                                                          "graphviz)")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text)
    assert "<script src" not in text


def test_html_without_graphviz_falls_back_to_an_outline(tmp_path, monkeypatch):
    monkeypatch.setattr(dot, "dot_program", lambda: None)
    page = tmp_path / "outline.html"
    page.write_text(render(AWKWARD, "html"), encoding="utf-8")
    dom = _chromium(tmp_path, page.as_uri() + "#state=Done", "--dump-dom")
    assert "Graphviz was not installed" in dom
    body_only = dom.split('id="states-data"')[0]
    for name in AWKWARD_NAMES:
        assert html.escape(name, quote=False) in body_only
    assert 'data-ready="8"' in dom


def test_svg_without_graphviz_is_a_clear_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(dot, "dot_program", lambda: None)
    src = tmp_path / "m.json"
    src.write_text(json.dumps(SMALL))
    assert main(["graph", str(src), "--format", "svg"]) == 2
    err = capsys.readouterr().err
    assert "Graphviz is not installed" in err and "Traceback" not in err


def test_cli_writes_refuses_and_forces(tmp_path, capsys):
    src = tmp_path / "m.json"
    src.write_text(json.dumps(SMALL))
    out = tmp_path / "g.mmd"
    assert main(["graph", str(src), "--format", "mermaid", "-o", str(out)]) == 0
    first = out.read_text()
    assert first == render(SMALL, "mermaid")
    out.write_text("mine")
    assert main(["graph", str(src), "--format", "dot", "-o", str(out)]) == 2
    assert out.read_text() == "mine"
    assert "exists; pass --force to overwrite it" in capsys.readouterr().err
    assert main(["graph", str(src), "--format", "dot", "-o", str(out), "--force"]) == 0
    assert out.read_text() == render(SMALL, "dot")


def test_cli_prints_to_stdout_and_reads_inline_json(capsys):
    assert main(["graph", json.dumps(SMALL), "--format", "mermaid"]) == 0
    assert capsys.readouterr().out == render(SMALL, "mermaid")


def test_cli_bad_inputs_are_clear(tmp_path, capsys):
    assert main(["graph", str(tmp_path / "missing.json")]) == 2
    assert "no such file" in capsys.readouterr().err
    bad = tmp_path / "bad.json"
    bad.write_text("{nope")
    assert main(["graph", str(bad)]) == 2
    assert "not valid JSON" in capsys.readouterr().err
