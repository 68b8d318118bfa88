"""Graph.release breaks the IR's reference cycles, so a compiled graph is freed by reference counting."""
import gc
import weakref

from pyawssfn.compiler.ir import Graph, Pass


def test_a_looping_graph_is_freed_without_the_cyclic_gc_after_release() -> None:
    a = Pass(name="a", line=1)
    b = Pass(name="b", line=2, next=a)
    a.next = b  # a loop: a -> b -> a
    graph = Graph(nodes=[a, b], start=a)
    ref = weakref.ref(a)
    was = gc.isenabled()
    gc.disable()
    try:
        graph.release()
        del a, b, graph
        assert ref() is None
    finally:
        if was:
            gc.enable()


def test_without_release_the_loop_keeps_the_states_alive() -> None:
    a = Pass(name="a", line=1)
    a.next = a
    ref = weakref.ref(a)
    was = gc.isenabled()
    gc.disable()
    try:
        del a
        assert ref() is not None
    finally:
        if was:
            gc.enable()
        gc.collect()
