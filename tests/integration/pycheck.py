#!/usr/bin/env python3
# pycheck.py -- what the DNS checks of the integration tests share:
# tap.py's "ok - ..." / "not ok - ..." lines with a query/reply check, and
# sending bytes to the daemon over UDP and TCP.  DNS messages are dnspython's
# (Debian python3-dnspython): queries come from dns.message.make_query,
# replies are read by parse() below; only packets dnspython will not build
# (malformed ones) are put together by hand, with struct.  lib.sh's `py`
# puts this directory on PYTHONPATH and exports HOST and PORT.
# SPDX-License-Identifier: ISC

import os
import select
import socket
import struct
import time

import dns.flags
import dns.message
import dns.opcode
import dns.rcode
import dns.rdatatype

import tap

HOST = os.environ.get('HOST', '127.0.0.1')
PORT = int(os.environ.get('PORT', '53'))


# ----------------------------------------------------------------- messages

def parse(wire):
    """The DNS message in wire, read by dnspython, which raises on anything
    malformed (short header, trailing bytes, a compression pointer that does
    not point backwards, a name over 255 octets, a bad OPT or rdata...).

    Every record is an RRset of its own, so that a section keeps the order
    of the wire and len(m.answer) counts records.  The bytes are kept in
    m.wire for the checks that look at them (sizes, compression).

    dnspython 2.3 will not read a message whose opcode it has no name for
    (3, 6-15: "3 is not a valid Opcode"); such a message is read with its
    opcode cleared, so ask opcode(m), not m.opcode()."""
    wire = bytes(wire)
    readable = wire
    if len(wire) >= 3:
        try:
            dns.opcode.Opcode((wire[2] >> 3) & 15)
        except ValueError:
            readable = wire[:2] + bytes([wire[2] & 0x87]) + wire[3:]
    m = dns.message.from_wire(readable, one_rr_per_rrset=True)
    m.wire = wire
    return m


def opcode(m):
    """The opcode of a parse()d message, as on the wire."""
    return (m.wire[2] >> 3) & 15


def describe(wire):
    """wire as dnspython prints it, or in hex when it does not parse."""
    if wire is None:
        return 'none'
    try:
        m = parse(wire)
    except Exception as e:  # pylint: disable=broad-except
        return '%s: %s' % (e, wire.hex())
    if opcode(m) != m.opcode():
        return 'opcode %d on the wire, read as:\n%s' % (opcode(m), m.to_text())
    return m.to_text()


def rcode(m):
    """The whole rcode of m (header and OPT), e.g. 'NOERROR', 'BADVERS'."""
    return dns.rcode.to_text(m.rcode())


def arcount(m):
    """The records of m's additional section, its OPT included: dnspython
    keeps the OPT apart, in m.opt."""
    return len(m.additional) + (1 if m.opt is not None else 0)


def rr(r):
    """(owner, type, rdata) of a record of a parse()d message, as text;
    the owner in the letter case of the wire."""
    return r.name.to_text(), dns.rdatatype.to_text(r.rdtype), r[0].to_text()


def to_bytes(q):
    return q.to_wire() if isinstance(q, dns.message.Message) else bytes(q)


# --------------------------------------------------------------- transport

def family_of(host):
    return socket.AF_INET6 if ':' in host else socket.AF_INET


def udp_exchange(pkt, host=None, port=None, timeout=2.0, expect_id=None):
    """Send one datagram (bytes or a dns.message.Message); return the reply
    bytes, or None on timeout.

    Replies with another ID than expect_id (default: the query's ID when
    the packet has one) are ignored."""
    pkt = to_bytes(pkt)
    host = host or HOST
    port = port or PORT
    if expect_id is None and len(pkt) >= 2:
        expect_id = struct.unpack('!H', pkt[:2])[0]
    s = socket.socket(family_of(host), socket.SOCK_DGRAM)
    try:
        s.connect((host, port))
        s.send(pkt)
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            r, _, _ = select.select([s], [], [], left)
            if not r:
                return None
            try:
                data = s.recv(65535)
            except ConnectionRefusedError:
                return None
            if expect_id is not None and len(data) >= 2 and \
                    struct.unpack('!H', data[:2])[0] != expect_id:
                continue
            return data
    finally:
        s.close()


def tcp_connect(host=None, port=None, timeout=2.0):
    host = host or HOST
    port = port or PORT
    s = socket.socket(family_of(host), socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect((host, port))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def frame(pkt):
    """pkt (bytes or a dns.message.Message) with its TCP length prefix."""
    pkt = to_bytes(pkt)
    return struct.pack('!H', len(pkt)) + pkt


def _recv_exact(s, n, deadline):
    data = b''
    while len(data) < n:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError
        r, _, _ = select.select([s], [], [], left)
        if not r:
            raise TimeoutError
        chunk = s.recv(n - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def tcp_read(s, timeout=2.0):
    """Read one framed message: ('msg', bytes), ('eof', None),
    ('reset', None) or ('timeout', None)."""
    deadline = time.monotonic() + timeout
    try:
        ln = struct.unpack('!H', _recv_exact(s, 2, deadline))[0]
        return ('msg', _recv_exact(s, ln, deadline))
    except TimeoutError:
        return ('timeout', None)
    except EOFError:
        return ('eof', None)
    except (ConnectionResetError, BrokenPipeError):
        return ('reset', None)


def tcp_exchange(pkt, host=None, port=None, timeout=2.0):
    """One query over a fresh TCP connection; reply bytes or None."""
    s = tcp_connect(host, port, timeout)
    try:
        s.sendall(frame(pkt))
        kind, data = tcp_read(s, timeout)
        return data if kind == 'msg' else None
    finally:
        s.close()


def conn_state(s, wait=0.0):
    """'open' if the peer has not closed the connection within `wait`
    seconds (nothing to read), 'closed' on EOF or reset, 'data' if bytes
    are waiting."""
    r, _, _ = select.select([s], [], [], wait)
    if not r:
        return 'open'
    try:
        d = s.recv(1, socket.MSG_PEEK)
    except (ConnectionResetError, BrokenPipeError):
        return 'closed'
    return 'data' if d else 'closed'


def _server_sockets(port):
    """(state, unread bytes) of each TCP socket whose local port is
    `port` (the daemon's side of our connections), from the kernel's
    tables in /proc/net/tcp and tcp6."""
    for name in ('/proc/net/tcp', '/proc/net/tcp6'):
        try:
            with open(name) as f:
                rows = f.read().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            col = row.split()
            # local_address rem_address st tx_queue:rx_queue
            if int(col[1].rsplit(':', 1)[1], 16) == port:
                yield col[3], int(col[4].split(':')[1], 16)


def server_unread(port=None):
    """Bytes unread in the daemon's established sockets on the port."""
    return sum(n for st, n in _server_sockets(port or PORT) if st == '01')


def wait_server_closed(port=None, within=5.0):
    """Wait (bounded) until the daemon has closed its side of every
    connection we closed (none left in CLOSE_WAIT); True if it has."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if not any(st == '08' for st, n in _server_sockets(port or PORT)):
            return True
        time.sleep(0.02)
    return False


def wait_server_read(port=None, within=5.0):
    """Wait (bounded) until the daemon has read every byte sent to it over
    TCP, so that a check does not race the daemon's event loop; True if it
    has."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if server_unread(port) == 0:
            return True
        time.sleep(0.02)
    return False


# ------------------------------------------------------------------ checks

class Checks(tap.Checks):
    """tap.Checks with a DNS exchange."""

    def reply(self, desc, q, transport='udp', **kw):
        """Send q (a dns.message.Message or bytes); return the reply as
        parse() reads it, or record a failure and return None (no reply,
        a reply that does not parse, ID or QR wrong)."""
        q = to_bytes(q)
        fn = udp_exchange if transport == 'udp' else tcp_exchange
        try:
            data = fn(q, **kw)
        except OSError as e:
            self.ok(False, desc + ': got a reply', 'socket error: %s' % e)
            return None
        if data is None:
            self.ok(False, desc + ': got a reply', 'no reply (timeout) over '
                    + transport)
            return None
        try:
            m = parse(data)
        except Exception as e:  # pylint: disable=broad-except
            self.ok(False, desc + ': reply parses', '%s; bytes: %s' %
                    (e, data.hex()))
            return None
        qid = struct.unpack('!H', q[:2])[0]
        qr = bool(m.flags & dns.flags.QR)
        if m.id != qid or not qr:
            self.ok(False, desc + ': reply has our ID and QR set',
                    'query id %d, reply id %d qr=%s' % (qid, m.id, qr))
            return None
        return m


def main(fn):
    """Run fn(Checks()) and exit; an exception is one failure."""
    tap.main(fn, Checks())
