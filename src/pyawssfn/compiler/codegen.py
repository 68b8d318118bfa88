"""IR -> ASL (JSONata + Variables): dead-assignment removal, unique readable state names, deterministic JSON.

The one place that knows ASL's field names and their order: each IR state kind (ir.py) is written by a method of
_Emitter. And the one place that prints the IR's JSONata trees: a state's fields are built with each expression as
a Template of its tree, finished on trees (state_simplify.py), then printed as ``{% text %}`` (field_json)."""
from __future__ import annotations

import json
from typing import Any

from pyawssfn.compiler.choices import merge_choices
from pyawssfn.compiler.frontend import RetrySpec
from pyawssfn.compiler.ir import (
    Catching, Choice, Fail, Graph, Map, Node, Parallel, Pass, Succeed, Task, Template, Wait,
)
from pyawssfn.compiler.liveness import remove_dead_assignments
from pyawssfn.compiler.alike_arguments import merge_alike_arguments
from pyawssfn.compiler.alike_states import merge_alike
from pyawssfn.compiler.caught_handover import hand_over_caught
from pyawssfn.compiler.literal_vars import inline_literal_variables
from pyawssfn.compiler.naming import unique_state_names
from pyawssfn.compiler.source_lines import StateLines, held_lines, named_already
from pyawssfn.compiler.state_simplify import finish_state
from pyawssfn.jsonata.printer import to_text
from pyawssfn.jsonata.tree import TRUE, Bool, Expr, Null, Num, Str, Unary

_SCALARS = (Num, Str, Bool, Null, Unary)   # the trees whose text may be a JSON scalar
_LOADED: dict[str, Any] = {}   # the JSON value of such a text


def _tmpl(expr: Expr) -> Any:
    """An expression as a field value: a plain JSON scalar when its text is one, else a Template of it."""
    if type(expr) not in _SCALARS:
        return Template(expr)
    text = to_text(expr)
    v = _LOADED.get(text, _LOADED)
    if v is _LOADED:
        try:
            v = json.loads(text)
        except ValueError:
            return Template(expr)
        if len(_LOADED) < 4096 and not isinstance(v, (dict, list)):
            _LOADED[text] = v  # (immutable: a literal's value is shared by every state writing it)
    if isinstance(v, (int, float, bool)) or v is None or (isinstance(v, str) and "{%" not in v and "${" not in v):
        return v
    return Template(expr)  # (a text holding "${" stays JSONata, whose literal the substitutions miss: F74)


def _text(v: Any) -> Any:
    """A Fail's literal Error or Cause: a text holding "${" as JSONata, whose string literal the deployment's
    DefinitionSubstitutions miss (F74: "${FunctionArn}" would be the function's ARN)."""
    return Template(Str(v)) if type(v) is str and "${" in v else v


_PLAIN = frozenset([str, int, float, bool, type(None)])


def field_json(value: Any) -> Any:
    """A field value (or a state's fields) as ASL JSON: each Template printed as ``{% text %}``."""
    t = type(value)
    if t is Template:
        return "{% " + to_text(value.expr) + " %}"
    if t is dict:  # (a Template printed here: most values are one, or a JSON scalar)
        return {k: v if type(v) in _PLAIN else "{% " + to_text(v.expr) + " %}" if type(v) is Template
                else field_json(v) for k, v in value.items()}
    if t is list:
        return [v if type(v) in _PLAIN else "{% " + to_text(v.expr) + " %}" if type(v) is Template
                else field_json(v) for v in value]
    return value


def _skip(n: Node | None) -> Node | None:
    """Follow Pass states that do nothing (no Assign, no Output) to the state they lead to."""
    if type(n) is not Pass:
        return n  # (most states: no set for them)
    seen = set()
    while n is not None and type(n) is Pass and not n.assign and n.output is None and n.next is not None \
            and id(n) not in seen:
        seen.add(id(n))
        n = n.next
    return n


def _graphs(g: Graph) -> list[Graph]:
    out = [g]
    for n in g.nodes:
        for sub in n.subgraphs():
            out += _graphs(sub)
    return out


def _reachable(g: Graph) -> list[Node]:
    start = _skip(g.start)
    seen: set[int] = set()
    todo = [start] if start else []
    while todo:
        n = todo.pop()
        if n is None or id(n) in seen:
            continue
        seen.add(id(n))
        todo += [_skip(x) for x in n.successors()]
    return [n for n in g.nodes if id(n) in seen]


def _simplify_choices(nodes: list[Node]) -> None:
    for n in nodes:
        if isinstance(n, Choice) and n.default is None and n.rules and n.rules[-1].condition == TRUE \
                and not n.rules[-1].assign and len(n.rules) > 1:
            n.default = n.rules.pop().next


def generate(graph: Graph, comment: str, spans: dict[int, int] | None = None,
             field_lines: dict[str, dict[str, int]] | None = None) -> tuple[dict, dict[str, int]]:
    """The definition and its source map (state name -> first Python line); with `spans` (source_lines.line_spans)
    each state's Comment names the lines it came from, and `field_lines` receives, per state, the line of each field
    that came from another statement (source_lines.StateLines.fields)."""
    graphs = _graphs(graph)
    all_nodes = [n for g in graphs for n in g.nodes]
    remove_dead_assignments(graphs)
    _simplify_choices(all_nodes)
    merge_choices(all_nodes, _skip)
    order: list[Node] = []
    reachable: dict[int, list[Node]] = {}  # each graph's states, found once for the names and the emitter

    _visit(graph, order, reachable)
    names = unique_state_names([(id(n), n.name, n.line) for n in order])
    source_map = {names[id(n)]: n.line for n in order}
    held = StateLines(spans) if spans is not None else None
    if held is not None:
        for n in order:
            held.held[names[id(n)]], fields = held_lines(n)
            if fields:
                held.fields[names[id(n)]] = fields
    body = _Emitter(names, held, reachable).graph_json(graph)
    merge_alike(body, source_map, spans, held)  # on the states' Templates, before their text exists
    merge_alike_arguments(body, source_map, spans, held)
    hand_over_caught(body)
    inline_literal_variables(body)
    if field_lines is not None and held is not None:
        field_lines.update((k, v) for k, v in held.fields.items() if k in source_map)
    definition = {"Comment": comment, "QueryLanguage": "JSONata", **field_json(body)}
    return definition, source_map


def _visit(g: Graph, order: list[Node], reachable: dict[int, list[Node]]) -> None:
    """Each graph's reachable states, depth first; module-level (not a recursive closure, which is a cycle)."""
    states = reachable[id(g)] = _reachable(g)
    for n in states:
        order.append(n)
        for sub in n.subgraphs():
            _visit(sub, order, reachable)


class _Emitter:
    """The ASL of the states, named by ``names`` (id of a node -> its unique state name)."""

    def __init__(self, names: dict[int, str], held: StateLines | None = None,
                 reachable: dict[int, list[Node]] | None = None):
        self.names = names
        self.held = held
        self.reachable = reachable or {}

    def name_of(self, n: Node) -> str:
        return self.names[id(_skip(n))]

    def graph_json(self, g: Graph) -> dict:
        states = {}
        found = self.reachable.get(id(g))
        for n in found if found is not None else _reachable(g):
            # the last pass over its expressions, then their text
            states[self.name_of(n)] = finish_state(self.state_json(n))  # its Templates printed in generate
        return {"StartAt": self.name_of(g.start), "States": states}

    @staticmethod
    def assign_json(a: dict[str, Expr]) -> dict:
        return {k: _tmpl(v) for k, v in a.items()}

    def transition(self, n: Node, d: dict) -> None:
        if n.end or n.next is None:
            d["End"] = True
        else:
            d["Next"] = self.name_of(n.next)

    def state_json(self, n: Node) -> dict:
        d: dict[str, Any] = {"Type": n.type}
        held, name = self.held, self.names[id(n)]
        if held is not None and (held.extra(name, n.line) or not named_already(name, n.line, held.spans)):
            d["Comment"] = held.comment(name, n.line)
        if isinstance(n, Choice):
            return self.choice_json(n, d)
        if isinstance(n, (Succeed, Fail)):
            if isinstance(n, Fail):
                d["Error"] = _text(n.error)
                d["Cause"] = _text(n.cause)
            if n.output is not None:
                d["Output"] = _tmpl(n.output)
            return d
        if isinstance(n, Task):
            self.task_fields(n, d)
        elif isinstance(n, Parallel):
            d["Branches"] = [self.graph_json(b) for b in n.branches]
            if n.arguments is not None:
                d["Arguments"] = n.arguments
        elif isinstance(n, Map):
            self.map_fields(n, d)
        elif isinstance(n, Wait):
            if n.timestamp is None:
                d["Seconds"] = n.seconds
            else:
                d["Timestamp"] = n.timestamp
        if isinstance(n, Catching):
            if n.retry:
                d["Retry"] = [_retrier_json(r) for r in n.retry]
            if n.catch:
                d["Catch"] = self.catch_json(n)
        if n.assign:
            d["Assign"] = self.assign_json(n.assign)
        if n.output is not None:
            d["Output"] = _tmpl(n.output)
        self.transition(n, d)
        return d

    def choice_json(self, n: Choice, d: dict[str, Any]) -> dict:
        choices = []
        for r in n.rules:
            c: dict[str, Any] = {"Condition": Template(r.condition)}
            if r.assign:
                c["Assign"] = self.assign_json(r.assign)
            c["Next"] = self.name_of(r.next)
            choices.append(c)
        d["Choices"] = choices
        if n.default is not None:
            d["Default"] = self.name_of(n.default)
        if n.assign:
            d["Assign"] = self.assign_json(n.assign)
        return d

    @staticmethod
    def task_fields(n: Task, d: dict[str, Any]) -> None:
        """A Task's own fields, in ASL's order."""
        d["Resource"] = n.resource
        d["Arguments"] = n.arguments
        if n.timeout is not None:
            d["TimeoutSeconds"] = n.timeout
        if n.heartbeat is not None:
            d["HeartbeatSeconds"] = n.heartbeat

    def map_fields(self, n: Map, d: dict[str, Any]) -> None:
        config = {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"} if n.distributed else {"Mode": "INLINE"}
        d["ItemProcessor"] = {"ProcessorConfig": config, **self.graph_json(n.processor)}
        for key, value in (("ItemReader", n.item_reader), ("Items", n.items), ("ItemSelector", n.item_selector),
                           ("ItemBatcher", n.item_batcher), ("ResultWriter", n.result_writer)):
            if value is not None:
                d[key] = value
        if n.max_concurrency is not None:
            d["MaxConcurrency"] = n.max_concurrency
        if n.tolerated_failure_count is not None:
            d["ToleratedFailureCount"] = n.tolerated_failure_count
        if n.tolerated_failure_percentage is not None:
            d["ToleratedFailurePercentage"] = n.tolerated_failure_percentage

    def catch_json(self, n: Catching) -> list[dict]:
        cs = []
        for c in n.catch:
            cj: dict[str, Any] = {"ErrorEquals": c.errors}
            if c.assign:
                cj["Assign"] = self.assign_json(c.assign)
            if c.output is not None:
                cj["Output"] = _tmpl(c.output)
            cj["Next"] = self.name_of(c.next)
            cs.append(cj)
        return cs


# ASL's defaults for a retrier's fields (the States Language spec; local/retry.py applies the same): a field that
# says its default is left out, so the Lambda transient-error retrier every Task carries is only its ErrorEquals.
_RETRY_DEFAULTS = (("IntervalSeconds", 1), ("MaxAttempts", 3), ("BackoffRate", 2.0))


def _retrier_json(r: RetrySpec) -> dict:
    out: dict[str, Any] = {"ErrorEquals": list(r.errors)}
    for (key, default), value in zip(_RETRY_DEFAULTS, (r.interval, r.max_attempts, float(r.backoff))):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != default:
            out[key] = value
    if r.max_delay is not None:
        out["MaxDelaySeconds"] = r.max_delay
    if r.jitter is not None:
        out["JitterStrategy"] = r.jitter
    return out


def task_json(n: Task) -> dict:
    """A Task's ASL fields on their own (Resource, Arguments, timeouts), e.g. to derive its IAM actions."""
    d: dict[str, Any] = {"Type": n.type}
    _Emitter.task_fields(n, d)
    return field_json(d)
