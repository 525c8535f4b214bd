#!/usr/bin/env python3
"""Writes the hostile layer tars of hostile_unpack.sh into DIR, one per case.

Each case is a tar no honest tool writes: entries that climb out of the
root, links that point out of it, writes through a planted symlink, a header
that declares a terabyte. Python's tarfile writes them as given (GNU tar
would clean some of them).
"""
import io
import sys
import tarfile


def add_file(tar, name, data=b"pwned\n"):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))


def add_link(tar, name, target, kind):
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = target
    tar.addfile(info)


def add_dir(tar, name):
    info = tarfile.TarInfo(name)
    info.type = tarfile.DIRTYPE
    info.mode = 0o755
    tar.addfile(info)


def huge(tar):
    # A header claiming 1 TiB, followed by only a little data.
    info = tarfile.TarInfo("huge")
    info.size = 1 << 40
    buf = info.tobuf(tarfile.GNU_FORMAT)
    tar.fileobj.write(buf + b"\0" * 4096)


def main():
    out, host_target = sys.argv[1], sys.argv[2]
    cases = {
        "dotdot": lambda t: add_file(t, "../escaped"),
        "deep-dotdot": lambda t: (add_dir(t, "a"), add_file(t, "a/../../escaped")),
        "hardlink-dotdot": lambda t: (add_file(t, "x"), add_link(t, "y", "../../../etc/passwd", tarfile.LNKTYPE)),
        "hardlink-absolute-missing": lambda t: add_link(t, "y", host_target, tarfile.LNKTYPE),
        "symlink-hardlink-through": lambda t: (
            add_link(t, "evil", "/", tarfile.SYMTYPE),
            add_link(t, "y", "evil" + host_target, tarfile.LNKTYPE)),
        "huge": huge,
    }
    for name, build in cases.items():
        with tarfile.open(f"{out}/{name}.tar", "w", format=tarfile.GNU_FORMAT) as tar:
            build(tar)
    # Cases that must unpack, but only inside the root.
    with tarfile.open(f"{out}/confined-symlink-write.tar", "w", format=tarfile.GNU_FORMAT) as tar:
        add_link(tar, "evil", "/", tarfile.SYMTYPE)
        add_file(tar, "evil" + host_target)
    with tarfile.open(f"{out}/confined-relative-symlink-write.tar", "w", format=tarfile.GNU_FORMAT) as tar:
        add_link(tar, "up", "../../../../../../..", tarfile.SYMTYPE)
        add_file(tar, "up" + host_target)
    with tarfile.open(f"{out}/confined-absolute-name.tar", "w", format=tarfile.GNU_FORMAT) as tar:
        add_file(tar, host_target)


if __name__ == "__main__":
    main()
