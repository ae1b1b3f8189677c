#!/usr/bin/env python3
"""Writes the archive importer's hand-made fixtures (the forms the corpus lacks) into
this directory, byte for byte the same on every run (fixed times, owners and order):
a wheel, a crate, a gem, links that stay in the tree, and the archives that must be
refused (path traversal, absolute paths, links out of the tree, directly or through the
tree's own links, in tar and zip, a link loop, an entry below a link, a device, a
duplicate entry, names one file system holds as one (case, NFC/NFD, a file that is also a
directory), a decompression bomb, one nested inside a gem, a gem member twice, a
truncated tarball). The npm tarball beside them was made
by `npm pack` itself. Run it from anywhere: python3 make_fixtures.py [OUTPUT_DIR]"""
import gzip
import io
import os
import sys
import tarfile
import zipfile

HERE = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
MTIME = 1767225600  # 2026-01-01T00:00:00Z


def info(name, data=b"", kind=tarfile.REGTYPE, link="", mode=0o644):
    t = tarfile.TarInfo(name)
    t.type, t.linkname, t.mode, t.mtime, t.size = kind, link, mode, MTIME, len(data)
    t.uid = t.gid = 0
    t.uname = t.gname = ""
    return t


def tar_bytes(entries, compress=False):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, data, kind, link, mode in entries:
            tar.addfile(info(name, data, kind, link, mode), io.BytesIO(data) if data else None)
    if not compress:
        return raw.getvalue()
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", mtime=0, compresslevel=9) as gz:
        gz.write(raw.getvalue())
    return out.getvalue()


def f(name, data, mode=0o644):
    return (name, data, tarfile.REGTYPE, "", mode)


def write(name, data):
    with open(os.path.join(HERE, name), "wb") as out:
        out.write(data)


def wheel():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in [
            ("demo/__init__.py", b"__version__ = '1.0'\n"),
            ("demo/cli.py", b"def main():\n    return 0\n"),
            ("demo-1.0.dist-info/METADATA", b"Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n"),
            ("demo-1.0.dist-info/WHEEL", b"Wheel-Version: 1.0\nTag: py3-none-any\n"),
            ("demo-1.0.dist-info/RECORD", b"demo/__init__.py,,\n"),
        ]:
            zi = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            zi.external_attr = 0o644 << 16
            z.writestr(zi, data)
    return out.getvalue()


def zip_bytes(entries):
    """entries: (name, data, target) -- a symbolic link when target is set."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data, target in entries:
            zi = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            zi.create_system = 3  # Unix: the mode below is read
            if target:
                zi.external_attr = 0o120777 << 16
                z.writestr(zi, target)
            else:
                zi.external_attr = 0o100644 << 16
                z.writestr(zi, data)
    return out.getvalue()


def link(name, target):
    return (name, b"", tarfile.SYMTYPE, target, 0o777)


def main():
    write("wheel__demo-1.0-py3-none-any.whl", wheel())
    write("crate__demo-0.1.0.crate", tar_bytes([
        f("demo-0.1.0/Cargo.toml", b'[package]\nname = "demo"\nversion = "0.1.0"\n'),
        f("demo-0.1.0/src/lib.rs", b"pub fn answer() -> u32 { 42 }\n"),
        f("demo-0.1.0/.cargo_vcs_info.json", b'{"git":{"sha1":"0123456789abcdef0123456789abcdef01234567"}}\n'),
    ], compress=True))
    data = tar_bytes([f("lib/demo.rb", b"module Demo; end\n"),
                      f("bin/demo", b"#!/usr/bin/env ruby\n", 0o755)], compress=True)
    write("gem__demo-1.0.gem", tar_bytes([
        f("metadata.gz", gzip.compress(b"--- !ruby/object:Gem::Specification\nname: demo\n", mtime=0)),
        f("data.tar.gz", data),
        f("checksums.yaml.gz", gzip.compress(b"---\n", mtime=0)),
    ]))
    write("links__in-tree.tar", tar_bytes([
        f("pkg/lib/real.js", b"exports.x = 1;\n"),
        ("pkg/index.js", b"", tarfile.SYMTYPE, "lib/real.js", 0o777),
        ("pkg/lib/up.js", b"", tarfile.SYMTYPE, "../index.js", 0o777),
        ("pkg/copy.js", b"", tarfile.LNKTYPE, "pkg/lib/real.js", 0o644),
    ]))
    # Refused.
    write("refused__traversal.tar", tar_bytes([f("pkg/ok.js", b"1\n"), f("pkg/../../evil.sh", b"x\n")]))
    write("refused__absolute.tar", tar_bytes([f("/etc/cron.d/evil", b"x\n")]))
    write("refused__symlink-out.tar", tar_bytes([
        ("pkg/secrets", b"", tarfile.SYMTYPE, "../../../home/runner/.npmrc", 0o777)]))
    write("refused__device.tar", tar_bytes([("pkg/dev", b"", tarfile.CHRTYPE, "", 0o644)]))
    write("refused__duplicate.tar", tar_bytes([f("pkg/a.js", b"1\n"), f("pkg/./a.js", b"2\n")]))
    # Links that leave the tree through the tree's own links (Python's tarfile data filter
    # refuses them too), a loop, an entry written through a link, in tar and zip.
    write("refused__link-through-link.tar", tar_bytes([
        f("pkg/index.js", b"1\n"), link("pkg/sub/up", ".."), link("pkg/esc", "sub/up/../.."),
        f("pkg/esc/pwned.txt", b"x\n")]))
    write("refused__link-chain-out.tar", tar_bytes([
        link("a/b", ".."), link("a/c", "b/../x")]))
    write("refused__link-loop.tar", tar_bytes([link("pkg/a", "b"), link("pkg/b", "a")]))
    write("refused__below-link.tar", tar_bytes([
        f("pkg/real/x.js", b"1\n"), link("pkg/lib", "real"), f("pkg/lib/y.js", b"2\n")]))
    write("refused__link-through-link.zip", zip_bytes([
        ("pkg/index.js", b"1\n", ""), ("pkg/sub/up", b"", ".."),
        ("pkg/esc", b"", "sub/up/../..")]))
    # One name for a case-insensitive or normalising file system, a file that is a directory.
    write("refused__case.tar", tar_bytes([f("pkg/README", b"1\n"), f("pkg/readme", b"2\n")]))
    write("refused__nfc-nfd.zip", zip_bytes([
        ("pkg/caf\u00e9.js", b"1\n", ""), ("pkg/cafe\u0301.js", b"2\n", "")]))
    write("refused__nfc-nfd.tar", tar_bytes([f("pkg/caf\u00e9.js", b"1\n"),
                                             f("pkg/cafe\u0301.js", b"2\n")]))
    write("refused__file-and-dir.tar", tar_bytes([f("pkg/a", b"1\n"), f("pkg/a/b", b"2\n")]))
    # A gem: its data.tar.gz expands far beyond the gem (counted, streamed, not held), and a
    # member twice.
    zeros = tar_bytes([f("zeros.bin", bytes(80 << 20))], compress=True)
    write("refused__bomb-in.gem", tar_bytes([f("metadata.gz", gzip.compress(b"---\n", mtime=0)),
                                             f("data.tar.gz", zeros)]))
    small = tar_bytes([f("lib/demo.rb", b"module Demo; end\n")], compress=True)
    write("refused__twice.gem", tar_bytes([
        f("data.tar.gz", small),
        f("data.tar.gz", tar_bytes([f("lib/evil.rb", b"system('x')\n")], compress=True))]))
    write("refused__bomb.tar.gz", tar_bytes([f("zeros.bin", bytes(80 << 20))], compress=True))
    whole = tar_bytes([f("pkg/big.js", os.urandom(0) + b"y" * 100000)], compress=True)
    write("refused__truncated.tgz", whole[: len(whole) // 2])
    write("refused__not-an-archive.txt", b"just some text, not an archive\n")


if __name__ == "__main__":
    main()
