"""One binding for a repeated sub-expression, the last tree pass over an expression (codegen applies it, through
compiler/state_simplify.py, as it writes a state), so every analysis before it sees the expressions as the translator
made them.

`(G = "a") or (G = "b")` becomes `($__c1 := G; $__c1 = "a" or $__c1 = "b")`. Evaluating G once, earlier, must not
change what the expression gives or whether (and how) it fails, so G is bound only when:
- it reads no variable that a := or a function parameter binds anywhere in the expression (only its own, inside
  its own blocks and functions), and not the context `$` (a path step outside a path, `$` itself), so it has one
  value wherever it occurs;
- it calls no function whose value changes from call to call ($random, $uuid);
- and either it cannot fail (a literal, a variable, a field path, ...), or its first occurrence is evaluated
  whenever the scope that will hold the binding is, after nothing that can fail (so moving G first keeps the
  first failure the same one).
"""
from __future__ import annotations

from collections import Counter
from operator import attrgetter

from pyawssfn.compiler.simplify import _LEAVES, pure
from pyawssfn.jsonata.printer import string_literal, to_text
from pyawssfn.jsonata.tree import Array, Bind, Binary, Block, Call, Cond, Dot, Expr, Filter, Lambda, Name, Object, Str, Var

_UNSTABLE = frozenset(["random", "uuid"])
_TOTAL_CALLS = frozenset(["exists", "type", "not", "boolean"])
_MIN_SHARED = 16   # characters: below this a variable name saves little and reads worse
_SHARE_ROUNDS = 8
_HASH = attrgetter("_hash")


def share_repeats(t: Expr) -> Expr:
    refused: set = set()
    for _ in range(_SHARE_ROUNDS):
        shared = _share_one(t, refused)
        if shared is None:
            return t
        t = shared
    return t


def _unshared(t: Expr) -> Expr:
    """`t` with one node object per position. The translator's trees share equal sub-trees (a value read twice, a
    template's constant parts), and the hoisting below finds an occurrence's scope by the identity of the nodes on
    its path: two positions under one object would look like one."""
    seen: set[int] = set()
    for n in t.walk():
        if id(n) in seen:
            return _copy(t)
        seen.add(id(n))
    return t


def _copy(n: Expr) -> Expr:
    values = []
    for f in n._fields:
        v = getattr(n, f)
        if isinstance(v, Expr):
            v = _copy(v)
        elif isinstance(v, tuple):
            v = tuple(_copy(x) if isinstance(x, Expr) else tuple(_copy(y) for y in x) if isinstance(x, tuple)
                      else x for x in v)
        values.append(v)
    return type(n)(*values)


def _share_one(t: Expr, refused: set) -> Expr | None:
    # count equal sub-trees (a node keeps its hash once computed, so hashing a tree and then each of its sub-trees
    # hashes every node once)
    # Equal sub-trees hash alike: the hashes are counted first (kept ints, counted in C, no __hash__ call per
    # node), and only the sub-trees whose hash repeats, in their order, are counted by value (most trees repeat
    # nothing worth a binding: this is all their pass costs)
    candidates = _candidates(t)
    _COUNTED[0], _COUNTED[1] = t, candidates
    hashes = Counter(map(_HASH, candidates))
    if len(hashes) == len(candidates):
        return None
    repeated = _repeated(candidates, hashes)
    if not repeated:
        return None
    names = None  # the tree's bindings and names, looked up for the first repeat worth a binding (most have none)
    best: list[tuple[int, Expr, tuple[str, ...] | None]] = []
    for n, k in repeated:
        size = len(string_literal(n.value) if type(n) is Str else to_text(n))  # type: ignore[attr-defined]
        saving = (k - 1) * size - 12 - 6 * k  # `( $__cN := ; )` and k uses of `$__cN`
        if size < _MIN_SHARED or saving <= 0 or n in refused:
            continue
        if names is None:
            names = _names(t)
        if _movable(n, names[0]):
            best.append((saving, n, None))
            continue
        params = _parameters(n, names[0]) if size > _MIN_ABSTRACTED else None
        if params:
            # `function($a) { ... }` once and k calls `$__cN($a)`
            cost = 26 + sum(len(x) + 3 for x in params) * (k + 1) + 2 * k
            if k * size - size - cost > 0:
                best.append((k * size - size - cost, n, params))
    best.sort(key=lambda x: -x[0])
    if not best:
        return None
    taken = names[1]  # type: ignore[index]
    t = _unshared(t)
    for _, e, params in best:
        name = _fresh(taken)
        out = _hoist(t, e, name) if params is None else _abstract(t, e, params, name)
        if out is not None:
            return out
        refused.add(e)
    return None


def _repeated(candidates: list[Expr], hashes: Counter) -> list[tuple[Expr, int]]:
    """The candidates equal to another one, each with its count, counted by value as a dict of them would (in the
    order first met), but through their kept hashes: a dict keyed by the trees calls their __hash__ per lookup."""
    groups: dict[int, list[list]] = {}
    entries: list[list] = []
    get = groups.get
    for n in candidates:
        h = n._hash
        if hashes[h] < 2:
            continue
        bucket = get(h)
        if bucket is None:
            entry = [n, 1]
            groups[h] = [entry]
            entries.append(entry)
            continue
        for entry in bucket:
            if entry[0] == n:
                entry[1] += 1
                break
        else:
            entry = [n, 1]
            bucket.append(entry)
            entries.append(entry)
    return [(n, k) for n, k in entries if k > 1]


_MOST_PARAMETERS = 2
_MIN_ABSTRACTED = 40  # characters: a function of a short repeat reads worse than the repeat


def _parameters(e: Expr, binders: frozenset[str]) -> tuple[str, ...] | None:
    """The variables a repeat reads that a := or a parameter binds elsewhere in the expression (each occurrence
    may read another value by that name: d[k] = v's type error, on `$__1` bound to d, then to d["n"]), when
    everything else it reads has one value everywhere and they are few, and it defines no function: the repeat
    is then a function of them (`_abstract`)."""
    if any(type(n) is Lambda for n in e.walk()):
        # a function reads its free variables when it is called, by then perhaps bound again (`$f := function()
        # { ... $f() ... }` calls itself): not the value an argument passed where the repeat was
        return None
    free = _free_vars(e, frozenset())
    if free is None:
        return None
    params = tuple(sorted(free & binders))
    return params if 0 < len(params) <= _MOST_PARAMETERS else None


def _abstract(t: Expr, e: Expr, params: tuple[str, ...], name: str) -> Expr:
    """`t` with each occurrence of `e` a call `$name($p...)` of the function `function($p...) { e }`, bound at the
    start of the smallest scope holding them all. A call evaluates its arguments (variables: nothing that can
    fail) and then `e` with each parameter the value its variable had where `e` was, and nothing else `e` reads
    is bound in `t`: each call gives or fails as its occurrence did, where it did; defining a function evaluates
    nothing."""
    scope = _common_prefix(_paths_to(t, e))
    while len(scope) > 1 and type(scope[-2]) in (Dot, Filter):
        scope = scope[:-1]
    holder = scope[-1]
    call = Call(Var(name), tuple(Var(p) for p in params))
    body = _replace_standalone(holder, e, call, False)
    exprs = body.exprs if type(body) is Block else (body,)  # type: ignore[attr-defined]
    new: Expr = Block((Bind(name, Lambda(params, e)),) + tuple(exprs))
    if type(holder) is Array and len(scope) > 1 and type(scope[-2]) is Array:
        new = Array((new,))
    return _replace_at(t, scope, new)


def _candidates(t: Expr) -> list[Expr]:
    """Every sub-tree that could stand alone (not a step inside a path, which means something else on its own)."""
    out: list[Expr] = []
    stack: list = [t]  # a Dot or Filter that is a step of a path is pushed as a 1-tuple (only there it matters)
    pop, push, extend, add = stack.pop, stack.append, stack.extend, out.append
    while stack:
        n = pop()
        tn = type(n)
        if tn is Var:
            continue  # (the commonest leaf)
        if tn is Binary:  # (the commonest kinds with children, without a call of _child_list, in its order)
            add(n)
            push(n.lhs)  # type: ignore[attr-defined]
            push(n.rhs)  # type: ignore[attr-defined]
            continue
        if tn is Call:
            add(n)
            push(n.func)  # type: ignore[attr-defined]
            extend(n.args)  # type: ignore[attr-defined]
            continue
        if tn is tuple:
            n = n[0]
            tn = type(n)
        elif not n._kids:  # (exactly the _LEAVES)
            if tn is Str:
                add(n)  # a long string literal too: an error message written in several branches
            continue
        elif tn is not Bind:
            add(n)
        if tn is Dot:
            lhs, rhs = n.lhs, n.rhs  # type: ignore[attr-defined]
            push((lhs,) if type(lhs) in _PATHS else lhs)
            push((rhs,) if type(rhs) in _PATHS else rhs)
        elif tn is Filter:
            lhs = n.lhs  # type: ignore[attr-defined]
            push((lhs,) if type(lhs) in _PATHS else lhs)
            push(n.pred)  # type: ignore[attr-defined]
        elif tn is Object:  # a key is a name, not a value to share
            extend([v for _, v in n.pairs])  # type: ignore[attr-defined]
        else:
            extend(n._child_list())
    return out


_PATHS = frozenset([Dot, Filter])
_COUNTED: list = [None, None]  # the tree _share_one counted last, and its candidates


def counted_blocks(t: Expr) -> list[Expr] | None:
    """The Block nodes of `t` when it is the tree whose sub-trees were counted last (as share_repeats gives back
    a tree it shared nothing in): its candidates are every node but a leaf, a Bind, a path's step (none of them a
    Block) and an Object's key (a Block only when some Object has a key that is no string: then None)."""
    if _COUNTED[0] is not t:
        return None
    out = []
    for n in _COUNTED[1]:
        tn = type(n)
        if tn is Block:
            out.append(n)
        elif tn is Object and any(type(k) is not Str for k, _ in n.pairs):  # type: ignore[attr-defined]
            return None
    return out


# The answers of _names for the trees asked about lately, by id (each kept with its tree, so an id is not reused
# meanwhile): the state passes ask about the same remembered tree of a state's expression several times.
_NAMES: dict[int, tuple[Expr, frozenset[str], frozenset[str]]] = {}


def _names(t: Expr) -> tuple[frozenset[str], frozenset[str]]:
    """The names := or a function parameter binds in `t`, and every variable name `t` uses."""
    hit = _NAMES.get(id(t))
    if hit is not None and hit[0] is t:
        return hit[1], hit[2]
    binders, taken = _walk_names(t)
    if len(_NAMES) >= 20_000:
        _NAMES.clear()
    _NAMES[id(t)] = (t, binders, taken)
    return binders, taken


def _walk_names(t: Expr) -> tuple[frozenset[str], frozenset[str]]:
    binders: set[str] = set()
    taken: set[str] = set()
    stack = [t]
    pop, extend = stack.pop, stack.extend
    while stack:
        n = pop()
        tn = type(n)
        if tn is Var:
            taken.add(n.name)  # type: ignore[attr-defined]
            continue
        if tn in _LEAVES:
            continue
        if tn is Bind:
            binders.add(n.name)  # type: ignore[attr-defined]
        elif tn is Lambda:
            binders.update(n.params)  # type: ignore[attr-defined]
        extend(n._child_list())
    return frozenset(binders), frozenset(binders | taken)


def _fresh(taken: frozenset[str]) -> str:
    i = 1
    while f"__c{i}" in taken:
        i += 1
    return f"__c{i}"


def _movable(e: Expr, binders: frozenset[str]) -> bool:
    """Reads no variable that a := or a parameter binds in the whole expression (only its own, in its own blocks
    and functions), not the context, nothing unstable."""
    free = _free_vars(e, frozenset())
    return free is not None and not (free & binders)


def _free_vars(n: Expr, local: frozenset) -> set[str] | None:
    """The variables `n` reads from outside, or None when `n` cannot be moved: it reads the context (`$`, a path
    step outside a path), calls an unstable function, or binds outside the top level of a block of its own."""
    tn = type(n)
    if tn is Var:
        if n.name == "":  # type: ignore[attr-defined]
            return None
        return set() if n.name in local else {n.name}  # type: ignore[attr-defined]
    if tn is Name or tn is Bind:
        return None  # a step from the context; a binding in the scope around `n`
    if tn is Call and type(n.func) is Var and n.func.name in _UNSTABLE:  # type: ignore[attr-defined]
        return None
    if tn is Lambda:
        return _free_vars(n.body, local | set(n.params))  # type: ignore[attr-defined]
    if tn is Block:
        return _block_free_vars(n, local)  # type: ignore[arg-type]
    out: set[str] = set()
    for child, step in _steps(n):
        f = _free_vars(child, local) if not (step and type(child) is Name) else set()
        if f is None:
            return None
        out |= f
    return out


def _steps(n: Expr) -> list[tuple[Expr, bool]]:
    """The children of `n`, each with whether a Name there is a path step (not a read of the context)."""
    if type(n) is Dot:
        return [(n.lhs, False), (n.rhs, True)]  # type: ignore[attr-defined]
    if type(n) is Filter:
        # `$x.a[0]`: the step a, filtered
        return [(n.lhs, True), (n.pred, False)]  # type: ignore[attr-defined]
    return [(c, False) for c in n._child_list()]


def _block_free_vars(b: Block, local: frozenset) -> set[str] | None:
    out: set[str] = set()
    for x in b.exprs:
        if type(x) is Bind:
            f = _free_vars(x.value, local)  # type: ignore[attr-defined]
            local = local | {x.name}  # type: ignore[attr-defined]
        else:
            f = _free_vars(x, local)
        if f is None:
            return None
        out |= f
    return out


def _hoist(t: Expr, e: Expr, name: str) -> Expr | None:
    """`t` with the occurrences of `e` read from `$name`, bound at the start of the smallest scope holding them all
    (a block of its own when that is not a block), or None when that would move a failure."""
    paths = _paths_to(t, e)
    scope = _common_prefix(paths)
    # not in a path position: `$x.(a; b)` and `$x.a` are different steps; wrap the whole path instead
    while len(scope) > 1 and type(scope[-2]) in (Dot, Filter):
        scope = scope[:-1]
    holder = scope[-1]
    if not (pure(e) or _first_without_failure(holder, e) == "found"):
        return None
    body = _replace_standalone(holder, e, Var(name), False)
    exprs = body.exprs if type(body) is Block else (body,)  # type: ignore[attr-defined]
    new: Expr = Block((Bind(name, e),) + tuple(exprs))
    if type(holder) is Array and len(scope) > 1 and type(scope[-2]) is Array:
        new = Array((new,))  # an item written `[...]` is kept whole, a block's array is spread: `[(...)]` keeps it
    return _replace_at(t, scope, new)


def _standalone_children(n: Expr) -> list[tuple[Expr, bool]]:
    """The children of `n`, each with whether it is a step inside a path (the lhs of a step, a step)."""
    if type(n) is Dot:
        return [(n.lhs, True), (n.rhs, True)]  # type: ignore[attr-defined]
    if type(n) is Filter:
        return [(n.lhs, True), (n.pred, False)]  # type: ignore[attr-defined]
    if type(n) is Object:
        return [(v, False) for _, v in n.pairs]  # type: ignore[attr-defined]
    return [(c, False) for c in n._child_list()]


def _occurs_here(n: Expr, e: Expr, in_path: bool) -> bool:
    return n == e and not (in_path and type(e) in (Dot, Filter))


def _paths_to(t: Expr, e: Expr) -> list[list[Expr]]:
    """The root-to-node paths of the outermost standalone occurrences of `e`."""
    out: list[list[Expr]] = []
    stack: list[tuple[list[Expr], bool]] = [([t], False)]
    while stack:
        p, in_path = stack.pop()
        n = p[-1]
        if _occurs_here(n, e, in_path):
            out.append(p)
            continue
        stack.extend((p + [c], c_in) for c, c_in in _standalone_children(n))
    return out


def _replace_standalone(n: Expr, e: Expr, new: Expr, in_path: bool) -> Expr:
    if _occurs_here(n, e, in_path):
        return new
    if type(n) is Array and e in n.items:  # type: ignore[attr-defined]
        return Array(tuple(_same_item(c, new) if c == e else _replace_standalone(c, e, new, False)
                           for c in n.items))  # type: ignore[attr-defined]
    kids = {id(c): _replace_standalone(c, e, new, c_in) for c, c_in in _standalone_children(n)}
    if all(kids.get(id(c), c) is c for c in n._child_list()):
        return n
    changes = {}
    for f in n._kids:
        v = getattr(n, f)
        if isinstance(v, Expr):
            changes[f] = kids.get(id(v), v)
        elif isinstance(v, tuple):
            changes[f] = _swap_kids(v, kids)
    return n._replace(**changes)


def _swap_kids(v: tuple, kids: dict) -> tuple:
    return tuple(kids.get(id(x), x) if isinstance(x, Expr) else _swap_kids(x, kids) if isinstance(x, tuple) else x
                 for x in v)


def _common_prefix(paths: list[list[Expr]]) -> list[Expr]:
    prefix = paths[0]
    for p in paths[1:]:
        i = 0
        while i < min(len(prefix), len(p)) and prefix[i] is p[i]:
            i += 1
        prefix = prefix[:i]
    # an occurrence is never its own scope: the scope holds at least two of them
    return prefix


def _same_item(old: Expr, new: Expr) -> Expr:
    """`new` in place of item `old` of an array constructor, meaning the same item: jsonata-js keeps an item written
    `[...]` whole and spreads any other array-valued item, so `[X]` for an array constructor X is `[[$v]]` once X is
    `$v`, and `[c ? $v : $error()]` is `[($v)]` once the guard is decided for a constructor `$v`."""
    if (type(old) is Array) == (type(new) is Array):
        return new
    return Array((new,)) if type(old) is Array else Block((new,))


def _replace_at(t: Expr, path: list[Expr], new: Expr) -> Expr:
    """`t` with the node at the end of `path` (found by identity) replaced by `new`."""
    if len(path) == 1:
        return new
    parent, child = path[-2], path[-1]
    changes = {}
    for f in parent._kids:
        v = getattr(parent, f)
        if v is child:
            changes[f] = new
        elif isinstance(v, tuple):
            changes[f] = _swap_in(v, child, new)
    return _replace_at(t, path[:-1], parent._replace(**changes))


def _swap_in(v: tuple, child: Expr, new: Expr) -> tuple:
    return tuple(new if x is child else _swap_in(x, child, new) if isinstance(x, tuple) else x for x in v)


def _eval_order(t: Expr) -> list[tuple[Expr, bool]]:
    """The children of `t` in the order JSONata evaluates them, each with whether it is evaluated whenever `t` is."""
    tt = type(t)
    if tt is Binary and t.op in ("and", "or"):  # type: ignore[attr-defined]
        return [(t.lhs, True), (t.rhs, False)]  # type: ignore[attr-defined]
    if tt is Cond:
        return [(t.test, True)] + [(x, False) for x in (t.then, t.orelse) if x is not None]  # type: ignore[attr-defined]
    if tt is Dot:
        return [(t.lhs, True), (t.rhs, False)]  # type: ignore[attr-defined]  # the step runs once per item
    if tt is Filter:
        return [(t.lhs, True), (t.pred, False)]  # type: ignore[attr-defined]
    if tt is Lambda:
        return [(t.body, False)]  # type: ignore[attr-defined]
    if tt is Object:
        # keys are evaluated before values; with literal keys the values go in order
        if not all(type(k) is Str for k, _ in t.pairs):  # type: ignore[attr-defined]
            return [(c, False) for c in t._child_list()]
        return [(v, True) for _, v in t.pairs]  # type: ignore[attr-defined]
    return [(c, True) for c in t._child_list()]


def _first_without_failure(t: Expr, e: Expr) -> str:
    """"found": evaluating `t` always reaches `e` after evaluating only what cannot fail; "safe": evaluating `t`
    cannot fail and never reaches `e`; "stop": neither."""
    if t == e:
        return "found"
    for child, always in _eval_order(t):
        if always:
            r = _first_without_failure(child, e)
            if r != "safe":
                return r
        elif not _safe(child) or child.contains(e):
            return "stop"
    return "safe" if _safe_itself(t) else "stop"


def cannot_fail(t: Expr) -> bool:
    """Evaluating `t` cannot fail (and, as every JSONata expression but :=, has no effect)."""
    return _safe(t)


def _safe(t: Expr) -> bool:
    """Evaluating `t` cannot fail (and, as every JSONata expression but :=, has no effect)."""
    if type(t) is Lambda:
        return True
    return _safe_itself(t) and all(_safe(c) for c in t._child_list())


def _safe_itself(t: Expr) -> bool:
    """The node's own operation cannot fail, given children that do not."""
    tt = type(t)
    if tt in _LEAVES or tt in (Array, Lambda, Block, Bind):
        return True
    if tt is Object:
        return all(type(k) is Str for k, _ in t.pairs)  # type: ignore[attr-defined]
    if tt is Dot:
        return type(t.rhs) is Name  # type: ignore[attr-defined]
    if tt is Binary:
        return t.op in ("=", "!=", "and", "or")  # type: ignore[attr-defined]
    if tt is Cond:
        return True
    if tt is Call:
        return type(t.func) is Var and t.func.name in _TOTAL_CALLS  # type: ignore[attr-defined]
    return False
