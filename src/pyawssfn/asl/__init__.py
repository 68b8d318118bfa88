"""Amazon States Language validation (statelint plus the rules it does not know)."""
from pyawssfn.asl.problem import Problem
from pyawssfn.asl.validate import validate_definition

__all__ = ["Problem", "validate_definition"]
