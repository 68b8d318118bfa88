import pytest

from pyawssfn.pyrun import run_workflow


def test_steps(example):
    m = example("fan_out")
    assert m.make_thumbnail({"key": "a", "width": 1024, "height": 256}) == {
        "key": "thumbnails/a", "width": 128, "height": 32}
    assert m.make_thumbnail({"key": "s", "width": 10, "height": 20}) == {"key": "thumbnails/s", "width": 10,
                                                                         "height": 20}
    with pytest.raises(m.InvalidImage):
        m.make_thumbnail({"key": "z", "width": 0, "height": 3})
    assert m.check_thumbnail({"key": "k", "width": 129, "height": 1}) == {"key": "k", "ok": False}
    assert m.build_report([{"key": "k"}], [{"ok": True}]) == {"count": 1, "all_ok": True, "keys": ["k"]}


def test_workflow(examples_dir):
    path = examples_dir / "fan_out.py"
    images = [{"key": f"i{n}.png", "width": 100 * n, "height": 300} for n in range(1, 4)]
    r = run_workflow(path, None, {"images": images})
    assert r.output == {"count": 3, "all_ok": True, "keys": ["thumbnails/i1.png", "thumbnails/i2.png",
                                                            "thumbnails/i3.png"]}
    assert r.stats["lambda_invocations"] == 7
    assert run_workflow(path, None, {"images": []}).output == {"count": 0, "all_ok": True, "keys": []}
    r = run_workflow(path, None, {"images": images + [{"key": "bad", "width": 5, "height": 0}]})
    assert (r.status, r.error, r.cause) == ("FAILED", "InvalidImage", "bad has no pixels (5x0)")
    r = run_workflow(path, None, {"images": "not a list"})
    assert r.error == "States.QueryEvaluationError"
