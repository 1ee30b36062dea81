#!/usr/bin/env python3
# fleet-backend.py ADDR PORT FAILFILE: an HTTP backend that answers 500 to
# the source addresses listed in FAILFILE (one per line, read again for
# every request) and 200 to everyone else.  Each request is logged as
# "SOURCE STATUS".  Prints "listening" once bound.  Used by 50-fleet.sh:
# nodes probe from their own source address, so one file decides which
# nodes see the backend fail.
# SPDX-License-Identifier: ISC
import http.server
import socketserver
import sys

addr, port, failfile = sys.argv[1], int(sys.argv[2]), sys.argv[3]


def failing():
    try:
        with open(failfile) as f:
            return {line.strip() for line in f if line.strip()}
    except FileNotFoundError:
        return set()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def do_GET(self):
        src = self.client_address[0]
        status = 500 if src in failing() else 200
        body = b"fail\n" if status == 500 else b"ok\n"
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        print(src, status, flush=True)

    def log_message(self, *args):
        pass


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


srv = Server((addr, port), Handler)
print("listening", flush=True)
srv.serve_forever()
