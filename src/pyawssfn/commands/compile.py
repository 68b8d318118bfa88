"""``pyawssfn compile FILE``: the workflow of FILE as an ASL definition (JSONata + Variables)."""
from __future__ import annotations

import argparse
import sys


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "compile", help="compile a Python workflow to an ASL state machine definition",
        description="Compile the @pyawssfn.workflow function of FILE to Amazon States Language (JSONata query "
                    "language with Variables) and print it, or write it to OUT. Each step call becomes a Lambda Task "
                    "on ${FunctionArn} (or --function-arn). Exit status: 0 compiled, 2 bad usage or compile errors "
                    "(all of them are listed as file:line:col: error: ...).")
    p.add_argument("file", metavar="FILE", help="the workflow module (.py; - reads it from standard input)")
    p.add_argument("--workflow", metavar="NAME", help="the workflow function (needed when FILE has several)")
    p.add_argument("--function-arn", metavar="ARN", help="the Lambda function ARN to put in place of ${FunctionArn}")
    p.add_argument("--no-transient-retry", action="store_true",
                   help="do not add the default retrier for Lambda's transient service errors")
    p.add_argument("-o", "--output", metavar="OUT", help="write the definition to OUT instead of printing it (- is standard output)")
    p.add_argument("--force", action="store_true", help="overwrite OUT if it exists")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pyawssfn.commands.inputs import check_output, compile_module, write_output
    from pyawssfn.compiler import CompileError

    check_output(args.output, args.force, inputs=[args.file])
    try:  # the definition is validated as AWS would: a refusal is reported at the Python line that caused it
        result = compile_module(args.file, args.workflow, function_arn=args.function_arn,
                                transient_retry=not args.no_transient_retry)
    except CompileError as exc:
        for d in exc.diagnostics:
            print(str(d), file=sys.stderr)
        n = len(exc.diagnostics)
        print(f"pyawssfn: {n} error{'s' if n != 1 else ''}; nothing compiled", file=sys.stderr)
        return 2
    if write_output(result.to_json(), args.output, args.force, inputs=[args.file]):
        print(f"wrote {args.output} ({len(result.definition['States'])} top-level states, steps: "
              f"{', '.join(result.steps) or 'none'})", file=sys.stderr)
    return 0
