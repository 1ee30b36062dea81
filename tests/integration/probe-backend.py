#!/usr/bin/env python3
# probe-backend.py -- a tiny fake HTTP backend for the prober tests.
# usage: probe-backend.py ADDRESS PORT MODE
#   ok        200 with the body "ok"
#   500       500 with the body "ok"
#   wrongbody 200 with the body "nope"
#   hang      read the request, never reply
#   close     read the request, close at once
#   garbage   read the request, answer with a line that is not HTTP
#   load      200, body "ok", header "X-Load: 17"
# Prints "listening" once bound.  Python 3 stdlib only.
# SPDX-License-Identifier: ISC
import socket
import sys
import threading
import time


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


def reply(c, status, body, extra=b""):
    head = b"HTTP/1.1 %d X\r\nContent-Length: %d\r\nConnection: close\r\n" % (
        status, len(body))
    c.sendall(head + extra + b"\r\n" + body)


def serve(c, mode):
    try:
        read_request(c)
        if mode == "ok":
            reply(c, 200, b"ok\n")
        elif mode == "500":
            reply(c, 500, b"ok\n")
        elif mode == "wrongbody":
            reply(c, 200, b"nope\n")
        elif mode == "load":
            reply(c, 200, b"ok\n", b"X-Load: 17\r\n")
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


def main():
    addr, port, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(64)
    print("listening", flush=True)
    while True:
        c, _ = s.accept()
        threading.Thread(target=serve, args=(c, mode), daemon=True).start()


if __name__ == "__main__":
    main()
