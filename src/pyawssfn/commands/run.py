"""``pyawssfn run FILE``: compile a workflow and execute it in the local executor (the default), run it as plain
Python (``--python``), or both and show any difference (``--compare``)."""
from __future__ import annotations

import argparse
import json
import pathlib
import sys

from pyawssfn.commands._common import add_start_time_option, read_json_input, start_time, usage as _usage
from pyawssfn.commands._common import console as _console


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "run", help="compile a workflow and run it locally (or as plain Python, or both and compare)",
        description="Compile the workflow of FILE and execute the state machine in pyawssfn's local executor, each "
                    "step called in-process through the same dispatcher as the Lambda zip (arguments and results go "
                    "through JSON). Waits and retries take no real time. Exit status: 0 SUCCEEDED, 1 FAILED (or, with "
                    "--compare, the two runs differ), 2 bad usage or a compile error.")
    p.add_argument("file", metavar="FILE", help="the workflow module (.py)")
    p.add_argument("--workflow", metavar="NAME", help="the workflow function (needed when FILE has several)")
    p.add_argument("--input", default="{}", metavar="JSON",
                   help="the execution input: JSON text, or @FILE to read it from a file (default: {})")
    how = p.add_mutually_exclusive_group()
    how.add_argument("--python", action="store_true", help="run the workflow as ordinary Python instead")
    how.add_argument("--compare", action="store_true",
                     help="run both ways and show any difference in status, output or error")
    p.set_defaults(callbacks=[])
    p.add_argument("--callback", action=_Queue, kind="result", metavar="STEP=JSON",
                   help="the result that arrives on the task token of sfn.wait_for_callback(STEP, ...) "
                        "(SendTaskSuccess); the callback options of one step answer its waits in the order given")
    p.add_argument("--callback-fail", action=_Queue, kind="fail", metavar="STEP=ERROR[:CAUSE]",
                   help="make sfn.wait_for_callback(STEP, ...) fail with ERROR (SendTaskFailure)")
    p.add_argument("--callback-timeout", action=_Queue, kind="timeout", metavar="STEP",
                   help="no answer arrives for sfn.wait_for_callback(STEP, ...): it times out")
    p.add_argument("--mock-aws", action="append", default=[], metavar="SERVICE.OPERATION=JSON",
                   help="the response of sfn.aws.SERVICE.OPERATION(...) calls, e.g. s3.get_object={...}; repeat "
                        "for later calls (the last one repeats)")
    p.add_argument("--mock-aws-fail", action="append", default=[], metavar="SERVICE.OPERATION=ERROR[:CAUSE]",
                   help="make sfn.aws.SERVICE.OPERATION(...) fail with ERROR")
    add_start_time_option(p)
    p.add_argument("--seed", type=int, default=0, metavar="N", help="seed for jitter, $random, UUIDs and task tokens")
    p.add_argument("--json", action="store_true",
                   help="print one JSON object {status, output, error, cause, stats} instead of a timeline")
    p.add_argument("--graph", metavar="OUT",
                   help="also write the machine as an HTML page with the path this run took coloured and each "
                        "state's input and output in its inspector (replaces OUT)")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="show whole values in the timeline (arguments, results, variables) instead of one short line")
    p.set_defaults(func=run)


def _read_input(text: str):
    value, _ = read_json_input(text)
    if not isinstance(value, dict):
        raise _usage("--input must be a JSON object whose keys are the workflow's parameters, "
                     f"not {type(value).__name__ if value is not None else 'null'}")
    return value


def _compile_or_exit(path: pathlib.Path, workflow: str | None):
    """Compile first, so a broken module gets its diagnostics rather than an import traceback."""
    from pyawssfn.commands.inputs import compile_module
    from pyawssfn.compiler import CompileError

    try:  # decoded as Python decodes it, and refused when AWS would refuse the definition
        return compile_module(str(path), workflow)
    except CompileError as exc:
        for d in exc.diagnostics:
            print(str(d), file=sys.stderr)
        return None


def _python_summary(result) -> dict:
    return {"status": result.status, "output": result.output if result.status == "SUCCEEDED" else None,
            "error": result.error, "cause": result.cause, "stats": dict(result.stats)}


def _differences(py, machine) -> list[str]:
    """What the two runs did differently (pyawssfn.comparison, the comparison WorkflowTester.run_both applies): the
    first step call, callback or SDK call made otherwise, with both values, then the outcome."""
    from pyawssfn.comparison import compare_runs

    return [str(d) for d in compare_runs(py, machine).differences]


def _short(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _print_python(result, console) -> None:
    from rich.markup import escape

    for call in result.calls:
        when = f"[dim]{'+%.3fs' % call.time:>14}[/dim]"
        args = escape(_short(json.dumps(call.kwargs, ensure_ascii=False)))
        if call.error:
            console.print(f"{when} [bold cyan]▶ {escape(call.step)}[/bold cyan]({args}) "
                          f"[red]✗ {escape(call.error)}[/red]: {escape(str(call.cause))}")
        else:
            console.print(f"{when} [bold cyan]▶ {escape(call.step)}[/bold cyan]({args}) → "
                          f"{escape(_short(json.dumps(call.result, ensure_ascii=False)))}")
    _print_result(_python_summary(result), console)


def _print_result(summary: dict, console) -> None:
    from rich.markup import escape

    from pyawssfn.comparison import reported_cause

    if summary["status"] == "SUCCEEDED":
        console.print(f"[bold green]SUCCEEDED[/bold green] output: "
                      f"{escape(json.dumps(summary['output'], ensure_ascii=False))}")
    else:
        # a step's error that nothing caught ends the machine with Lambda's error JSON: its message is what to read
        # (--json keeps the cause as it is)
        cause = reported_cause(summary["error"], summary["cause"]) if summary["cause"] is not None else None
        console.print(f"[bold red]{summary['status']}[/bold red] error: {escape(str(summary['error']))} "
                      f"cause: {escape(str(cause))}")


def _write_run_graph(args, tester, machine) -> None:
    """``--graph OUT``: the HTML page of the machine with this run's path (after the run, so a run that stops for a
    missing setup writes nothing)."""
    from pyawssfn.commands.inputs import read_source, write_output
    from pyawssfn.graph import render

    text = render(tester.definition, "html", tester.source_map, title=pathlib.Path(args.file).name,
                  source=read_source(args.file), run=machine.history)
    if write_output(text, args.graph, force=True, inputs=[args.file]):
        print(f"wrote {args.graph}", file=sys.stderr)


def _first_sentence(exc) -> str:
    """What went wrong, without the advice for library users that follows it (the CLI gives its own)."""
    text = " ".join(str(exc).split())
    return text.split(". ", 1)[0].rstrip(".") if text else type(exc).__name__


class _Queue(argparse.Action):
    """Keeps --callback, --callback-fail and --callback-timeout in one list, in command-line order."""

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind

    def __call__(self, parser, namespace, value, option_string=None):
        namespace.callbacks = [*namespace.callbacks, (self.kind, value)]


def _configure_callbacks(tester, args) -> None:
    """--callback / --callback-fail / --callback-timeout, queued per step in the order given."""
    try:
        for kind, item in args.callbacks:
            if kind == "timeout":
                tester.callback(item, timeout=True)
                continue
            step, sep, text = item.partition("=")
            if kind == "result":
                if not sep or not step:
                    raise _usage(f"--callback {item!r} must be STEP=JSON")
                try:
                    value = json.loads(text)
                except ValueError as exc:
                    raise _usage(f"--callback {step}: the result is not valid JSON: {exc}") from None
                tester.callback(step, result=value)
            else:
                if not sep or not step or not text:
                    raise _usage(f"--callback-fail {item!r} must be STEP=ERROR[:CAUSE]")
                error, _, cause = text.partition(":")
                tester.callback(step, error=error, cause=cause)
    except ValueError as exc:  # an unknown step name, from the tester
        raise _usage(str(exc)) from None


def _configure_aws_mocks(tester, args) -> None:
    try:
        for item in args.mock_aws:
            op, sep, text = item.partition("=")
            if not sep or not op:
                raise _usage(f"--mock-aws {item!r} must be SERVICE.OPERATION=JSON")
            try:
                value = json.loads(text)
            except ValueError as exc:
                raise _usage(f"--mock-aws {op}: the response is not valid JSON: {exc}") from None
            (tester.mock_resource if op.startswith("arn:") else tester.mock_aws)(op, returns=value)  # #10
        for item in args.mock_aws_fail:
            op, sep, spec = item.partition("=")
            if not sep or not op or not spec:
                raise _usage(f"--mock-aws-fail {item!r} must be SERVICE.OPERATION=ERROR[:CAUSE]")
            error, _, cause = spec.partition(":")
            (tester.mock_resource if op.startswith("arn:") else tester.mock_aws)(op, error=error, cause=cause)
    except ValueError as exc:
        raise _usage(str(exc)) from None


def run(args: argparse.Namespace) -> int:
    from pyawssfn.local.report import execution_summary, render_timeline

    path = _workflow_file(args.file)
    input_value = _read_input(args.input)
    started = start_time(args)
    console = _console()
    result = _compile_or_exit(path, args.workflow)
    if result is None:
        return 2
    tester = _tester(path, result.workflow, args, started)
    if args.python:
        return _report_python(_guarded(tester.run_python, input_value), args, console)
    machine = _guarded(tester.run_machine, input_value)
    if machine.error == "Local.UnservedResource":  # a missing test setup, as a missing mock is in plain Python
        raise _usage(f"{_first_sentence(machine.cause)}; on the command line, serve sfn.aws calls with "
                     "--mock-aws SERVICE.OPERATION=JSON or --mock-aws-fail SERVICE.OPERATION=ERROR[:CAUSE]")
    if args.graph:
        _write_run_graph(args, tester, machine)
    if not args.compare:
        if args.json:
            print(json.dumps(execution_summary(machine), ensure_ascii=False))
        else:
            render_timeline(machine, console, tester.source_map, verbose=args.verbose, source_file=args.file,
                            field_lines=tester.field_lines)
        return 0 if machine.status == "SUCCEEDED" else 1
    return _report_comparison(_guarded(tester.run_python, input_value), machine, args, console, tester.source_map,
                              tester.field_lines)


def _workflow_file(name: str) -> pathlib.Path:
    path = pathlib.Path(name)
    if path.is_dir():
        raise _usage(f"{name} is a directory; name the workflow's .py file")
    if not path.is_file():
        raise _usage(f"no such file: {name}")
    if path.suffix.lower() == ".json":
        raise _usage(f"{name} is a state machine definition, not a workflow module: run it with "
                     f"`pyawssfn exec {name} --input JSON`")
    return path


def _tester(path: pathlib.Path, workflow: str, args, started):
    """The tester that runs both ways, with the command line's callback answers and SDK mocks."""
    from pyawssfn import pyrun
    from pyawssfn.testing import WorkflowTester

    try:
        tester = WorkflowTester(path, workflow, seed=args.seed, start_time=started)
    except pyrun.PyRunError as exc:
        raise _usage(str(exc)) from None
    except Exception as exc:  # the module's own top-level code failed while importing
        raise _usage(f"importing {args.file} raised {type(exc).__name__}: {exc}") from None
    _configure_callbacks(tester, args)
    _configure_aws_mocks(tester, args)
    return tester


def _guarded(run_one, input_value):
    """A run that stops for a missing setup (no callback answer, no SDK mock, input AWS would refuse) is a usage
    error: say what to pass, exit 2."""
    from pyawssfn import CallbackUnavailable, pyrun
    from pyawssfn.local import InvalidExecutionInput

    try:
        return run_one(input_value)
    except CallbackUnavailable as exc:
        raise _usage(f"{_first_sentence(exc)}; on the command line, answer it with --callback STEP=JSON, "
                     "--callback-fail STEP=ERROR[:CAUSE] or --callback-timeout STEP") from None
    except pyrun.MissingMock as exc:
        raise _usage(f"{_first_sentence(exc)}; on the command line, serve sfn.aws calls with "
                     "--mock-aws SERVICE.OPERATION=JSON or --mock-aws-fail SERVICE.OPERATION=ERROR[:CAUSE]") from None
    except (pyrun.PyRunError, InvalidExecutionInput) as exc:
        raise _usage(_first_sentence(exc)) from None


def _report_python(py, args, console) -> int:
    if args.json:
        print(json.dumps(_python_summary(py), ensure_ascii=False))
    else:
        _print_python(py, console)
    return 0 if py.status == "SUCCEEDED" else 1


def _report_comparison(py, machine, args, console, source_map, field_lines=None) -> int:
    """--compare: both outcomes and the differences; exit 1 when the runs differ or the machine failed."""
    from pyawssfn.local.report import execution_summary, failure_location

    py_summary, machine_summary = _python_summary(py), execution_summary(machine)
    diffs = _differences(py, machine)
    if args.json:
        print(json.dumps({"equal": not diffs, "python": py_summary, "machine": machine_summary,
                          "differences": diffs}, ensure_ascii=False))
    else:
        console.print("[bold]plain Python:[/bold]")
        _print_result(py_summary, console)
        console.print("[bold]state machine:[/bold]")
        _print_result(machine_summary, console)
        where = failure_location(machine, source_map, args.file, field_lines)
        if where is not None:
            console.print(f"at: {where}", markup=False)
        st = machine_summary["stats"]
        console.print(f"[dim]{st.get('states_entered')} states entered, {st.get('state_transitions')} transitions, "
                      f"{st.get('lambda_invocations')} Lambda invocations[/dim]")
        if diffs:
            console.print("[bold red]the runs differ:[/bold red]")
            for d in diffs:
                console.print(f"  {d}", markup=False)
        else:
            console.print("[bold green]both runs agree[/bold green]")
    if diffs:
        return 1
    return 0 if machine.status == "SUCCEEDED" else 1
