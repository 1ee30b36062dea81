#!/usr/bin/env python3
# peer-recorder.py -- a fake backend that records who connects to it, for
# the probe source tests.
# usage: peer-recorder.py ADDRESS PORT --log FILE
# On ADDRESS:PORT it serves
#   TCP  each connection is logged when accepted; a request that comes
#        within a second gets "200 ok" (an http check), a connection
#        closed at once is fine too (a tcp check)
#   UDP  each datagram is logged; a DNS query gets a NOERROR reply with
#        the question and no records (a dns check)
# --log FILE  one JSON line per connection or datagram: "t" (monotonic
#             seconds), "proto" ("tcp" or "udp") and "peer" (the source
#             address it came from)
# Prints "listening" once both sockets are bound.  Python 3 stdlib only.
# SPDX-License-Identifier: ISC
import argparse
import json
import socket
import struct
import threading
import time

LOG_LOCK = threading.Lock()


def log(path, proto, peer):
    with LOG_LOCK:
        with open(path, "a", encoding="utf-8") as f:
            f.write(json.dumps({"t": time.monotonic(), "proto": proto,
                                "peer": peer[0]}) + "\n")


def serve_tcp(c):
    try:
        c.settimeout(1)
        data = b""
        while b"\r\n\r\n" not in data and len(data) < 65536:
            chunk = c.recv(4096)
            if not chunk:
                break
            data += chunk
        if b"\r\n\r\n" in data:
            c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n"
                      b"Connection: close\r\n\r\nok\n")
    except OSError:
        pass
    finally:
        c.close()


def tcp_loop(s, path):
    while True:
        c, peer = s.accept()
        log(path, "tcp", peer)
        threading.Thread(target=serve_tcp, args=(c,), daemon=True).start()


def dns_reply(q):
    """NOERROR, authoritative, the question copied, no records."""
    if len(q) < 12:
        return None
    qid, flags, qd = struct.unpack("!HHH", q[:6])
    if flags & 0x8000 or qd != 1:
        return None
    i = 12
    while i < len(q) and q[i] != 0:
        i += 1 + q[i]
    end = i + 5                 # the root label, QTYPE, QCLASS
    if end > len(q):
        return None
    return struct.pack("!HHHHHH", qid, 0x8400 | (flags & 0x0100), 1, 0, 0,
                       0) + q[12:end]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("address")
    ap.add_argument("port", type=int)
    ap.add_argument("--log", required=True)
    opts = ap.parse_args()
    fam = socket.AF_INET6 if ":" in opts.address else socket.AF_INET
    t = socket.socket(fam, socket.SOCK_STREAM)
    t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    t.bind((opts.address, opts.port))
    t.listen(64)
    u = socket.socket(fam, socket.SOCK_DGRAM)
    u.bind((opts.address, opts.port))
    threading.Thread(target=tcp_loop, args=(t, opts.log), daemon=True).start()
    print("listening", flush=True)
    while True:
        q, peer = u.recvfrom(4096)
        log(opts.log, "udp", peer)
        r = dns_reply(q)
        if r is not None:
            u.sendto(r, peer)


if __name__ == "__main__":
    main()
