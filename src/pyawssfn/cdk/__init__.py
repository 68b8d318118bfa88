"""AWS CDK (v2) support: ``pyawssfn.cdk.Workflow``, an L3 construct shipping a pyawssfn workflow module.

Needs the optional extra: ``pip install 'pyawssfn[cdk]'`` (aws-cdk-lib and constructs)."""
from __future__ import annotations

try:
    import aws_cdk as _aws_cdk  # noqa: F401
except ImportError as exc:  # pragma: no cover - depends on the installed extras
    raise ImportError("pyawssfn.cdk needs the AWS CDK: pip install 'pyawssfn[cdk]'") from exc

from pyawssfn.cdk.workflow import Workflow

__all__ = ["Workflow"]
