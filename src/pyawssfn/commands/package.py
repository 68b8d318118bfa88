"""``pyawssfn package FILE -o function.zip``: build the Lambda zip serving a workflow's steps."""
from __future__ import annotations

import pathlib
import sys

from pyawssfn.commands._common import add_runtime_options


def add_parser(subparsers):
    p = subparsers.add_parser(
        "package", help="build the Lambda zip of a workflow module",
        description="Build a deterministic Lambda zip: the module, the local code it imports, the pyawssfn "
                    "dispatcher, and its dependencies as wheels for the Lambda runtime. Prints the handler string.")
    p.add_argument("file", metavar="FILE", help="the workflow module (.py)")
    p.add_argument("-o", "--output", default="function.zip", metavar="OUT",
                   help="the zip to write (default: function.zip)")
    p.add_argument("--force", action="store_true", help="overwrite an existing output file")
    p.add_argument("--workflow", metavar="NAME",
                   help="serve only this workflow's steps (default: those of every workflow in the module)")
    p.add_argument("--requirements", metavar="FILE",
                   help="requirements to bundle (default: the [project] dependencies of the nearest pyproject.toml)")
    add_runtime_options(p)
    p.add_argument("--include", action="append", default=[], metavar="GLOB",
                   help="a data file (glob, relative to the module's folder) the Lambda reads; repeatable. Also "
                        "read from [tool.pyawssfn] include = [...] in pyproject.toml (see docs/packaging.md)")
    p.set_defaults(func=run)
    return p


def _workflows(path: pathlib.Path, workflow: str | None) -> list[str | None]:
    """The workflows whose steps the zip serves: the one named, else every workflow of the module (one Lambda serves
    them all, so a module of several needs no --workflow)."""
    if workflow is not None:
        return [workflow]
    from pyawssfn.commands.inputs import read_source
    from pyawssfn.compiler.diagnostics import Reporter
    from pyawssfn.compiler.frontend import analyse

    info = analyse(read_source(str(path)), str(path), Reporter(str(path)))
    names = list(info.workflows) if info is not None else []
    return names if len(names) > 1 else [None]  # one or none: compile_module reports as for `compile`


def steps_of(path: pathlib.Path, workflow: str | None) -> list[str] | None:
    """The steps the compiled machines call (with those of the child workflows they start); None after printing
    the compile errors."""
    from pyawssfn.commands.inputs import compile_module
    from pyawssfn.compiler import CompileError

    steps, todo, done, definitions = set(), _workflows(path, workflow), set(), []
    while todo:
        name = todo.pop()
        if name is not None and name in done:
            continue
        try:
            res = compile_module(str(path), name)
        except CompileError as exc:
            for d in getattr(exc, "diagnostics", None) or [exc]:
                print(str(d), file=sys.stderr)
            return None
        done.update({name, res.workflow})
        steps.update(res.steps)
        definitions.append(res.definition)
        todo.extend(c for c in res.children if c not in done)
    from pyawssfn.packaging.handler import callback_steps

    return StepList(sorted(steps), callback_steps(definitions))


class StepList(list):
    """The steps to serve, knowing which of them the machines call with a task token."""

    def __init__(self, steps, callback_steps=None):
        super().__init__(steps)
        self.callback_steps = callback_steps


def run(args) -> int:
    from pyawssfn.packaging import PackageError, build_package

    from pyawssfn.commands.inputs import check_output, usage

    path = pathlib.Path(args.file)
    if args.file == "-":
        raise usage("package needs the workflow module as a file: the zip holds it and the modules beside it")
    if path.is_dir():
        raise usage(f"{args.file} is a directory, not a Python module")
    if not path.is_file():
        raise usage(f"{args.file}: no such file")
    check_output(args.output, args.force, inputs=[args.file])
    if args.output == "-":
        raise usage("package writes a zip file: name it with -o FILE.zip")
    out = pathlib.Path(args.output)
    steps = steps_of(path, args.workflow)
    if steps is None:
        return 2
    try:
        result = build_package(path, steps, out, force=args.force, requirements_file=args.requirements,
                               runtime=args.runtime, arch=args.arch, include=args.include,
                               callback_steps=getattr(steps, "callback_steps", None))
    except PackageError as exc:
        print(f"pyawssfn: error: {exc}", file=sys.stderr)
        return 2
    _report(result)
    print(result.handler)
    return 0


def _report(result) -> None:
    """What went into the zip: the user's own files by name, the dependencies as a count."""
    n_steps = len(result.steps)
    print(f"wrote {result.path} ({len(result.entries)} files, {n_steps} step{'' if n_steps == 1 else 's'}: "
          f"{', '.join(result.steps)}; sha256 {result.sha256[:16]})", file=sys.stderr)
    print(f"  modules: {', '.join(result.modules)}", file=sys.stderr)
    if result.data:
        print(f"  data files: {', '.join(result.data)}", file=sys.stderr)
    if result.requirements:
        print(f"  requirements: {', '.join(result.requirements)} ({result.dependency_files} files)", file=sys.stderr)
