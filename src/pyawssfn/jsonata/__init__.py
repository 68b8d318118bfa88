"""JSONata for pyawssfn: the engine wrapper (behaves as jsonata 2.0.6 on JavaScript, the engine AWS runs) and the
functions AWS adds (engine.py); the expression tree the compiler builds and rewrites (tree.py), the one printer that
turns it into text (printer.py) and the parser from text into the same nodes (parse.py)."""
