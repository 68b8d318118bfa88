"""Facts of AWS Step Functions that the executor and the plain-Python run share, written once: quotas (quotas.py),
JavaScript's number model, wildcard matching (wildcard.py)."""
