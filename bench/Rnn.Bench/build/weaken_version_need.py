#!/usr/bin/env python3
"""Marks one symbol-version requirement of an ELF shared library as weak (VER_FLG_WEAK).

Why: TorchSharp 0.107.0's libLibTorchSharp.so asks libstdc++ for GLIBCXX_3.4.32 (GCC 13), which
Debian 12's libstdc++ (GCC 12, up to GLIBCXX_3.4.30) lacks, so the loader refuses the library.
Only _ZSt21ios_base_library_initv carries that version and no relocation refers to it (GCC 13
emits it only to pull in the library's stream initialiser), so a weak requirement lets the
library load and changes nothing it runs. The bench's build applies this to its OWN output copy
of the library; the NuGet cache and the product are never touched.

The format is the ELF gABI's GNU extension (.gnu.version_r, SHT_GNU_verneed = 0x6ffffffe):
Elf64_Verneed {vn_version u16, vn_cnt u16, vn_file u32, vn_aux u32, vn_next u32} and
Elf64_Vernaux {vna_hash u32, vna_flags u16, vna_other u16, vna_name u32, vna_next u32}.

Usage: weaken_version_need.py LIBRARY VERSION [VERSION ...]
Writes a patched copy beside the file and renames it over (atomic, and it never writes through
a hard link into the file it was copied from). Prints one line; exit 0 also when nothing to do.
"""
import os
import struct
import sys

SHT_GNU_VERNEED = 0x6FFFFFFE
VER_FLG_WEAK = 0x2


def sections(data):
    """(type, offset, size, link) of every section header of a little-endian ELF64 file."""
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise ValueError("not a little-endian ELF64 file")
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    for i in range(shnum):
        base = shoff + i * shentsize
        _name, kind, _flags, _addr, offset, size, link = struct.unpack_from("<IIQQQQI", data, base)
        yield kind, offset, size, link


def weaken(data, wanted):
    """Sets VER_FLG_WEAK on the named requirements; returns {name: 'weakened'|'already weak'}."""
    table = list(sections(data))
    done = {}
    for kind, offset, _size, link in table:
        if kind != SHT_GNU_VERNEED:
            continue
        strtab = table[link][1]
        need = offset
        while True:
            _ver, count, _file, aux, nxt = struct.unpack_from("<HHIII", data, need)
            entry = need + aux
            for _ in range(count):
                _hash, flags, _other, name, anxt = struct.unpack_from("<IHHII", data, entry)
                end = data.index(b"\0", strtab + name)
                text = data[strtab + name:end].decode("ascii")
                if text in wanted:
                    done[text] = "already weak" if flags & VER_FLG_WEAK else "weakened"
                    struct.pack_into("<H", data, entry + 4, flags | VER_FLG_WEAK)
                entry += anxt
                if anxt == 0:
                    break
            if nxt == 0:
                break
            need += nxt
    return done


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip().splitlines()[-3], file=sys.stderr)
        return 2
    path, wanted = argv[1], set(argv[2:])
    try:
        with open(path, "rb") as f:
            data = bytearray(f.read())
        done = weaken(data, wanted)
    except (OSError, ValueError, struct.error) as e:
        print(f"weaken_version_need: cannot patch '{path}': {e}", file=sys.stderr)
        return 1
    if any(v == "weakened" for v in done.values()):
        tmp = path + ".weak.tmp"
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, os.stat(path).st_mode)
        os.replace(tmp, path)
    missing = sorted(wanted - done.keys())
    report = ", ".join(f"{k} {v}" for k, v in sorted(done.items())) or "nothing to weaken"
    extra = f" (not required: {', '.join(missing)})" if missing else ""
    print(f"weaken_version_need: {os.path.basename(path)}: {report}{extra}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
