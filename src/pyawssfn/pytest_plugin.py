"""pyawssfn's pytest plugin, registered through the ``pytest11`` entry point: active in every pytest run where
pyawssfn is installed (``-p no:pyawssfn`` turns it off). See docs/testing.md.

Fixtures:

* ``workflow``: a factory, ``workflow("onboard.py", name=None, **options) -> WorkflowTester``; a relative path is
  resolved against the directory of the test file, wherever pytest was started from.
* ``tester``: the ``WorkflowTester`` of the module named by ``@pytest.mark.workflow("onboard.py")`` on the test, its
  class or its module (``pytestmark = pytest.mark.workflow("onboard.py")``), or by a module-level
  ``WORKFLOW = "onboard.py"``. A fresh tester per test: mocks set in one test never leak into the next.

Failures point at the test's own line: pyawssfn's frames (``testing``, ``results``) are hidden from pytest's
tracebacks (``--full-trace`` shows them).
"""
from __future__ import annotations

import pathlib
from typing import TYPE_CHECKING, Any, Callable

import pytest

if TYPE_CHECKING:
    from pyawssfn.testing import WorkflowTester

_MARKER_HELP = ("workflow(path, name=None, **options): the workflow module of the `tester` fixture, relative to "
                "the test file; name picks the workflow when the module has several; options go to WorkflowTester")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", _MARKER_HELP)


def _resolve(request: pytest.FixtureRequest, path: Any) -> Any:
    if isinstance(path, (str, pathlib.PurePath)):
        p = pathlib.Path(path)
        return p if p.is_absolute() else pathlib.Path(request.path).parent / p
    return path  # a module object


@pytest.fixture
def workflow(request: pytest.FixtureRequest) -> Callable[..., WorkflowTester]:
    """``workflow("flow.py")``: a WorkflowTester for a module beside the test file (or a module object)."""
    from pyawssfn.testing import WorkflowTester

    def make(module_or_path: Any, name: str | None = None, **options: Any) -> WorkflowTester:
        __tracebackhide__ = True
        return WorkflowTester(_resolve(request, module_or_path), name, **options)

    return make


@pytest.fixture
def tester(request: pytest.FixtureRequest, workflow: Callable[..., WorkflowTester]) -> WorkflowTester:
    """The WorkflowTester of ``@pytest.mark.workflow(path)`` (test, class or module) or of ``WORKFLOW = path``."""
    __tracebackhide__ = True
    marker = request.node.get_closest_marker("workflow")
    if marker is not None:
        if not marker.args:
            pytest.fail("@pytest.mark.workflow needs the module's path, e.g. @pytest.mark.workflow('flow.py')",
                        pytrace=False)
        return workflow(*marker.args, **marker.kwargs)
    path = getattr(request.module, "WORKFLOW", None)
    if path is None:
        pytest.fail("the `tester` fixture needs to know the workflow: mark the test (or module) with "
                    "@pytest.mark.workflow('flow.py'), or set WORKFLOW = 'flow.py' in the test module",
                    pytrace=False)
    return workflow(path)
