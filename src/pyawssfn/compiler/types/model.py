"""The compiler's static types: a kind the expression translator already understands, plus what an annotation adds.

The translator compares types as strings ("int", "str", "list", "dict", ...), in many places. A `Type` is such a
string (a `str` subclass equal to its kind), so every one of those comparisons keeps working, and it also carries
the parts of a type the guards can use: the item type of a `list[T]` or the value type of a `dict[K, V]`, and the
keys of a TypedDict or dataclass with the type of each and whether it is required. Code that only knows kinds
passes a `Type` along unchanged (`J(code, t)`); code that knows more (a subscript) reads `item`/`fields`.

Two `Type`s with the same kind compare equal as strings, so joining types must use `same()` and `join()`, never `==`.
"""
from __future__ import annotations

KINDS = frozenset(["int", "float", "str", "bool", "none", "list", "dict"])


class Type(str):
    """A static type: its kind (the string itself), `item` (list item / dict value type, or None when unknown),
    `fields` ({key: (Type or None, required)} for a TypedDict or dataclass, or None for a plain dict)."""

    __slots__ = ("item", "fields")

    def __new__(cls, kind: str, item: "Type | None" = None, fields: dict | None = None) -> "Type":
        assert kind in KINDS, kind
        t = super().__new__(cls, kind)
        t.item = item
        t.fields = None if fields is None else dict(fields)
        return t

    @property
    def kind(self) -> str:
        return str.__str__(self)

    def field(self, key: str) -> tuple["Type | None", bool] | None:
        """(value type, required) of `key`, or None when the type says nothing about the key."""
        if self.fields is not None and key in self.fields:
            return self.fields[key]
        return None

    def value_type(self, key: str | None = None) -> "Type | None":
        """The type of `self[key]` (key None: a key not known at compile time) when the type says it."""
        if key is not None and self.fields is not None:
            f = self.field(key)
            return f[0] if f else None
        return self.item

    def describe(self) -> str:
        if self.fields is not None:
            return "{" + ", ".join(f"{k!r}{'' if req else '?'}: {describe(t)}" for k, (t, req) in self.fields.items()) + "}"
        if self.item is not None:
            return f"{self.kind}[{self.item.describe()}]" if self.kind == "list" else f"dict[str, {self.item.describe()}]"
        return self.kind

    def __repr__(self) -> str:
        return f"Type({self.describe()})"


class Maybe(str):
    """`Optional[T]`: a T or None. Not a kind (the translator treats it as unknown); an `is None` test, a truthiness
    test or an isinstance() test narrows it to `inner` where the value cannot be None."""

    __slots__ = ("inner",)

    def __new__(cls, inner: Type) -> "Maybe":
        m = super().__new__(cls, "optional")
        m.inner = inner
        return m

    def describe(self) -> str:
        return f"Optional[{self.inner.describe()}]"

    def __repr__(self) -> str:
        return f"Maybe({self.inner.describe()})"


def describe(t: str | None) -> str:
    if t is None:
        return "?"
    return t.describe() if isinstance(t, (Type, Maybe)) else str(t)


def as_type(t: str | None) -> Type | None:
    """A kind string (or None, or a Type) as a Type."""
    if t is None or isinstance(t, Type):
        return t
    return Type(t) if t in KINDS else None


def as_kind(t: str | None) -> str | None:
    """Only the kind of `t` (what stays true of a value that is changed in place)."""
    if isinstance(t, Maybe):
        return Maybe(Type(t.inner.kind))
    return None if t is None else Type(str.__str__(t)) if t in KINDS else t


def same(a: str | None, b: str | None) -> bool:
    """Structural equality (a `Type`'s `==` is its kind's)."""
    if a is b:  # (it is reflexive; the kinds are interned strings, the usual case)
        return True
    if a is None or b is None:
        return a is b
    if isinstance(a, Maybe) or isinstance(b, Maybe):
        return isinstance(a, Maybe) and isinstance(b, Maybe) and same(a.inner, b.inner)
    if str(a) != str(b):
        return False
    ta, tb = as_type(a), as_type(b)
    if ta is None or tb is None:
        return ta is tb
    if not same(ta.item, tb.item):
        return False
    if (ta.fields is None) != (tb.fields is None):
        return False
    if ta.fields is None:
        return True
    return ta.fields.keys() == tb.fields.keys() and all(
        same(ta.fields[k][0], tb.fields[k][0]) and ta.fields[k][1] == tb.fields[k][1] for k in ta.fields)


def join(a: str | None, b: str | None) -> str | None:
    """What both types guarantee: the same type, or the shared kind with what both say of it, or unknown."""
    if same(a, b):
        return a
    if a is None or b is None:
        return None
    if isinstance(a, Maybe) or isinstance(b, Maybe) or a == "none" or b == "none":
        return _join_optional(a, b)
    if str(a) != str(b):
        return None
    ta, tb = as_type(a), as_type(b)
    assert ta is not None and tb is not None
    item = join(ta.item, tb.item)
    fields = None
    if ta.fields is not None and tb.fields is not None:
        # a key both have; required only when both require it
        fields = {}
        for k in ta.fields.keys() & tb.fields.keys():
            fields[k] = (join(ta.fields[k][0], tb.fields[k][0]), ta.fields[k][1] and tb.fields[k][1])
    return Type(ta.kind, as_type(item), fields)


def _join_optional(a: str, b: str) -> str | None:
    """None joined with T, or Optional[T] with T or None: Optional[T]."""
    parts = [x.inner if isinstance(x, Maybe) else x for x in (a, b) if x != "none"]
    if not parts:
        return Type("none")
    inner = join_all(parts)  # type: ignore[arg-type]
    return Maybe(inner) if isinstance(inner, Type) and inner != "none" else None


def join_all(types: list[str | None]) -> str | None:
    if not types:
        return None
    out = types[0]
    for t in types[1:]:
        out = join(out, t)
    return out


def required_key(t: str | None, key: str) -> bool:
    """Whether a value of type `t` always has `key` (a required key of a TypedDict or a dataclass)."""
    f = t.field(key) if isinstance(t, Type) else None
    return f is not None and f[1]


def value_type(t: str | None, key: str | None = None) -> Type | None:
    """The type of `x[key]` for `x` of type `t` (key None: an index or a key not known at compile time)."""
    return t.value_type(key) if isinstance(t, Type) else None
