"""Error messages are JSONata 2.0.6's: every template of jsonata-python's catalog, as the executor renders it, is the
one in jsonata.js's errorCodes (read from node_modules/jsonata, the reference)."""
from __future__ import annotations

import json
import re
import shutil
import subprocess

from jsonata import jexception

from pyawssfn.jsonata.functions import _TEMPLATE_FIXES, js_template

from .crosscheck import node_jsonata

_SCRIPT = r"""
const src = require('fs').readFileSync(process.argv[1], 'utf8');
const start = src.indexOf('var errorCodes = {');
const end = src.indexOf('\n    };', start);
console.log(JSON.stringify(eval('(' + src.slice(start + 'var errorCodes = '.length, end) + '\n})')));
"""


def _placeholders_as_one(template: str) -> str:
    return re.sub(r"\{\{\{?\w+\}?\}\}", "{}", template)  # the two catalogs name the inserted values differently


def test_every_error_template_is_jsonata_2_0_6s():
    node = shutil.which("node")
    assert node, "needs Node.js (CI has it)"
    out = subprocess.run([node, "-e", _SCRIPT, str(node_jsonata.JSONATA_MODULE / "jsonata.js")],
                         capture_output=True, text=True, timeout=60, check=True).stdout
    reference = json.loads(out)
    assert len(reference) > 90
    ours = jexception.JException.error_codes
    wrong = {code: (js_template(_TEMPLATE_FIXES.get(code) or ours.get(code, "(missing)")), text)
             for code, text in reference.items()
             if _placeholders_as_one(js_template(_TEMPLATE_FIXES.get(code) or ours.get(code, ""))) != _placeholders_as_one(text)}
    assert wrong == {}
