"""Fetch the real source trees the truth suite checks stories against.

Each archive comes from a package registry (PyPI, npm, Debian), must match the sha256 in
tests/truth/trees.toml (or, with --corpus, the story evaluation's tests/eval/corpus/*.toml),
and is unpacked once into .cache/truth/<name>. Run by `make test` before pytest and by
`make eval`, so the tests themselves never leave the machine.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
import tomllib
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TREES = ROOT / "tests" / "truth" / "trees.toml"
CORPUS = ROOT / "tests" / "eval" / "corpus"
CACHE = ROOT / ".cache" / "truth"


def sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def download(tree: dict[str, str], archive: Path) -> None:
    if tree["source"] == "pypi":
        with tempfile.TemporaryDirectory() as scratch:
            subprocess.run(
                [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                 "--no-binary", ":all:", "--dest", scratch, tree["package"]],
                check=True,
            )  # fmt: skip
            shutil.move(str(Path(scratch) / tree["file"]), archive)
        return
    url = tree["url"]
    if not url.startswith(("https://registry.npmjs.org/", "http://deb.debian.org/")):
        raise SystemExit(f"{tree['name']}: {url} is not a package registry")
    # The registry prefix is checked above and the content by its sha256 below.
    with urllib.request.urlopen(url, timeout=120) as response, archive.open("wb") as out:  # noqa: S310
        shutil.copyfileobj(response, out)


def unpack(archive: Path, target: Path) -> None:
    """Unpack without the archive's single top folder; refuse links and paths outside."""
    scratch = target.with_name(target.name + ".partial")
    shutil.rmtree(scratch, ignore_errors=True)
    with tarfile.open(archive) as tar:
        tar.extractall(scratch, filter="data")
    tops = list(scratch.iterdir())
    inner = tops[0] if len(tops) == 1 and tops[0].is_dir() else scratch
    shutil.rmtree(target, ignore_errors=True)
    inner.rename(target)
    shutil.rmtree(scratch, ignore_errors=True)


def ensure(tree: dict[str, str]) -> Path:
    target = CACHE / tree["name"]
    stamp = CACHE / f"{tree['name']}.sha256"
    if target.is_dir() and stamp.is_file() and stamp.read_text().strip() == tree["sha256"]:
        return target
    archives = CACHE / "archives"
    archives.mkdir(parents=True, exist_ok=True)
    archive = archives / tree["file"]
    if not archive.is_file() or sha256(archive) != tree["sha256"]:
        print(f"fetching {tree['name']} from {tree['source']}", flush=True)
        download(tree, archive)
    found = sha256(archive)
    if found != tree["sha256"]:
        archive.unlink()
        raise SystemExit(f"{tree['file']}: sha256 {found} is not the pinned {tree['sha256']}")
    unpack(archive, target)
    stamp.write_text(tree["sha256"] + "\n")
    return target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("names", nargs="*", help="only these trees (default: all)")
    parser.add_argument(
        "--corpus", action="store_true", help="also the story evaluation's corpus trees"
    )
    args = parser.parse_args()
    listed = tomllib.loads(TREES.read_text())
    trees = listed["tree"] + listed.get("older", [])  # older releases, for change digests
    if args.corpus:
        for part in sorted(CORPUS.glob("*.toml")):
            trees += tomllib.loads(part.read_text()).get("tree", [])
    for tree in trees:
        if not args.names or tree["name"] in args.names:
            ensure(tree)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
