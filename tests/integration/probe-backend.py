#!/usr/bin/env python3
# probe-backend.py -- a tiny fake HTTP(S) backend for the prober tests.
# usage: probe-backend.py ADDRESS PORT MODE [--log FILE] [--delay SECONDS]
#                         [--load FILE] [--tls CERT KEY]
#   ok          200 with the body "ok"
#   500         500 with the body "ok"
#   wrongbody   200 with the body "nope"
#   hang        read the request, never reply
#   close       read the request, close at once
#   garbage     read the request, answer with a line that is not HTTP
#   load        200, body "ok", header "X-Load: 17"
#   loadheader  200, body "ok", header "X-Load: " + the --load file
#   loadbody    200, the body is the --load file
#               (loadheader: an empty --load file sends no X-Load at all)
#   bighdr      200, body "ok", after a 1 MB header line
#   endless     200, no length, "ok" then body bytes until the client
#               closes; logs {"t", "sent"} (bytes) when it does
# --log FILE     append one JSON line per request: "t" (monotonic seconds),
#                "path", "host", "ua", "headers" ([name, value] in order)
#                and "sni" (the TLS server name, null when none); a TLS
#                handshake that fails logs {"t", "tls_error", "sni"}
# --delay S      wait S seconds before replying
# --load FILE    read again for every request, so a test can change it
# --tls CERT KEY serve HTTPS with this certificate and key
# Prints "listening" once bound.  Python 3 stdlib only.
# SPDX-License-Identifier: ISC
import argparse
import json
import socket
import ssl
import threading
import time

LOG_LOCK = threading.Lock()
TLS_NAME = threading.local()


def read_request(c):
    data = b""
    c.settimeout(5)
    try:
        while b"\r\n\r\n" not in data and len(data) < 65536:
            chunk = c.recv(4096)
            if not chunk:
                break
            data += chunk
    except OSError:
        pass
    return data


def log(path, rec):
    if path is None:
        return
    with LOG_LOCK:
        with open(path, "a", encoding="utf-8") as f:
            f.write(json.dumps(rec) + "\n")


def parse(data):
    """The request line's path and the headers, in order."""
    lines = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    path = parts[1] if len(parts) >= 2 else ""
    headers = []
    for ln in lines[1:]:
        if ":" in ln:
            k, v = ln.split(":", 1)
            headers.append([k.strip(), v.strip()])
    return path, headers


def header(headers, name):
    for k, v in headers:
        if k.lower() == name.lower():
            return v
    return None


def reply(c, status, body, extra=b""):
    head = b"HTTP/1.1 %d X\r\nContent-Length: %d\r\nConnection: close\r\n" % (
        status, len(body))
    c.sendall(head + extra + b"\r\n" + body)


def load_figure(opts):
    with open(opts.load, "rb") as f:
        return f.read().strip()


def serve(c, opts, ctx):
    mode = opts.mode
    TLS_NAME.name = None
    try:
        if ctx is not None:
            try:
                c = ctx.wrap_socket(c, server_side=True)
            except (OSError, ssl.SSLError) as e:
                log(opts.log, {"t": time.monotonic(), "tls_error": str(e),
                               "sni": TLS_NAME.name})
                return
        data = read_request(c)
        if data:
            path, headers = parse(data)
            log(opts.log, {"t": time.monotonic(), "path": path,
                           "host": header(headers, "Host"),
                           "ua": header(headers, "User-Agent"),
                           "headers": headers, "sni": TLS_NAME.name})
        if opts.delay > 0:
            time.sleep(opts.delay)
        if mode == "ok":
            reply(c, 200, b"ok\n")
        elif mode == "500":
            reply(c, 500, b"ok\n")
        elif mode == "wrongbody":
            reply(c, 200, b"nope\n")
        elif mode == "load":
            reply(c, 200, b"ok\n", b"X-Load: 17\r\n")
        elif mode == "loadheader":
            fig = load_figure(opts)
            reply(c, 200, b"ok\n",
                  b"X-Load: " + fig + b"\r\n" if fig else b"")
        elif mode == "bighdr":
            reply(c, 200, b"ok\n", b"X-Big: " + b"a" * (1 << 20) + b"\r\n")
        elif mode == "endless":
            sent = 0
            try:
                c.sendall(b"HTTP/1.1 200 X\r\nConnection: close\r\n\r\nok\n")
                chunk = b"x" * 16384
                while sent < (1 << 31):
                    c.sendall(chunk)
                    sent += len(chunk)
            except OSError:
                pass
            log(opts.log, {"t": time.monotonic(), "sent": sent})
        elif mode == "loadbody":
            reply(c, 200, load_figure(opts) + b"\n")
        elif mode == "hang":
            time.sleep(30)
        elif mode == "garbage":
            c.sendall(b"this is not HTTP at all\r\n\r\n")
        elif mode == "close":
            pass
    except OSError:
        pass
    finally:
        c.close()


def sni_cb(sslobj, name, ctx):
    # Runs during the handshake, in the thread that serves the connection.
    TLS_NAME.name = name
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("address")
    ap.add_argument("port", type=int)
    ap.add_argument("mode")
    ap.add_argument("--log")
    ap.add_argument("--delay", type=float, default=0)
    ap.add_argument("--load")
    ap.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    opts = ap.parse_args()
    ctx = None
    if opts.tls is not None:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(opts.tls[0], opts.tls[1])
        ctx.sni_callback = sni_cb
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((opts.address, opts.port))
    s.listen(64)
    print("listening", flush=True)
    while True:
        c, _ = s.accept()
        threading.Thread(target=serve, args=(c, opts, ctx),
                         daemon=True).start()


if __name__ == "__main__":
    main()
