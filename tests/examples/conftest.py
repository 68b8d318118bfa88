import pathlib

import pytest

from pyawssfn.pyrun import load_module

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def example():
    """Load an example module by its file stem."""
    return lambda stem: load_module(EXAMPLES / f"{stem}.py")


@pytest.fixture(scope="module")
def examples_dir():
    return EXAMPLES
