"""``pyawssfn exec DEFINITION.json``: run an ASL definition in the local executor and show what happened."""
from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import pathlib
import sys

from pyawssfn.commands._common import add_start_time_option, read_json_input, start_time


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "exec", help="run an ASL definition locally (virtual clock, Lambdas in-process, mocked services)",
        description="Execute a state machine definition in pyawssfn's local executor, which behaves as AWS Step "
                    "Functions does. Waits and retry intervals take no real time. Exit status: 0 SUCCEEDED, "
                    "1 FAILED or TIMED_OUT, 2 bad usage or an invalid definition.")
    p.add_argument("definition", metavar="DEFINITION", help="the ASL definition (a file, - for standard input, or JSON text)")
    p.add_argument("--input", default="{}", metavar="JSON",
                   help="the execution input as JSON text, or @FILE to read it from a file (default: {})")
    p.add_argument("--lambda", dest="lambdas", action="append", default=[], metavar="ARN=MODULE:FUNCTION",
                   help="serve the Lambda function ARN (or name) with a Python handler(event, context); MODULE is "
                        "an importable module or a path to a .py file; ARN=WORKFLOW.py serves a compiled workflow's "
                        "steps as its Lambda zip does (e.g. '${FunctionArn}=flow.py'); repeatable")
    p.add_argument("--mocks", metavar="FILE", help="JSON file of responses for service integrations "
                                                   "(see docs/executor.md)")
    add_start_time_option(p)
    p.add_argument("--seed", type=int, default=0, metavar="N", help="seed for jitter, $random, UUIDs and task tokens")
    p.add_argument("--no-validate", action="store_true", help="run without validating the definition first")
    p.add_argument("--json", action="store_true",
                   help="print one JSON object {status, output, error, cause, stats} instead of a timeline")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="show whole values in the timeline (arguments, results, variables) instead of one short line")
    p.set_defaults(func=run)


def _usage(message: str):
    from pyawssfn.cli import UsageError
    return UsageError(message)


def _read_definition(source: str):
    from pyawssfn.commands.inputs import definition_argument

    definition, _, origin = definition_argument(source)
    if not isinstance(definition, dict):
        kind = "an array" if isinstance(definition, list) else type(definition).__name__
        raise _usage(f"{origin} is {kind}, not a state machine definition (a JSON object with StartAt and States)")
    return definition


def workflow_steps_handler(spec: str):
    """'path/to/workflow.py': the module's steps served through pyawssfn's dispatcher, as its Lambda zip serves
    them (the payload names the step; arguments and results go through JSON)."""
    from pyawssfn import pyrun
    from pyawssfn._dispatch import dispatch

    if not pathlib.Path(spec).is_file():
        raise _usage(f"--lambda: no such file {spec}")
    try:
        module = pyrun.load_module(spec)
    except pyrun.PyRunError as exc:
        raise _usage(f"--lambda: {exc}") from None
    except Exception as exc:  # the module's own code failed while importing
        raise _usage(f"--lambda: importing {spec} raised {type(exc).__name__}: {exc}") from None
    steps = pyrun.step_names(module)

    def handler(event, context):
        return dispatch(module, steps, event, context)

    return handler


def load_handler(spec: str):
    """'module:function' or 'path/to/file.py:function' -> the callable; 'path/to/workflow.py' -> its steps."""
    if spec.endswith(".py") and ":" not in spec.replace("\\", "/").split("/")[-1]:
        return workflow_steps_handler(spec)
    module_name, sep, function = spec.rpartition(":")
    if not sep or not module_name or not function:
        raise _usage(f"--lambda handler {spec!r} must be MODULE:FUNCTION, FILE.py:FUNCTION, or a workflow's FILE.py "
                     "(its steps served as its Lambda serves them)")
    try:
        if module_name.endswith(".py"):
            path = pathlib.Path(module_name).resolve()
            if not path.is_file():
                raise _usage(f"--lambda: no such file {module_name}")
            sys.path.insert(0, str(path.parent))  # let the handler import its sibling modules
            mod_spec = importlib.util.spec_from_file_location(f"_pyawssfn_lambda_{path.stem}", path)
            module = importlib.util.module_from_spec(mod_spec)
            mod_spec.loader.exec_module(module)
        else:
            if "" not in sys.path:
                sys.path.insert(0, "")
            module = importlib.import_module(module_name)
    except ImportError as exc:
        raise _usage(f"--lambda: cannot import {module_name}: {exc}") from None
    except SyntaxError as exc:
        raise _usage(f"--lambda: {module_name} has a syntax error: {exc}") from None
    except Exception as exc:  # the module's own code failed while importing
        if type(exc).__name__ == "UsageError":
            raise
        raise _usage(f"--lambda: importing {module_name} raised {type(exc).__name__}: {exc}") from None
    handler = getattr(module, function, None)
    if handler is None or not callable(handler):
        raise _usage(f"--lambda: {module_name} has no function {function!r}")
    return handler


def parse_lambdas(specs: list[str]) -> dict:
    lambdas = {}
    for item in specs:
        key, sep, spec = item.partition("=")
        if not sep or not key or not spec:
            raise _usage(f"--lambda {item!r} must be ARN=MODULE:FUNCTION (or NAME=MODULE:FUNCTION)")
        lambdas[key] = load_handler(spec)
    return lambdas


def run(args: argparse.Namespace) -> int:
    from pyawssfn.commands.inputs import read_json_file
    from pyawssfn.local import DefinitionError, Executor, InvalidExecutionInput, MockFormatError
    from pyawssfn.local.mocks import mocks_from_data
    from pyawssfn.local.report import execution_summary, render_timeline

    definition = _read_definition(args.definition)
    input_value, input_text = read_json_input(args.input)
    lambdas = parse_lambdas(args.lambdas)
    mocks = None
    if args.mocks:
        import pathlib

        path, test_case = args.mocks, None
        if "#" in path and not pathlib.Path(path).exists():  # AWS's MockConfigFile: FILE#TestCase
            path, _, test_case = path.rpartition("#")
        data, _ = read_json_file(path, "mocks file")  # bounded, decoded and checked as every JSON input
        try:
            mocks = mocks_from_data(data, test_case, path)
        except MockFormatError as exc:
            raise _usage(str(exc)) from None
    try:
        executor = Executor(definition, lambdas=lambdas, mocks=mocks, seed=args.seed, start_time=start_time(args),
                            validate=not args.no_validate)
    except DefinitionError as exc:
        raise _usage(str(exc)) from None
    try:
        execution = executor.run(input_value, name="exec-1", input_text=input_text.strip())
    except InvalidExecutionInput as exc:
        raise _usage(str(exc)) from None
    if args.json:
        print(json.dumps(execution_summary(execution), ensure_ascii=False))
    else:
        from pyawssfn.commands._common import console
        render_timeline(execution, console(), verbose=args.verbose)
    return 0 if execution.status == "SUCCEEDED" else 1
