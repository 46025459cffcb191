"""Go: a method belongs to the type of its name in its own package (its directory); a
backend package's `Fs` and its methods are no methods of the root package's `Fs`."""

from __future__ import annotations

from pathlib import Path

from codestory.analysis import analyse
from tests.support import write_files as write


def test_a_go_type_gets_only_the_methods_written_in_its_own_package(tmp_path: Path) -> None:
    user = (
        'package {pkg}\n\nimport "example.com/vfs"\n\n'
        'func use{n}(f vfs.Fs) {{\n\tf.Open("a")\n\tf.Remove("a")\n}}\n'
    )
    files: dict[str, str | bytes] = {
        "go.mod": "module example.com/vfs\n\ngo 1.22\n",
        "README.md": "# vfs\n\nA file system abstraction.\n",
        "vfs.go": "package vfs\n\n// Fs is the filesystem interface.\ntype Fs interface {\n"
        "\tOpen(name string) error\n\tRemove(name string) error\n}\n",
        "mem.go": "package vfs\n\n// MemFs keeps files in memory.\ntype MemFs struct{}\n\n"
        "// Open opens a file.\nfunc (m *MemFs) Open(name string) error { return nil }\n",
        "cloud/fs.go": "package cloud\n\n// Fs keeps files in a bucket.\ntype Fs struct{}\n\n"
        "// SetChunkSize sets the upload chunk size.\n"
        "func (fs *Fs) SetChunkSize(n int) {}\n\n"
        "// Open opens an object.\nfunc (fs *Fs) Open(name string) error { return nil }\n",
        **{f"use{n}.go": user.format(pkg="vfs", n=n) for n in range(3)},
        **{
            f"cloud/use{n}.go": f"package cloud\n\nfunc use{n}(fs *Fs) {{\n"
            "\tfs.SetChunkSize(1)\n\tfs.SetChunkSize(2)\n}\n"
            for n in range(3)
        },
    }
    facts = analyse(write(tmp_path, files), name="vfs")
    told = {(s.path, s.name): [m.name for m in s.methods] for s in facts.key_symbols}
    root = told.get(("vfs.go", "Fs"))
    cloud = told.get(("cloud/fs.go", "Fs"))
    assert root is not None and cloud is not None
    assert set(root) <= {"Open", "Remove"}  # the interface's own, never the backend's
    assert "SetChunkSize" in cloud
