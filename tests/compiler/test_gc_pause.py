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


def test_what_a_compile_keeps_goes_to_the_oldest_generation_without_a_walk():
    gc.collect()
    res = compile_source(SOURCE, "w.py")
    young = gc.get_objects(0) + gc.get_objects(1)
    assert not any(o is res.definition for o in young)  # a young collection would have had to walk it
    assert any(o is res.definition for o in gc.get_objects(2))


def test_objects_the_caller_froze_stay_frozen():
    gc.collect()
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        assert frozen > 0
        compile_source(SOURCE, "w.py")
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()
