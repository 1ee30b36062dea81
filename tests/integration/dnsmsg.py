#!/usr/bin/env python3
# dnsmsg.py -- small DNS wire-format helpers for the steerdns integration
# tests: build queries (including deliberately malformed ones), send them
# over UDP or TCP and parse the replies strictly.  Python standard library
# only.  Used from the test scripts through lib.sh's `py` function, which
# puts this directory on PYTHONPATH and exports PORT.
# SPDX-License-Identifier: ISC

import os
import select
import socket
import struct
import sys
import time
import traceback

TYPES = {
    'A': 1, 'NS': 2, 'CNAME': 5, 'SOA': 6, 'PTR': 12, 'HINFO': 13, 'MX': 15,
    'TXT': 16, 'AAAA': 28, 'SRV': 33, 'OPT': 41, 'DS': 43, 'RRSIG': 46,
    'IXFR': 251, 'AXFR': 252, 'ANY': 255, 'CAA': 257,
}
TYPENAMES = {v: k for k, v in TYPES.items()}
CLASSES = {'IN': 1, 'CH': 3, 'HS': 4, 'NONE': 254, 'ANY': 255}
RCODES = {
    0: 'NOERROR', 1: 'FORMERR', 2: 'SERVFAIL', 3: 'NXDOMAIN', 4: 'NOTIMP',
    5: 'REFUSED', 16: 'BADVERS',
}
OPCODES = {'QUERY': 0, 'IQUERY': 1, 'STATUS': 2, 'NOTIFY': 4, 'UPDATE': 5}

HOST = os.environ.get('HOST', '127.0.0.1')
PORT = int(os.environ.get('PORT', '53'))


class FormErr(Exception):
    """The bytes are not a well-formed DNS message."""


# ---------------------------------------------------------------- building

def tcode(t):
    return TYPES[t.upper()] if isinstance(t, str) else int(t)


def ccode(c):
    return CLASSES[c.upper()] if isinstance(c, str) else int(c)


def encode_name(name):
    """Presentation name -> uncompressed wire form; letter case is kept."""
    if name in ('', '.'):
        return b'\x00'
    out = bytearray()
    for label in name.rstrip('.').split('.'):
        raw = label.encode('ascii')
        if not 0 < len(raw) <= 63:
            raise ValueError('bad label in %r' % name)
        out.append(len(raw))
        out += raw
    out.append(0)
    return bytes(out)


def flags_word(qr=False, opcode=0, aa=False, tc=False, rd=True, ra=False,
               z=False, ad=False, cd=False, rcode=0):
    if isinstance(opcode, str):
        opcode = OPCODES[opcode.upper()]
    return ((qr << 15) | (opcode << 11) | (aa << 10) | (tc << 9) | (rd << 8)
            | (ra << 7) | (z << 6) | (ad << 5) | (cd << 4) | (rcode & 15))


def header(qid, flags, qd=1, an=0, ns=0, ar=0):
    return struct.pack('!HHHHHH', qid, flags, qd, an, ns, ar)


def question(qname, qtype='A', qclass='IN'):
    return encode_name(qname) + struct.pack('!HH', tcode(qtype), ccode(qclass))


def edns_option(code, data=b''):
    return struct.pack('!HH', code, len(data)) + data


def ecs_option(family=1, source=24, scope=0, address=b'\xc0\x00\x02'):
    """EDNS Client Subnet option (RFC 7871, code 8) with raw fields."""
    return edns_option(8, struct.pack('!HBB', family, source, scope) + address)


def opt_rr(payload=1232, ext_rcode=0, version=0, do=False, options=b'',
           owner=b'\x00'):
    if isinstance(options, (list, tuple)):
        options = b''.join(options)
    return (owner + struct.pack('!HHBBHH', 41, payload, ext_rcode, version,
                                0x8000 if do else 0, len(options)) + options)


def new_id():
    return struct.unpack('!H', os.urandom(2))[0]


def query(qname, qtype='A', qclass='IN', qid=None, rd=True, opcode=0,
          edns=False, payload=1232, version=0, do=False, options=b'',
          cd=False):
    """A well-formed query; edns=True adds one OPT record."""
    if qid is None:
        qid = new_id()
    ar = 1 if edns else 0
    msg = header(qid, flags_word(opcode=opcode, rd=rd, cd=cd), 1, 0, 0, ar)
    msg += question(qname, qtype, qclass)
    if edns:
        msg += opt_rr(payload=payload, version=version, do=do,
                      options=options)
    return msg


# ----------------------------------------------------------------- parsing

def _label_text(raw):
    out = []
    for b in raw:
        c = chr(b)
        if c in '.\\"()@;$ ':
            out.append('\\' + c)
        elif 0x21 <= b <= 0x7e:
            out.append(c)
        else:
            out.append('\\%03d' % b)
    return ''.join(out)


def read_name(buf, off):
    """Parse a (possibly compressed) name at off.

    Returns (text, offset after the name in place, list of pointer
    targets followed).  Pointers must point strictly backwards; labels
    must be <= 63 octets; the name must be <= 255 octets."""
    labels = []
    pointers = []
    end = None
    pos = off
    wire_len = 0
    while True:
        if pos >= len(buf):
            raise FormErr('name runs past the end of the message')
        b = buf[pos]
        kind = b & 0xC0
        if kind == 0xC0:
            if pos + 1 >= len(buf):
                raise FormErr('truncated compression pointer')
            target = ((b & 0x3F) << 8) | buf[pos + 1]
            if target >= pos:
                raise FormErr('compression pointer does not point backwards')
            if end is None:
                end = pos + 2
            pointers.append(target)
            if len(pointers) > 128:
                raise FormErr('compression loop')
            pos = target
            continue
        if kind != 0:
            raise FormErr('reserved label type 0x%02x' % b)
        if b == 0:
            wire_len += 1
            if end is None:
                end = pos + 1
            break
        if pos + 1 + b > len(buf):
            raise FormErr('label runs past the end of the message')
        labels.append(bytes(buf[pos + 1:pos + 1 + b]))
        wire_len += 1 + b
        pos += 1 + b
    if wire_len > 255:
        raise FormErr('name longer than 255 octets')
    text = '.'.join(_label_text(l) for l in labels) + '.'
    return text, end, pointers


def _charstrings(rdata):
    out = []
    i = 0
    while i < len(rdata):
        n = rdata[i]
        if i + 1 + n > len(rdata):
            raise FormErr('character-string past rdata end')
        s = rdata[i + 1:i + 1 + n]
        esc = ''.join(chr(c) if 0x20 <= c <= 0x7e and chr(c) not in '"\\'
                      else ('\\' + chr(c) if chr(c) in '"\\' else
                            '\\%03d' % c) for c in s)
        out.append('"%s"' % esc)
        i += 1 + n
    return out


class RR:
    def __init__(self, name, rtype, rclass, ttl, rdata, owner_off, rdoff,
                 owner_ptrs, text):
        self.name = name
        self.type = rtype
        self.tname = TYPENAMES.get(rtype, 'TYPE%d' % rtype)
        self.rclass = rclass
        self.ttl = ttl
        self.rdata = rdata
        self.owner_off = owner_off
        self.rdoff = rdoff
        self.owner_ptrs = owner_ptrs
        self.text = text          # rdata in presentation form

    def __repr__(self):
        return '%s %d %s %s' % (self.name, self.ttl, self.tname, self.text)

    def key(self):
        """Case-insensitive comparison key: (owner, type, rdata text)."""
        return (self.name.lower(), self.tname, self.text.lower())


def _rdata_text(buf, rtype, off, rdlen):
    rd = bytes(buf[off:off + rdlen])
    end = off + rdlen

    def name_at(p):
        n, p2, _ = read_name(buf, p)
        if p2 > end:
            raise FormErr('name past rdata end')
        return n, p2

    if rtype == 1:
        if rdlen != 4:
            raise FormErr('A rdata length %d' % rdlen)
        return socket.inet_ntop(socket.AF_INET, rd)
    if rtype == 28:
        if rdlen != 16:
            raise FormErr('AAAA rdata length %d' % rdlen)
        return socket.inet_ntop(socket.AF_INET6, rd)
    if rtype in (2, 5, 12):
        n, p = name_at(off)
        if p != end:
            raise FormErr('trailing bytes in rdata')
        return n
    if rtype == 6:
        m, p = name_at(off)
        r, p = name_at(p)
        if end - p != 20:
            raise FormErr('SOA rdata length')
        return '%s %s %d %d %d %d %d' % ((m, r) + struct.unpack(
            '!IIIII', bytes(buf[p:p + 20])))
    if rtype == 15:
        pref = struct.unpack('!H', rd[:2])[0]
        n, p = name_at(off + 2)
        if p != end:
            raise FormErr('trailing bytes in MX rdata')
        return '%d %s' % (pref, n)
    if rtype == 33:
        pr, w, port = struct.unpack('!HHH', rd[:6])
        n, p = name_at(off + 6)
        if p != end:
            raise FormErr('trailing bytes in SRV rdata')
        return '%d %d %d %s' % (pr, w, port, n)
    if rtype in (16, 13):
        return ' '.join(_charstrings(rd))
    if rtype == 257:
        flags, tl = rd[0], rd[1]
        tag = rd[2:2 + tl].decode('ascii', 'replace')
        return '%d %s "%s"' % (flags, tag, rd[2 + tl:].decode('ascii',
                                                               'replace'))
    return '\\# %d %s' % (rdlen, rd.hex())


class Msg:
    """A parsed DNS message.  Raises FormErr on anything malformed."""

    def __init__(self, wire):
        self.wire = bytes(wire)
        buf = self.wire
        if len(buf) < 12:
            raise FormErr('message shorter than a header')
        (self.id, fl, self.qdcount, self.ancount, self.nscount,
         self.arcount) = struct.unpack('!HHHHHH', buf[:12])
        self.flags_raw = fl
        self.qr = bool(fl & 0x8000)
        self.opcode = (fl >> 11) & 15
        self.aa = bool(fl & 0x0400)
        self.tc = bool(fl & 0x0200)
        self.rd = bool(fl & 0x0100)
        self.ra = bool(fl & 0x0080)
        self.z = bool(fl & 0x0040)
        self.ad = bool(fl & 0x0020)
        self.cd = bool(fl & 0x0010)
        self.hrcode = fl & 15
        off = 12
        self.question = []
        for _ in range(self.qdcount):
            start = off
            name, off, ptrs = read_name(buf, off)
            if off + 4 > len(buf):
                raise FormErr('question truncated')
            qt, qc = struct.unpack('!HH', buf[off:off + 4])
            off += 4
            self.question.append((name, qt, qc, buf[start:off - 4], ptrs))
        self.answer, off = self._rrs(off, self.ancount)
        self.authority, off = self._rrs(off, self.nscount)
        self.additional, off = self._rrs(off, self.arcount)
        if off != len(buf):
            raise FormErr('%d trailing bytes after the message' %
                          (len(buf) - off))
        self.opt = None
        opts = [r for r in self.additional if r.type == 41]
        if len(opts) > 1:
            raise FormErr('more than one OPT record')
        if opts:
            o = opts[0]
            if o.name != '.':
                raise FormErr('OPT owner is not the root')
            options = []
            p = 0
            while p < len(o.rdata):
                if p + 4 > len(o.rdata):
                    raise FormErr('truncated EDNS option')
                code, ln = struct.unpack('!HH', o.rdata[p:p + 4])
                if p + 4 + ln > len(o.rdata):
                    raise FormErr('EDNS option past rdata end')
                options.append((code, o.rdata[p + 4:p + 4 + ln]))
                p += 4 + ln
            self.opt = {
                'payload': o.rclass,
                'ext_rcode': (o.ttl >> 24) & 0xFF,
                'version': (o.ttl >> 16) & 0xFF,
                'do': bool(o.ttl & 0x8000),
                'zflags': o.ttl & 0x7FFF,
                'options': options,
            }
            if self.additional[-1].type != 41:
                pass  # position of OPT is not mandated
        self.rcode = self.hrcode | ((self.opt['ext_rcode'] << 4)
                                    if self.opt else 0)
        self.rcode_name = RCODES.get(self.rcode, 'RCODE%d' % self.rcode)

    def _rrs(self, off, count):
        buf = self.wire
        out = []
        for _ in range(count):
            owner_off = off
            name, off, ptrs = read_name(buf, off)
            if off + 10 > len(buf):
                raise FormErr('RR header truncated')
            rtype, rclass, ttl, rdlen = struct.unpack('!HHIH',
                                                      buf[off:off + 10])
            off += 10
            if off + rdlen > len(buf):
                raise FormErr('rdata runs past the end of the message')
            text = '' if rtype == 41 else _rdata_text(buf, rtype, off, rdlen)
            out.append(RR(name, rtype, rclass, ttl, bytes(buf[off:off + rdlen]),
                          owner_off, off, ptrs, text))
            off += rdlen
        return out, off

    def section(self, which):
        return {'answer': self.answer, 'authority': self.authority,
                'additional': [r for r in self.additional if r.type != 41]
                }[which]

    def option(self, code):
        if not self.opt:
            return None
        for c, d in self.opt['options']:
            if c == code:
                return d
        return None

    def uncompressed_size(self):
        """Size this message would have with no name compression."""
        size = 12
        for (name, _, _, _, _) in self.question:
            size += len(_wire_len_name(name)) + 4
        for rr in self.answer + self.authority + self.additional:
            size += len(_wire_len_name(rr.name)) + 10
            if rr.type in (2, 5, 12):
                size += len(_wire_len_name(rr.text))
            elif rr.type == 6:
                m, r = rr.text.split()[:2]
                size += len(_wire_len_name(m)) + len(_wire_len_name(r)) + 20
            elif rr.type == 15:
                size += 2 + len(_wire_len_name(rr.text.split()[1]))
            elif rr.type == 33:
                size += 6 + len(_wire_len_name(rr.text.split()[3]))
            else:
                size += len(rr.rdata)
        return size

    def summary(self):
        flags = ' '.join(f for f in ('qr', 'aa', 'tc', 'rd', 'ra', 'ad', 'cd')
                         if getattr(self, f))
        lines = ['id=%d opcode=%d rcode=%s flags=[%s] qd=%d an=%d ns=%d ar=%d'
                 ' size=%d' % (self.id, self.opcode, self.rcode_name, flags,
                               self.qdcount, self.ancount, self.nscount,
                               self.arcount, len(self.wire))]
        for q in self.question:
            lines.append('  Q  %s %s' % (q[0], TYPENAMES.get(q[1], q[1])))
        for sec in ('answer', 'authority', 'additional'):
            for r in getattr(self, sec):
                if r.type == 41:
                    lines.append('  OPT %r' % (self.opt,))
                else:
                    lines.append('  %s %r' % (sec[:2].upper(), r))
        return '\n'.join(lines)


def _wire_len_name(text):
    # Only the length matters; escapes are rare in these tests.
    if text == '.':
        return b'\x00'
    n = 1
    for label in text.rstrip('.').split('.'):
        n += 1 + len(label)
    return b'\x00' * n


# --------------------------------------------------------------- transport

def family_of(host):
    return socket.AF_INET6 if ':' in host else socket.AF_INET


def udp_exchange(pkt, host=None, port=None, timeout=2.0, expect_id=None):
    """Send one datagram; return the reply bytes, or None on timeout.

    Replies from another address or port, or with another ID than
    expect_id (default: the query's ID when the packet has one), are
    ignored."""
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


# ------------------------------------------------------------------ checks

class Checks:
    """TAP-like reporting: 'ok - desc' / 'not ok - desc' with details.
    lib.sh counts these lines."""

    def __init__(self):
        self.failed = 0
        self.passed = 0

    def ok(self, cond, desc, detail=None):
        if cond:
            self.passed += 1
            print('ok - %s' % desc)
        else:
            self.failed += 1
            print('not ok - %s' % desc)
            if detail:
                for line in str(detail).splitlines():
                    print('#   %s' % line)
        sys.stdout.flush()
        return bool(cond)

    def eq(self, desc, expected, got, detail=None):
        d = 'expected: %r\n     got: %r' % (expected, got)
        if detail:
            d += '\n' + str(detail)
        return self.ok(expected == got, desc, d)

    def reply(self, desc, pkt, transport='udp', **kw):
        """Send pkt; return a parsed Msg, or record a failure and return
        None (no reply, unparseable reply, ID or QR wrong)."""
        fn = udp_exchange if transport == 'udp' else tcp_exchange
        try:
            data = fn(pkt, **kw)
        except OSError as e:
            self.ok(False, desc + ': got a reply', 'socket error: %s' % e)
            return None
        if data is None:
            self.ok(False, desc + ': got a reply', 'no reply (timeout) over '
                    + transport)
            return None
        try:
            m = Msg(data)
        except FormErr as e:
            self.ok(False, desc + ': reply parses', '%s; bytes: %s' %
                    (e, data.hex()))
            return None
        qid = struct.unpack('!H', pkt[:2])[0]
        if m.id != qid or not m.qr:
            self.ok(False, desc + ': reply has our ID and QR set',
                    'query id %d, reply id %d qr=%s' % (qid, m.id, m.qr))
            return None
        return m


def main(fn):
    """Run fn(Checks()) and exit; an exception is one failure."""
    t = Checks()
    try:
        fn(t)
    except Exception:  # pylint: disable=broad-except
        t.ok(False, 'python check ran to completion', traceback.format_exc())
    sys.exit(1 if t.failed else 0)
