"""Static types: the model (`Type`, a kind string that also carries item and key types) and the types read from
users' annotations. Variables' types are inferred in compiler/static_types.py; the step boundary that makes
annotations hold at run time is pyawssfn/_step_types.py."""
from pyawssfn.compiler.types.annotations import AnnotationReader, step_result_types
from pyawssfn.compiler.types.model import Type, as_type, join, same

__all__ = ["Type", "as_type", "join", "same", "AnnotationReader", "step_result_types"]
