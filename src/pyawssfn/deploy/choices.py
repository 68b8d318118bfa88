"""The choices every shipping command's parser offers (runtimes, architectures, log retention, machine types) and
the error those commands print without a traceback. Standard library only and no imports: building the parser
(`pyawssfn --help`) reads these, and must not load the packager, the template builder or the deployer."""
from __future__ import annotations

# The Lambda runtimes a package is built for.
RUNTIMES = ("python3.12", "python3.13", "python3.14")
DEFAULT_RUNTIME = "python3.13"
# The machine architecture in wheel tags for each Lambda architecture.
ARCHES = {"x86_64": "x86_64", "arm64": "aarch64"}
# The values CloudWatch Logs accepts for RetentionInDays.
LOG_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
                      3288, 3653)
DEFAULT_LOG_RETENTION = 30
MACHINE_TYPES = ("STANDARD", "EXPRESS")


class ShipError(Exception):
    """A problem the user can fix (bad workflow file, compile errors, cycles): printed without a traceback."""
