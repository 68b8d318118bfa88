"""JSONata for pyawssfn: the engine wrapper (behaves as jsonata 2.0.6 on JavaScript, the engine AWS runs) and the
functions AWS adds. See engine.py."""
