"""The last pass over a state's expressions, as codegen writes the state: what one field of a state has checked,
a later field need not check again, and a repeated sub-expression is bound once (compiler/share.py).

Step Functions evaluates a state's fields in a fixed order, and a failure stops the state:
- a Task, Map or Parallel evaluates its Arguments (and a Map its Items) before anything else; its Assign and Output
  only after those succeeded, and so does a catcher that cannot catch a failure of those (a failing expression
  raises States.QueryEvaluationError, which only it and the wildcards States.ALL and States.TaskFailed catch);
- a Choice evaluates its rules' conditions in order until one is true: rule i's condition only after conditions
  1..i-1 succeeded, and its Assign after condition i did too.
- a state's Assign before its Output (ours, and LocalStack, whose Catch sees an error of the Assign but not of the
  Output: tests/engines; the lowerer evaluates a returned value's parts that can fail in the Assign for that
  reason): when the Assign fails the Output's value is never used, so the Output need not check what it checked.
So a guard `$exists($states.input.x) ? $states.input.x : $error("...")` that an earlier field evaluated whenever it
was evaluated has succeeded by the time a later field runs, with the same inputs (a state's fields all read the
variables and the input as they were when the state was entered): there it is its value, `$states.input.x`.
"""
from __future__ import annotations

from typing import Any

from pyawssfn.compiler.check_only import checks_apart
from pyawssfn.compiler.ir import Template, by_identity
from pyawssfn.compiler.share import (
    _free_vars, _names, _replace_standalone, _same_item, counted_blocks, share_repeats,
)
from pyawssfn.compiler.simplify import pure, simplify
from pyawssfn.jsonata.printer import to_text
from pyawssfn.jsonata.tree import (
    Array, Binary, Bind, Block, Call, Cond, Dot, Expr, Filter, Lambda, Name, Num, Object, Str, Var, written_as_array,
)

_NESTED = frozenset(["Branches", "ItemProcessor", "Iterator"])
# evaluated before the state's work, and before its Assign and Output (a Map's ItemSelector and ItemBatcher are
# evaluated per item or batch, its ResultWriter after the items)
_BEFORE = ("Arguments", "Items", "ItemReader", "MaxConcurrency", "ToleratedFailureCount", "ToleratedFailurePercentage")
_AFTER = frozenset(["Assign", "Output"])

Fact = tuple[Expr, Expr]   # a guard that succeeded, and its value


def finish_state(d: dict) -> dict:
    """The state `d` (its ASL fields, an expression as a Template of its tree) with each expression finished."""
    if d.get("Type") == "Choice":
        return _choice(d)
    facts: list[Fact] = []
    if d.get("Type") in ("Task", "Map", "Parallel"):
        for key in _BEFORE:
            if key in d:
                facts += _facts_of_value(d[key])
    apart: list[Expr] = []
    if "Assign" in d and "Output" in d:  # a value checked in the Assign only, computed in the Output (check_only.py)
        assign, apart = checks_apart(d["Assign"], d["Output"])
        if apart:
            d = {**d, "Assign": assign}
    # The Output after the Assign: a guard the Assign evaluated has succeeded when the Output's value is used
    after_assign = facts + _facts_of_value(d["Assign"]) if "Assign" in d and "Output" in d else facts
    checked = _checked(d["Assign"]) + [(v, v.transform(_unguarded)) for v in apart] \
        if "Assign" in d and "Output" in d else []
    out: dict[str, Any] = {}
    for k, v in d.items():
        if k in _NESTED:
            out[k] = v
        elif k == "Output":
            out[k] = _finish_value(v, after_assign, checked)
        elif k in _AFTER:
            out[k] = _finish_value(v, facts)
        elif k == "Catch":
            out[k] = [_catcher(c, facts) for c in v]
        elif k == "Retry":
            out[k] = v  # literals only (frontend.parse_retries), in lists codegen built for this state alone
        else:
            out[k] = v if type(v) in _SCALARS else _finish_plain(v)
    return out


# The errors a catcher may catch a failing expression of the state's own with: States.QueryEvaluationError itself,
# and the wildcards (States.TaskFailed matches every error but States.Timeout); States.Runtime and BranchFailed too,
# to be safe.
CATCHES_EVALUATION = frozenset(["States.ALL", "States.TaskFailed", "States.QueryEvaluationError", "States.Runtime",
                                 "States.BranchFailed"])


def _catcher(c: dict, facts: list[Fact]) -> dict:
    known = [] if CATCHES_EVALUATION & set(c.get("ErrorEquals", [])) else facts
    return {k: _finish_value(v, known) if k in _AFTER else v for k, v in c.items()}


def _choice(d: dict) -> dict:
    facts: list[Fact] = []
    first: list[Fact] | None = None
    rules = []
    for r in d.get("Choices", []):
        rule = dict(r)
        cond = _expression(r.get("Condition"))
        if cond is not None:
            tree = _apply(cond, facts)
            facts = facts + _facts(tree)
            rule["Condition"] = _template(tree)
        if first is None:
            first = list(facts)
        if "Assign" in r:
            rule["Assign"] = _finish_value(r["Assign"], facts)
        rules.append(rule)
    out = {k: _finish_value(v, first or []) if k in _AFTER else v for k, v in d.items()}
    if "Choices" in d:
        out["Choices"] = rules
    return out


# ---------------------------------------------------------------------------------------------------- values
def _expression(value: Any) -> Expr | None:
    return value.expr if type(value) is Template else None


def _template(tree: Expr) -> Template:
    return Template(_finished(tree))


# Below this length (of its text) an expression cannot hold two copies of anything worth a binding.
_SHORTEST_SHARED = 40

_DONE: dict[Expr, Expr] = {}  # by value: machines repeat many expressions, built apart (each is done once)


def _long(t: Expr) -> bool:
    """Its text has _SHORTEST_SHARED characters or more. The text is printed to tell: it is printed anyway (for
    merge_states' keys and the definition), kept by the tree's identity, and the finished tree is the tree itself
    but where a pass changed it."""
    return len(to_text(t)) >= _SHORTEST_SHARED


@by_identity
def _finished(code: Expr) -> Expr:
    """The expression simplified and its repeats bound."""
    done = _DONE.get(code)  # (first: only a long tree is there, and a repeat need not be measured again)
    if done is None:
        if not _long(code):
            return code  # as the translator left it, simplified
        if len(_DONE) >= 65536:
            _DONE.clear()
        shared = share_repeats(simplify(code))
        # both later passes only rewrite blocks: without one they would walk the whole tree to give it back
        done = _DONE[code] = _block_passes(shared)
    return done


def _block_passes(t: Expr) -> Expr:
    """inline_single_use, then within_blocks, from one walk for the blocks when the first changes nothing."""
    blocks = counted_blocks(t)  # (share_repeats' walk found them)
    if blocks is None:
        blocks = _blocks(t)
    if blocks and any(_inlined_once(b) is not b for b in blocks):
        t = t.transform(_inlined_once)
        blocks = _blocks(t)
    if blocks and any(_within_block(b) is not b for b in blocks):
        t = t.transform(_within_block)
    return t


def _blocks(t: Expr) -> list[Expr]:
    """The Block nodes of the tree. Both later passes only rewrite blocks, and only where a block of the tree as
    it is changes does their transform (which rebuilds a node only when a child of it changed) give another tree:
    a walk finds that out without calling a function per node."""
    out = []
    todo = [t]
    pop, extend = todo.pop, todo.extend
    while todo:
        n = pop()
        if type(n) is Block:
            out.append(n)
        if n._kids:
            extend(n._child_list())
    return out


def _inlined(t: Expr) -> Expr:
    return t.transform(_inlined_once) if any(_inlined_once(b) is not b for b in _blocks(t)) else t


def _within(t: Expr) -> Expr:
    return t.transform(_within_block) if any(_within_block(b) is not b for b in _blocks(t)) else t


def inline_single_use(t: Expr) -> Expr:
    """`($x := P; E)` where P is a path of plain steps from a variable (`$states.result`, `$job.id`: it cannot fail
    and means the same wherever it is read) and E reads `$x` once, outside any function, and binds neither `$x` nor
    P's variable: E with P in place of `$x` (a binding for one read only lengthens the expression)."""
    return _inlined(t)


def _inlined_once(n: Expr) -> Expr:
    if type(n) is not Block or len(n.exprs) != 2 or type(n.exprs[0]) is not Bind:  # type: ignore[attr-defined]
        return n
    bind, body = n.exprs  # type: ignore[attr-defined]
    root = _path_root(bind.value)
    if root is None or root == bind.name or not _read_once(body, bind.name, root):
        return n
    out = body.transform(lambda m: bind.value if m == Var(bind.name) else m)  # type: ignore[attr-defined]
    # an array constructor stays in parentheses: the block may be an item of one, where `[...]` is kept whole
    # and a block's array spread (`[[($x := P; [$split($x)])]]` is not `[[[$split(P)]]]`)
    return Block((out,)) if type(out) is Bind or written_as_array(out) else out


def _path_root(t: Expr) -> str | None:
    while type(t) is Dot and type(t.rhs) is Name:  # type: ignore[attr-defined]
        t = t.lhs  # type: ignore[attr-defined]
    return t.name if type(t) is Var and t.name else None  # type: ignore[attr-defined]


def _read_once(body: Expr, name: str, root: str) -> bool:
    reads = 0
    var = Var(name)
    todo = [body]
    pop, extend = todo.pop, todo.extend
    while todo:  # (every node, in no particular order: the answer does not depend on it)
        m = pop()
        if m._kids:
            extend(m._child_list())
        tm = type(m)
        if tm is Var and m.name == name:  # type: ignore[attr-defined]
            reads += 1
            if reads > 1:
                return False  # (read twice: no other finding can make it once)
        elif tm is Lambda or (tm is Bind and m.name in (name, root)):  # type: ignore[attr-defined]
            return False
        elif (tm is Call and m.func == var) or (tm is Dot and m.rhs == var):  # type: ignore[attr-defined]
            return False  # called, or a step of a path (where a path in its place would read differently)
    return reads == 1


def within_blocks(t: Expr) -> Expr:
    """In a block `(e1; e2; ...)`, a guard that e1 evaluates whenever it is evaluated has succeeded when e2 runs:
    there it is its value (unless a := between them binds a name it reads)."""
    return _within(t)


def _within_block(n: Expr) -> Expr:
    if type(n) is not Block:
        return n
    exprs, facts = list(n.exprs), []  # type: ignore[attr-defined]
    last = len(exprs) - 1
    for i, x in enumerate(exprs):
        if facts:
            x = x._replace(value=_apply(x.value, facts)) if type(x) is Bind else _apply(x, facts)  # type: ignore[attr-defined]
            exprs[i] = x
        if i == last:
            break  # (what the last one checks, nothing after it reads)
        if type(x) is Bind:
            facts = [f for f in facts if x.name not in (_free_vars(f[0], frozenset()) or set())]  # type: ignore[attr-defined]
            facts += _facts(x.value)  # type: ignore[attr-defined]
        else:
            facts += _facts(x)
    if all(a is b for a, b in zip(exprs, n.exprs)):  # type: ignore[attr-defined]
        return n
    # a value computed and not used that cannot fail (a guard that became its value) is dropped
    return Block(tuple(x for x in exprs[:-1] if not pure(x)) + (exprs[-1],))


def _finish_value(value: Any, facts: list[Fact], checked: list[Fact] | None = None) -> Any:
    if not facts and not checked:
        return _finish_plain(value)
    if type(value) is Template:
        tree = value.expr
        if not facts and not checked:
            done = _finished(tree)
        else:
            have = _leaves(tree)
            for whole, bare in checked or ():
                if _leaves(whole) <= have:  # it cannot occur in a tree without all its leaves
                    tree = _replace_checked(tree, whole, bare, frozenset())
            done = _finished(_apply(tree, facts))
        return value if done is value.expr else Template(done)
    if isinstance(value, dict):  # (a copy, as of a list: a JSON scalar in it is kept without a call)
        return {k: v if type(v) in _SCALARS else _finish_value(v, facts, checked) for k, v in value.items()}
    if isinstance(value, list):
        return [v if type(v) in _SCALARS else _finish_value(v, facts, checked) for v in value]
    return value


_SCALARS = frozenset([str, int, float, bool, type(None)])


def _finish_plain(value: Any) -> Any:
    """_finish_value with nothing known (most fields): each expression finished on its own."""
    tv = type(value)
    if tv is Template:
        done = _finished(value.expr)
        return value if done is value.expr else Template(done)
    if tv is dict or (tv is not list and isinstance(value, dict)):
        return {k: v if type(v) in _SCALARS else _finish_plain(v) for k, v in value.items()}
    if tv is list or isinstance(value, list):
        return [v if type(v) in _SCALARS else _finish_plain(v) for v in value]
    return value


def _facts_of_value(value: Any) -> list[Fact]:
    tree = _expression(value)
    if tree is not None:
        return _facts(tree)
    if isinstance(value, dict):
        return [f for v in value.values() if type(v) not in _SCALARS for f in _facts_of_value(v)]
    if isinstance(value, list):
        return [f for v in value if type(v) not in _SCALARS for f in _facts_of_value(v)]
    return []


# ---------------------------------------------------------------------------------------------------- facts
def _checked(assign: Any) -> list[Fact]:
    """Each expression of an Assign with what it gives when it succeeded: itself without any of its guards, since
    evaluation is deterministic (an Output that computes the same value again need not check it again)."""
    out: list[Fact] = []
    if not isinstance(assign, dict):
        return out
    for v in assign.values():
        tree = _expression(v)
        if tree is None or not _strippable(tree):
            continue
        out.append((tree, tree.transform(_unguarded)))
    return out


def _strippable(t: Expr) -> bool:
    """Has a guard, defines no function (a function would be written twice anyway: keep it one repeat), calls
    nothing whose value changes from call to call, and reads no context: the same value in every field."""
    guarded = False
    for n in t.walk():
        tn = type(n)
        if tn is Lambda or (tn is Var and n.name in _UNSTABLE):  # type: ignore[attr-defined]
            return False
        if tn is Call and _is_error(n):
            guarded = True
    return guarded and _free_vars(t, frozenset()) is not None


def _unguarded(t: Expr) -> Expr:
    s = _success(t)
    # in parentheses where it is written `[...]`: as an item of an array constructor the guard's array is spread
    return t if s is None else Block((s,)) if written_as_array(s) else s


_UNSTABLE = frozenset(["random", "uuid", "now", "millis"])


def _replace_checked(t: Expr, whole: Expr, bare: Expr, bound: frozenset) -> Expr:
    """`t` with each occurrence of `whole` evaluated in the context the Assign evaluated it in (not in a function,
    not a path step, under no enclosing binding of a name it uses) replaced by `bare`."""
    if t == whole:
        return t if bound & _names(whole)[1] else bare
    tt = type(t)
    if tt is Lambda or tt is Bind:
        return t
    if tt is Block:
        exprs, names = [], set(bound)
        for x in t.exprs:  # type: ignore[attr-defined]
            if type(x) is Bind:
                exprs.append(x._replace(value=_replace_checked(x.value, whole, bare, frozenset(names))))  # type: ignore[attr-defined]
                names.add(x.name)  # type: ignore[attr-defined]
            else:
                exprs.append(_replace_checked(x, whole, bare, frozenset(names)))
        return _rebuilt(t, {"exprs": tuple(exprs)})
    if tt is Object:
        return _rebuilt(t, {"pairs": tuple((k, _replace_checked(v, whole, bare, bound)) for k, v in t.pairs)})  # type: ignore[attr-defined]
    if tt is Dot or tt is Filter:
        return _rebuilt(t, {"lhs": _replace_checked(t.lhs, whole, bare, bound)})  # type: ignore[attr-defined]
    if tt is Array:  # an item keeps its meaning: `[c ? [a] : $error()]` spreads `[a]`, `[[a]]` would not
        return _rebuilt(t, {"items": tuple(_checked_item(x, whole, bare, bound) for x in t.items)})  # type: ignore[attr-defined]
    changes: dict[str, Any] = {}
    for f in t._kids:
        v = getattr(t, f)
        if isinstance(v, Expr):
            changes[f] = _replace_checked(v, whole, bare, bound)
        elif isinstance(v, tuple):
            changes[f] = tuple(_replace_checked(x, whole, bare, bound) if isinstance(x, Expr) else x for x in v)
    return _rebuilt(t, changes)


def _checked_item(x: Expr, whole: Expr, bare: Expr, bound: frozenset) -> Expr:
    y = _replace_checked(x, whole, bare, bound)
    return _same_item(x, y) if y is not x and x == whole else y


def _rebuilt(t: Expr, changes: dict[str, Any]) -> Expr:
    """`t` with the changed fields, or `t` itself when nothing changed (compared by identity)."""
    if all(_same(getattr(t, f), v) for f, v in changes.items()):
        return t
    return t._replace(**changes)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a is b


def _is_error(t: Expr | None) -> bool:
    return type(t) is Call and t.func == Var("error")  # type: ignore[attr-defined]


def _success(t: Expr) -> Expr | None:
    """The value of a guard (`test ? v : $error(...)`, `test ? $error(...) : v`) that did not fail."""
    if type(t) is not Cond:
        return None
    if _is_error(t.orelse) and not _is_error(t.then):  # type: ignore[attr-defined]
        return t.then  # type: ignore[attr-defined]
    if _is_error(t.then) and t.orelse is not None and not _is_error(t.orelse):  # type: ignore[attr-defined]
        return t.orelse  # type: ignore[attr-defined]
    return None


_LEAVES: dict[int, tuple[Expr, frozenset]] = {}


def _leaves(tree: Expr) -> frozenset:
    """The variables, field names and literals of a tree (cached by identity, as _FACTS): a tree occurs in another
    only if its leaves are among the other's, a test much cheaper than looking for it (a state's Assign of many
    guarded entries offers each entry's guard to every other field)."""
    hit = _LEAVES.get(id(tree))
    if hit is None or hit[0] is not tree:
        if len(_LEAVES) > 65536:
            _LEAVES.clear()
        found = frozenset((type(n), n.name if type(n) in (Var, Name) else n.value if type(n) is Str else n.text)
                          for n in tree.walk() if type(n) in (Var, Name, Str, Num))  # type: ignore[attr-defined]
        hit = _LEAVES[id(tree)] = (tree, found)
    return hit[1]


# _facts of the trees seen (by identity: parse_cached gives one tree per text, and a state's fields repeat), each
# with its tree so that an id is not reused while it is cached
_FACTS: dict[int, tuple[Expr, tuple[Fact, ...]]] = {}


def _facts(tree: Expr) -> list[Fact]:
    """The guards `tree` evaluates whenever it is evaluated and succeeds, each with its value; only those that read
    nothing `tree` binds (so they mean the same in another field)."""
    hit = _FACTS.get(id(tree))
    if hit is None or hit[0] is not tree:
        if len(_FACTS) > 65536:
            _FACTS.clear()
        hit = _FACTS[id(tree)] = (tree, tuple(_facts_of(tree)))
    return list(hit[1])


def _facts_of(tree: Expr) -> list[Fact]:
    if not tree._kids:
        return []  # a leaf guards nothing
    binders: frozenset[str] | None = None  # the tree's own bindings, looked up at its first guard (most have none)
    out: list[Fact] = []
    todo = [tree]
    pop, push, extend = todo.pop, todo.append, todo.extend
    while todo:
        t = pop()
        tt = type(t)
        if tt is Cond:
            s = _success(t)
            if s is not None:
                if binders is None:
                    binders = _names(tree)[0]
                free = _free_vars(t, frozenset())
                if free is not None and not (free & binders):
                    out.append((t, s))
                todo += [t.test, s]  # type: ignore[attr-defined]  # the error branch was not taken
                continue
        elif not t._kids:
            continue  # a leaf (_always gives it nothing)
        elif tt is Binary:  # (the commonest kinds without a call of _always, in its order)
            push(t.lhs)  # type: ignore[attr-defined]
            if t.op not in ("and", "or"):  # type: ignore[attr-defined]
                push(t.rhs)  # type: ignore[attr-defined]
            continue
        elif tt is Call:
            extend(t._child_list())
            continue
        todo += _always(t)
    return out


def _always(t: Expr) -> list[Expr]:
    """The children of `t` evaluated whenever `t` is."""
    tt = type(t)
    if tt is Binary and t.op in ("and", "or"):  # type: ignore[attr-defined]
        return [t.lhs]  # type: ignore[attr-defined]
    if tt is Cond:
        return [t.test]  # type: ignore[attr-defined]
    if tt is Dot or tt is Filter:
        return [t.lhs]  # type: ignore[attr-defined]
    if tt is Lambda:
        return []
    if tt is Object and not all(type(k) is Str for k, _ in t.pairs):  # type: ignore[attr-defined]
        return []
    if tt is Block:
        return list(t.exprs)  # type: ignore[attr-defined]
    return t._child_list()


def _apply(tree: Expr, facts: list[Fact]) -> Expr:
    """`tree` with each guard known to have succeeded replaced by its value (where `tree` binds nothing it reads)."""
    if not facts:
        return tree
    have = _leaves(tree)
    present = [f for f in facts if _leaves(f[0]) <= have and tree.contains(f[0])]
    if not present:
        return tree
    binders, _ = _names(tree)
    for guard, value in sorted(present, key=lambda f: -len(to_text(f[0]))):
        free = _free_vars(guard, frozenset()) or set()
        if not (free & binders):
            tree = _replace_standalone(tree, guard, value, False)
    return tree
