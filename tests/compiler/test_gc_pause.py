"""A compile runs with the cyclic garbage collector off and leaves it as it found it (gcpause.no_collection)."""
from __future__ import annotations

import gc

import pytest

import pyawssfn.compiler as compiler
from pyawssfn.compiler import compile_source
from pyawssfn.compiler.diagnostics import CompileError

SOURCE = "import pyawssfn as sfn\n\n\ndef step(x):\n    return x\n\n\n@sfn.workflow\ndef w(x):\n    return step(x)\n"


@pytest.fixture
def seen(monkeypatch):
    states: list[bool] = []
    inner = compiler._compile

    def spy(*args):
        states.append(gc.isenabled())
        return inner(*args)

    monkeypatch.setattr(compiler, "_compile", spy)
    return states


def test_collection_is_off_during_a_compile_and_back_on_after(seen):
    assert gc.isenabled()
    compile_source(SOURCE, "w.py")
    assert seen == [False]
    assert gc.isenabled()


def test_collection_comes_back_after_a_refused_workflow(seen):
    with pytest.raises(CompileError):
        compile_source(SOURCE.replace("return step(x)", "return step(x) +"), "w.py")
    assert gc.isenabled()


def test_a_collector_the_caller_turned_off_stays_off(seen):
    gc.disable()
    try:
        compile_source(SOURCE, "w.py")
        assert not gc.isenabled()
    finally:
        gc.enable()
    assert seen == [False]
