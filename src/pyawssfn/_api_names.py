"""The author API's names, in one table: what ``pyawssfn`` exports, what the compiler recognises in a workflow, and
the Choice predicates with their arities.

pyawssfn/__init__.py builds ``__all__`` from it, compiler/frontend.py and compiler/expressions/ recognise the API by
it, compiler/predicates.py takes the arities from it. It ships inside the Lambda zip with __init__.py (packaging's
RUNTIME_FILES), so it is plain data: no imports.
"""

# Used in a workflow and compiled (sfn.aws.<service>.<operation> is recognised through "aws").
WORKFLOW_API = ("workflow", "main", "task", "Retry", "parallel", "map", "sleep", "sleep_until", "wait_for_callback",
                "Fail", "aws", "with_retry_spec",
                # Step Functions' own integrations (compiler/integrations.py) and a distributed Map's item reader,
                # batching and result writer (compiler/distributed_map.py).
                "run_job", "wait_for_task_token", "task_resource", "items_from_s3", "batch_items", "results_to_s3")

# Exported for step code and plain-Python runs only: never compiled.
# sfn.context() and sfn.wrap_steps are read by step code; TaskToken is an annotation (a str at run time).
RUNTIME_ONLY = ("CallbackUnavailable", "TaskToken", "context", "StepContext", "wrap_steps")

# The proof of concept's Choice predicates (sfn.StringEquals(a, b), ...): name -> number of arguments.
PREDICATE_ARITY = {
    "StringEquals": 2, "StringLessThan": 2, "StringGreaterThan": 2, "StringLessThanEquals": 2,
    "StringGreaterThanEquals": 2, "StringMatches": 2, "NumericEquals": 2, "NumericLessThan": 2,
    "NumericGreaterThan": 2, "NumericLessThanEquals": 2, "NumericGreaterThanEquals": 2, "BooleanEquals": 2,
    "TimestampEquals": 2, "TimestampLessThan": 2, "TimestampGreaterThan": 2, "TimestampLessThanEquals": 2,
    "TimestampGreaterThanEquals": 2, "IsNull": 1, "IsPresent": 1, "IsNumeric": 1, "IsString": 1, "IsBoolean": 1,
    "IsTimestamp": 1,
}
PREDICATES = tuple(PREDICATE_ARITY)

# What `import pyawssfn` exports, in this order.
EXPORTED = WORKFLOW_API + RUNTIME_ONLY + PREDICATES

# What the compiler recognises as the author API in a workflow module.
COMPILED = frozenset(WORKFLOW_API + PREDICATES)
