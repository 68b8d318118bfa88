"""The author API's names come from one table (pyawssfn/_api_names.py): what pyawssfn exports, what the compiler
recognises, the predicates' arities; the table ships in the Lambda zip beside __init__.py."""
from __future__ import annotations

import ast
import inspect
import pathlib

import pytest

import pyawssfn as sfn
from pyawssfn import _api_names, _predicates
from pyawssfn.compiler import predicates
from pyawssfn.compiler.diagnostics import Reporter
from pyawssfn.compiler.expressions import PREDICATE_NAMES
from pyawssfn.compiler.frontend import API_NAMES, PREDICATES, analyse
from pyawssfn.packaging.sources import RUNTIME_FILES


def test_the_package_exports_exactly_the_table():
    assert sfn.__all__ == list(_api_names.EXPORTED)
    missing = [n for n in _api_names.EXPORTED if not hasattr(sfn, n)]
    assert not missing


def test_the_compiler_recognises_the_tables_names():
    assert API_NAMES == _api_names.COMPILED
    assert PREDICATES == PREDICATE_NAMES == frozenset(_api_names.PREDICATES)
    assert not set(_api_names.RUNTIME_ONLY) & API_NAMES


@pytest.mark.parametrize("name", sorted(_api_names.COMPILED))
def test_each_compiled_name_is_the_author_api_both_spellings(name):
    source = f"import pyawssfn as sfn\nfrom pyawssfn import {name} as alias\n\nx = sfn.{name}\ny = alias\n"
    info = analyse(source, "<api>", Reporter("<api>"))
    assert info is not None
    attribute, alias = (stmt.value for stmt in ast.parse(source).body[2:])
    assert info.api(attribute) == name
    assert info.api(alias) == name


@pytest.mark.parametrize("name", _api_names.PREDICATES)
def test_each_predicate_takes_its_tabled_number_of_arguments(name):
    fn = getattr(_predicates, name)
    assert getattr(sfn, name) is fn
    assert len(inspect.signature(fn).parameters) == _api_names.PREDICATE_ARITY[name] == predicates.arity(name)


def test_the_table_ships_with_the_author_api_and_imports_nothing():
    assert "_api_names.py" in RUNTIME_FILES
    tree = ast.parse(pathlib.Path(_api_names.__file__).read_text())
    assert not [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))]
