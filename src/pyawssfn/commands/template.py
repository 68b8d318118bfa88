"""``pyawssfn template FILE``: a SAM or CloudFormation template (JSON or YAML) with least-privilege IAM."""
from __future__ import annotations

import argparse
import sys

from pyawssfn.deploy.cli_common import handles_errors, write_output
from pyawssfn.commands._common import add_log_level_option, add_runtime_options
from pyawssfn.deploy.choices import DEFAULT_LOG_RETENTION, LOG_RETENTION_DAYS, MACHINE_TYPES, ShipError


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "template", help="write a SAM or CloudFormation template for a workflow",
        description="Write a deterministic template (JSON, or YAML with --yaml or an OUT ending in .yaml/.yml): the "
                    "Lambda function serving the steps, the state machine(s) with logging, and IAM roles allowing "
                    "only what the workflow uses.")
    p.add_argument("file", metavar="FILE", help="the workflow module")
    p.add_argument("--workflow", metavar="NAME", help="the workflow to ship (needed when FILE has several)")
    p.add_argument("--format", choices=["sam", "cloudformation"], default="sam", metavar="FORMAT",
                   help="template flavour: sam, cloudformation (default sam)")
    p.add_argument("--code-uri", metavar="PATH",
                   help="the zip from `pyawssfn package` (SAM only; default function.zip)")
    p.add_argument("--s3-bucket", metavar="BUCKET", help="S3 bucket holding the zip")
    p.add_argument("--s3-key", metavar="KEY", help="S3 key of the zip")
    add_runtime_options(p)
    add_log_level_option(p)
    p.add_argument("--tracing", action="store_true",
                   help="X-Ray tracing on the machines and the function (adds the X-Ray permissions)")
    p.add_argument("--type", choices=MACHINE_TYPES, default=None,
                   help="state machine type (default: the one @sfn.workflow(type=...) declares, else STANDARD)")
    p.add_argument("--memory", type=int, default=None, metavar="MB", help="the function's memory (default 256)")
    p.add_argument("--timeout", type=int, default=None, metavar="SECONDS",
                   help="the function's timeout (default: 60 s, or the longest step timeout if longer)")
    p.add_argument("--env", action="append", default=[], metavar="KEY=VALUE",
                   help="an environment variable of the function (repeatable)")
    p.add_argument("--layer", action="append", default=[], metavar="ARN", help="a Lambda layer (repeatable, up to 5)")
    p.add_argument("--log-retention", type=int, default=DEFAULT_LOG_RETENTION, metavar="DAYS",
                   help=f"days every log group keeps its logs (default {DEFAULT_LOG_RETENTION}; 0 keeps them forever;"
                        f" CloudWatch takes {', '.join(map(str, LOG_RETENTION_DAYS[:6]))}, ... 3653)")
    p.add_argument("--yaml", action="store_true", help="write YAML (implied by an OUT ending in .yaml or .yml)")
    p.add_argument("-o", "--output", metavar="OUT", help="write here instead of stdout")
    p.add_argument("--force", action="store_true", help="replace OUT if it exists")
    p.set_defaults(func=run)


@handles_errors
def run(args: argparse.Namespace) -> int:
    from pyawssfn.deploy.iam import derive_policy  # the compiler and botocore's models: only when it runs
    from pyawssfn.deploy.express import declared_type
    from pyawssfn.deploy.source import load_machines
    from pyawssfn.deploy.template import TemplateOptions, build_template, dump_template, source_name

    machines = load_machines(args.file, args.workflow)
    options = TemplateOptions(format=args.format, code_uri=args.code_uri, s3_bucket=args.s3_bucket,
                              s3_key=args.s3_key, runtime=args.runtime, arch=args.arch, log_level=args.log_level,
                              tracing=args.tracing, source_name=source_name(args.file), timeout=args.timeout,
                              environment=_environment(args.env), layers=args.layer,
                              log_retention=args.log_retention or None,
                              type=args.type or declared_type(args.file, machines[-1].workflow))
    if args.memory is not None:
        options.memory = args.memory
    yaml = args.yaml or (args.output or "").lower().endswith((".yaml", ".yml"))
    text = dump_template(build_template(machines, options), yaml=yaml)
    write_output(text, args.output, args.force)
    for m in machines:
        for note in sorted(set(derive_policy(m.definition).notes)):
            print(f"pyawssfn: note: {m.workflow}: {note}", file=sys.stderr)
    return 0


def _environment(pairs: list[str]) -> dict[str, str]:
    env: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise ShipError(f"--env {pair!r}: write KEY=VALUE")
        env[key] = value
    return env
