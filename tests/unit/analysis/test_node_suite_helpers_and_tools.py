"""npm conventions: a test folder's `helpers/` holds what the tests share, not tests (AVA
leaves it out of its run), and the development packages worth naming are the tools the
package's scripts run, before type declarations and shared configs."""

from __future__ import annotations

import json
from pathlib import Path

from codestory.analysis import analyse
from codestory.analysis.ecosystems.node import Node
from codestory.analysis.manifests import Manifest
from tests.support import write_files as write

_PACKAGE = {
    "name": "fetchy",
    "version": "1.0.0",
    "type": "module",
    "exports": "./distribution/index.js",
    "scripts": {"test": "xo && npm run build && ava", "build": "tsc --project tsconfig.json"},
    "devDependencies": {
        "@acme/tsconfig": "^1.0.0",
        "@types/node": "^22.0.0",
        "ava": "^6.0.0",
        "express": "^5.0.0",
        "typescript": "^5.0.0",
        "xo": "^1.0.0",
    },
}


def _tree() -> dict[str, str]:
    files = {
        "package.json": json.dumps(_PACKAGE),
        "source/index.ts": "export const fetchy = (url: string) => fetch(url);\n",
        "test/helpers/server.ts": "export const start = () => 'http://127.0.0.1:1';\n",
        "test/helpers/page.ts": "export const open = () => 1;\n",
    }
    for name in ("get", "post", "retry"):
        files[f"test/{name}.ts"] = (
            "import test from 'ava';\nimport {fetchy} from '../source/index.js';\n"
            f"test('{name}', t => {{ t.truthy(fetchy); }});\n"
        )
    return files


def test_a_test_folders_helpers_are_not_counted_as_tests(tmp_path: Path) -> None:
    facts = analyse(write(tmp_path / "repo", _tree()), name="fetchy")
    assert facts.tests.files == 3
    assert facts.dev_dependencies[:3] == ["xo", "ava", "typescript"]


def test_development_packages_are_named_by_the_tools_the_scripts_run() -> None:
    scripts = {"test": "xo && npm run build && ava", "build": "tsc --project tsconfig.json"}
    manifest = Manifest(
        path="package.json", kind="npm package", ecosystem="JavaScript", scripts=scripts
    )
    dev = sorted(_PACKAGE["devDependencies"])
    assert Node().tools_first([manifest], dev) == [
        "xo",
        "ava",
        "typescript",
        "express",
        "@acme/tsconfig",
        "@types/node",
    ]
