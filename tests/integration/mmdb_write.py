#!/usr/bin/env python3
# mmdb_write.py -- write a small MaxMind DB file for the tests
# SPDX-License-Identifier: ISC
#
# usage: mmdb_write.py SPEC.json OUT.mmdb      (SPEC "-": standard input)
#
# SPEC is a JSON object:
#   "ip_version"   4 or 6 (default 6)
#   "record_size"  24, 28 or 32 (default 28)
#   "aliases"      true: ::ffff:0:0/96 and 2002::/16 lead to the IPv4
#                  tree, as MaxMind's own files do (default false)
#   "networks"     [ [ "PREFIX", { data } ], ... ]; a longer prefix inside
#                  a shorter one takes its part of it, whatever the order
#   "raw_tail"     optional: bytes (hex) written after the search tree in
#                  place of the data section, for broken files
#
# Written from the format's public description (MaxMind DB File Format
# Specification 2.0): a binary tree of records, 16 zero bytes, the data
# section, then "\xab\xcd\xefMaxMind.com" and the metadata map.  JSON maps
# become maps, strings utf8_string, integers uint32 (uint64 past 2^32),
# lists arrays, true/false booleans, floats doubles.
import ipaddress
import json
import os
import struct
import sys
import time


class Node:
    __slots__ = ("kids", "num")

    def __init__(self):
        self.kids = [None, None]    # None (empty), ("data", i) or Node
        self.num = None


def enc_ctrl(typ, size):
    """Control byte(s) of a field: type, then size (spec "Data Field")."""
    ext = b""
    if typ > 7:
        ext = bytes([typ - 7])
        t = 0
    else:
        t = typ
    if size < 29:
        head, more = size, b""
    elif size < 29 + 256:
        head, more = 29, bytes([size - 29])
    elif size < 285 + 65536:
        head, more = 30, struct.pack(">H", size - 285)
    else:
        head, more = 31, struct.pack(">I", size - 65821)[1:]
    return bytes([(t << 5) | head]) + ext + more


def enc_uint(typ, v):
    b = v.to_bytes((v.bit_length() + 7) // 8, "big") if v else b""
    return enc_ctrl(typ, len(b)) + b


def enc(v):
    """One value in the data section's encoding."""
    if isinstance(v, bool):
        return enc_ctrl(14, 1 if v else 0)
    if isinstance(v, dict):
        out = enc_ctrl(7, len(v))
        for k in v:
            out += enc(str(k)) + enc(v[k])
        return out
    if isinstance(v, str):
        b = v.encode()
        return enc_ctrl(2, len(b)) + b
    if isinstance(v, int):
        if v < 0:
            raise ValueError("negative integers are not written")
        return enc_uint(6 if v < 2 ** 32 else 9, v)
    if isinstance(v, float):
        return enc_ctrl(3, 8) + struct.pack(">d", v)
    if isinstance(v, list):
        out = enc_ctrl(11, len(v))
        for x in v:
            out += enc(x)
        return out
    raise TypeError("cannot write %r" % (v,))


def bits_of(net, ip_version):
    """The path of a network in the tree: its address bits, in order."""
    n = ipaddress.ip_network(net, strict=True)
    if n.version == 4 and ip_version == 6:
        addr, plen, width = int(n.network_address), 96 + n.prefixlen, 128
    elif n.version == 6 and ip_version == 4:
        raise ValueError("%s: IPv6 in an IPv4 database" % net)
    else:
        addr, plen = int(n.network_address), n.prefixlen
        width = 32 if n.version == 4 else 128
    return [(addr >> (width - 1 - i)) & 1 for i in range(plen)]


def insert(root, path, leaf):
    node = root
    for i, b in enumerate(path):
        last = i == len(path) - 1
        kid = node.kids[b]
        if last:
            if isinstance(kid, Node):
                # A shorter prefix after a longer one: fill what is empty.
                fill(kid, leaf)
            else:
                node.kids[b] = leaf
            return
        if not isinstance(kid, Node):
            # Split a leaf (or nothing) to make room for a longer prefix.
            n = Node()
            n.kids = [kid, kid]
            node.kids[b] = n
            kid = n
        node = kid


def fill(node, leaf):
    for b in (0, 1):
        if node.kids[b] is None:
            node.kids[b] = leaf
        elif isinstance(node.kids[b], Node):
            fill(node.kids[b], leaf)


def walk_to(root, path):
    """The node at path, made if it is not there."""
    node = root
    for b in path:
        if not isinstance(node.kids[b], Node):
            n = Node()
            if node.kids[b] is not None:
                n.kids = [node.kids[b], node.kids[b]]
            node.kids[b] = n
        node = node.kids[b]
    return node


def set_record(root, path, target):
    node = walk_to(root, path[:-1])
    node.kids[path[-1]] = target


def build(spec):
    ipv = spec.get("ip_version", 6)
    rs = spec.get("record_size", 28)
    if rs not in (24, 28, 32):
        raise ValueError("record_size must be 24, 28 or 32")
    root = Node()
    datas, index = [], {}
    for net, data in spec.get("networks", []):
        key = json.dumps(data, sort_keys=True)
        if key not in index:
            index[key] = len(datas)
            datas.append(data)
        insert(root, bits_of(net, ipv), ("data", index[key]))
    if ipv == 6:
        v4 = walk_to(root, [0] * 96)
        if spec.get("aliases"):
            ffff = [0] * 80 + [1] * 16
            set_record(root, ffff, v4)
            six2four = [int(c) for c in format(0x2002, "016b")]
            set_record(root, six2four, v4)
    # Number the nodes breadth first, each once (aliases share one).
    order, queue = [], [root]
    while queue:
        n = queue.pop(0)
        if n.num is not None:
            continue
        n.num = len(order)
        order.append(n)
        queue.extend(k for k in n.kids if isinstance(k, Node))
    count = len(order)
    data_sec, offs = b"", []
    for d in datas:
        offs.append(len(data_sec))
        data_sec += enc(d)

    def value(kid):
        if kid is None:
            return count
        if isinstance(kid, Node):
            return kid.num
        return count + 16 + offs[kid[1]]

    tree = bytearray()
    for n in order:
        l, r = value(n.kids[0]), value(n.kids[1])
        if max(l, r) >= 1 << rs:
            raise ValueError("records do not fit in %d bits" % rs)
        if rs == 24:
            tree += l.to_bytes(3, "big") + r.to_bytes(3, "big")
        elif rs == 28:
            tree += (l & 0xffffff).to_bytes(3, "big")
            tree.append(((l >> 24) << 4) | (r >> 24))
            tree += (r & 0xffffff).to_bytes(3, "big")
        else:
            tree += l.to_bytes(4, "big") + r.to_bytes(4, "big")
    if "raw_tail" in spec:
        data_sec = bytes.fromhex(spec["raw_tail"])
    meta = {
        "node_count": count,
        "record_size": ("u16", rs),
        "ip_version": ("u16", ipv),
        "database_type": spec.get("database_type", "steerdns-test"),
        "languages": ["en"],
        "binary_format_major_version": ("u16", 2),
        "binary_format_minor_version": ("u16", 0),
        "build_epoch": ("u64", int(spec.get("build_epoch", time.time()))),
        "description": {"en": "steerdns test database"},
    }
    out = enc_ctrl(7, len(meta))
    for k, v in meta.items():
        out += enc(k)
        if isinstance(v, tuple):
            out += enc_uint(5 if v[0] == "u16" else 9, v[1])
        else:
            out += enc(v)
    return (bytes(tree) + b"\0" * 16 + data_sec +
            b"\xab\xcd\xefMaxMind.com" + out)


def main():
    if len(sys.argv) != 3:
        sys.stderr.write("usage: mmdb_write.py SPEC.json OUT.mmdb\n")
        return 2
    src = sys.stdin if sys.argv[1] == "-" else open(sys.argv[1])
    blob = build(json.load(src))
    tmp = sys.argv[2] + ".tmp"
    with open(tmp, "wb") as f:
        f.write(blob)
    os.replace(tmp, sys.argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main())
