#!/usr/bin/env python3
"""Where a wasm module's bytes go: code size per crate, from the function-name section.

    python3 scripts/wasm-sizes.py target/wasm32-unknown-unknown/web-release/ganvas-web.wasm [N]

Reads the module the linker wrote (before wasm-bindgen and wasm-opt, which drop the names),
sums each function body's size under the crate its name starts with, and prints the N largest
crates (default 40) and the share of data and other sections. Names are attributed by their
first path segment after `<` / `impl` noise, so generic code lands in the crate that defines
the function, not the one that instantiated it.
"""
import re
import sys
from collections import Counter


def leb(data, pos):
    result = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return result, pos


def demangle_crate(name):
    # Legacy mangling: _ZN<len><segment>...; v0: _R...; already demangled: crate::path.
    m = re.match(r"_ZN(\d+)", name)
    if m:
        n = int(m.group(1))
        start = m.end()
        name = name[start:start + n]
    for code, char in (("$LT$", "<"), ("$GT$", ">"), ("$RF$", "&"), ("$BP$", "*"),
                       ("$u20$", " "), ("$C$", ","), ("$u7b$", "{"), ("$u7d$", "}"), ("..", "::")):
        name = name.replace(code, char)
    name = name.lstrip("_<&*( ")
    for prefix in ("impl ", "dyn ", "mut ", "const "):
        while name.startswith(prefix):
            name = name[len(prefix):].lstrip("<&*( ")
    m = re.match(r"([A-Za-z_][A-Za-z0-9_]*)(::|$)", name)
    return m.group(1) if m else "(other)"


def main():
    path = sys.argv[1]
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    data = open(path, "rb").read()
    assert data[:4] == b"\0asm", "not a wasm module"
    pos = 8
    sections = Counter()
    imported_funcs = 0
    bodies = []
    names = {}
    while pos < len(data):
        sid = data[pos]
        size, body = leb(data, pos + 1)
        end = body + size
        if sid == 0:
            name_len, p = leb(data, body)
            cname = data[p:p + name_len].decode("utf-8", "replace")
            sections[f"custom:{cname}"] += size
            if cname == "name":
                p += name_len
                while p < end:
                    sub = data[p]
                    sub_size, q = leb(data, p + 1)
                    if sub == 1:
                        count, r = leb(data, q)
                        for _ in range(count):
                            idx, r = leb(data, r)
                            n, r = leb(data, r)
                            names[idx] = data[r:r + n].decode("utf-8", "replace")
                            r += n
                    p = q + sub_size
        else:
            sections[{1: "type", 2: "import", 3: "function", 5: "memory", 6: "global",
                      7: "export", 9: "element", 10: "code", 11: "data", 12: "datacount"}.get(sid, f"id{sid}")] += size
            if sid == 2:
                count, p = leb(data, body)
                for _ in range(count):
                    for _ in range(2):
                        n, p = leb(data, p)
                        p += n
                    kind = data[p]
                    p += 1
                    if kind == 0:
                        _, p = leb(data, p)
                        imported_funcs += 1
                    elif kind == 1:
                        p += 1
                        flags, p = leb(data, p)
                        _, p = leb(data, p)
                        if flags & 1:
                            _, p = leb(data, p)
                    elif kind == 2:
                        flags, p = leb(data, p)
                        _, p = leb(data, p)
                        if flags & 1:
                            _, p = leb(data, p)
                    elif kind == 3:
                        p += 2
            if sid == 10:
                count, p = leb(data, body)
                for i in range(count):
                    n, q = leb(data, p)
                    bodies.append((imported_funcs + i, q - p + n))
                    p = q + n
        pos = end
    total = len(data)
    print(f"{path}: {total:,} bytes, {len(bodies):,} functions, {len(names):,} named")
    for name, size in sections.most_common():
        print(f"  section {name:<28} {size:>12,}  {100 * size / total:5.1f} %")
    crates = Counter()
    for idx, size in bodies:
        crates[demangle_crate(names.get(idx, ""))] += size
    code = sum(crates.values())
    print(f"\ncode by crate (of {code:,} bytes):")
    for crate, size in crates.most_common(top):
        print(f"  {crate:<32} {size:>12,}  {100 * size / code:5.1f} %")


if __name__ == "__main__":
    main()
