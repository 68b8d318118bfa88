"""What break, continue, return and raise mean where they are written (the shape of mypyc's nonlocalcontrol.py).

The builder keeps a stack of controls, innermost last; each control knows its outer one. A construct that changes
what leaving the current code means (a loop, a try's handlers, a finally, an except clause's body) pushes a control
for the code it lowers; every jump, return, raise and every state's Catch asks the innermost control, which handles
it or passes it outwards. The function itself is the outermost control.

A ``cover`` says where an error of a workflow expression evaluated here goes (see errors.settle); two places with the
same cover may evaluate each other's pending values.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pyawssfn.compiler.ir import Catcher, Exit, Node
from pyawssfn.compiler.lower.support import CAUGHT
from pyawssfn.jsonata.tree import Expr

if TYPE_CHECKING:
    from pyawssfn.compiler.lower.builder import FunctionLowerer

# A destination of a re-raised error object: (the variable that receives it or None, the exits list to join).
Destination = tuple[Any, list[Exit]]

# Among the classes builder.caught gives a name: a clause catching every error, of a try whose body raises an
# sfn.Fail of the workflow's own (whose str() Python and the machine read apart: hoisting.str_of_caught)
OWN_FAIL = "sfn.Fail raised in the try"
# ... and for a clause catching sfn.Fail: the try body raises one of its own without a cause (`sfn.Fail("Big")`),
# whose e.cause is None in Python and "" on the machine
CAUSELESS_FAIL = "sfn.Fail without a cause raised in the try"


@dataclass(eq=False)
class Handler:
    errors: list[str]
    classes: list[str]          # Python class names it catches ([] = everything)
    var: str | None
    node: ast.ExceptHandler
    incoming: list[Exit] = field(default_factory=list)
    fail: bool = False          # `except sfn.Fail`: every error that is not a known exception class
    own_fail: bool = False      # catches every error, and the try body raises an sfn.Fail itself (OWN_FAIL)
    causeless: bool = False     # catches sfn.Fail, and the try body raises one without a cause (CAUSELESS_FAIL)

    @property
    def catches_all(self) -> bool:
        return "States.ALL" in self.errors


class NonlocalControl:
    """Passes everything to the enclosing control."""
    outer: NonlocalControl

    def cover(self) -> Any:
        return self.outer.cover()

    def gen_catch(self, builder: FunctionLowerer, node: Node, pre_env: dict[str, Expr]) -> None:
        """Add the Catch clauses of ``node`` that send an error where Python's handlers would."""
        self.outer.gen_catch(builder, node, pre_env)

    def gen_jump(self, builder: FunctionLowerer, kind: str, st: ast.stmt) -> None:
        """break or continue: the frontier leaves to where ``kind`` goes."""
        self.outer.gen_jump(builder, kind, st)

    def gen_return(self, builder: FunctionLowerer, value: ast.expr, name: str, line: int) -> None:
        self.outer.gen_return(builder, value, name, line)

    def gen_raise(self, builder: FunctionLowerer, cls: str, err: ast.expr, cause: ast.expr, name: str,
                  line: int) -> None:
        """Raise an error whose class is known at compile time."""
        self.outer.gen_raise(builder, cls, err, cause, name, line)

    def dynamic_routes(self, rules: list[tuple[list[str], Destination, bool]]) -> Destination | None:
        """For an error whose name is known only at run time: append (errors, destination, is an sfn.Fail handler)
        for each handler that may take it, innermost first; return the destination of every other error (None: the
        execution fails)."""
        return self.outer.dynamic_routes(rules)

    def reraise_var(self) -> str | None:
        """The variable holding the error a bare ``raise`` re-raises (None: outside an except clause)."""
        return self.outer.reraise_var()


class BaseNonlocalControl(NonlocalControl):
    """The workflow or branch function itself: an error nothing catches fails the execution."""

    def cover(self) -> Any:
        return None

    def gen_catch(self, builder: FunctionLowerer, node: Node, pre_env: dict[str, Expr]) -> None:
        """Nothing: an error nothing catches ends the execution (or the branch) as it is, with its own name and
        cause (a step's error with Lambda's error JSON as cause): no Catch, and no state entered for it. Only a
        timeout leaves a branch renamed (errors.leave_branch)."""
        if not builder.top:
            from pyawssfn.compiler.lower import errors
            errors.leave_branch(builder.graph, node, builder.fn_line())

    def gen_jump(self, builder: FunctionLowerer, kind: str, st: ast.stmt) -> None:
        raise builder.fail(st, f"{kind} outside a loop", "use it inside for or while")

    def gen_return(self, builder: FunctionLowerer, value: ast.expr, name: str, line: int) -> None:
        from pyawssfn.compiler.lower import controlflow
        controlflow.do_return(builder, value, name, line)

    def gen_raise(self, builder: FunctionLowerer, cls: str, err: ast.expr, cause: ast.expr, name: str,
                  line: int) -> None:
        from pyawssfn.compiler.lower import controlflow
        controlflow.emit_fail(builder, err, cause, name, line)

    def dynamic_routes(self, rules: list[tuple[list[str], Destination, bool]]) -> Destination | None:
        return None

    def reraise_var(self) -> str | None:
        return None


@dataclass(eq=False)
class LoopNonlocalControl(NonlocalControl):
    """The body of a for or while loop: break and continue leave through these exits."""
    breaks: list[Exit] = field(default_factory=list)
    continues: list[Exit] = field(default_factory=list)

    def gen_jump(self, builder: FunctionLowerer, kind: str, st: ast.stmt) -> None:
        (self.breaks if kind == "break" else self.continues).extend(builder.frontier)
        builder.frontier = []


@dataclass(eq=False)
class ExceptNonlocalControl(NonlocalControl):
    """The body of a try with except clauses: an error goes to the first handler that catches it."""
    handlers: list[Handler]

    def cover(self) -> Any:
        if any(h.catches_all or h.fail for h in self.handlers):
            return (self, "handlers")
        return self.outer.cover()

    def gen_catch(self, builder: FunctionLowerer, node: Node, pre_env: dict[str, Expr]) -> None:
        from pyawssfn.compiler.lower import errors
        for h in self.handlers:
            if h.errors:
                errors.catch_into(builder, node, h, h.errors, pre_env)
            if h.fail:
                # sfn.Fail raised by a step surfaces under its own error name: catch every name that is not one of
                # the known exception classes (those go on to the later handlers).
                known = [e for e in builder.known_errors() if e not in h.errors]
                errors.redispatch(builder, node, known, pre_env, CAUGHT)
                errors.catch_into(builder, node, h, ["States.ALL"], pre_env)
                return
            if h.catches_all:
                return
        self.outer.gen_catch(builder, node, pre_env)

    def gen_raise(self, builder: FunctionLowerer, cls: str, err: ast.expr, cause: ast.expr, name: str,
                  line: int) -> None:
        from pyawssfn.compiler.lower import controlflow
        ancestors = builder.info.exception_ancestors(cls) if cls != "Fail" else ["Fail", "Exception",
                                                                                 "BaseException"]
        for h in self.handlers:
            if not h.classes or any(c in ancestors for c in h.classes):
                controlflow.route(builder, h.incoming, h.var, err, cause)
                return
        self.outer.gen_raise(builder, cls, err, cause, name, line)

    def dynamic_routes(self, rules: list[tuple[list[str], Destination, bool]]) -> Destination | None:
        for h in self.handlers:
            if h.catches_all:
                return (h.var, h.incoming)
            rules.append((h.errors, (h.var, h.incoming), h.fail))
        return self.outer.dynamic_routes(rules)


@dataclass(eq=False)
class FinallyNonlocalControl(NonlocalControl):
    """The body, else and except clauses of a try with a finally: every way out runs the finally first. The
    exits wait here, by kind, until the finally is lowered after them."""
    exc_var: str
    ret_var: str
    exc_exits: list[Exit] = field(default_factory=list)
    pending: dict[str, list[Exit]] = field(default_factory=lambda: {"return": [], "break": [], "continue": []})

    def cover(self) -> Any:
        return (self, "finally")

    def gen_catch(self, builder: FunctionLowerer, node: Node, pre_env: dict[str, Expr]) -> None:
        c = Catcher(["States.ALL"])
        node.catch.append(c)
        env = dict(pre_env)
        env[self.exc_var] = CAUGHT
        self.exc_exits.append(Exit(c, env))

    def gen_jump(self, builder: FunctionLowerer, kind: str, st: ast.stmt) -> None:
        self.pending[kind].extend(builder.frontier)
        builder.frontier = []

    def gen_return(self, builder: FunctionLowerer, value: ast.expr, name: str, line: int) -> None:
        from pyawssfn.compiler.lower import errors
        for ex in builder.frontier:
            ex.env[self.ret_var] = builder.render(value, ex.env)
        errors.settle(builder, change=True)
        self.pending["return"].extend(builder.frontier)
        builder.frontier = []

    def gen_raise(self, builder: FunctionLowerer, cls: str, err: ast.expr, cause: ast.expr, name: str,
                  line: int) -> None:
        from pyawssfn.compiler.lower import controlflow
        controlflow.route(builder, self.exc_exits, self.exc_var, err, cause)

    def dynamic_routes(self, rules: list[tuple[list[str], Destination, bool]]) -> Destination | None:
        return (self.exc_var, self.exc_exits)


@dataclass(eq=False)
class HandlerBodyNonlocalControl(NonlocalControl):
    """The body of an except clause: a bare ``raise`` re-raises the error held in ``var``."""
    var: str

    def reraise_var(self) -> str | None:
        return self.var
