#!/usr/bin/env python3
# tap.py -- the "ok - ..." / "not ok - ..." lines of the python checks of
# the integration tests, which lib.sh's `py` counts.  Standard library
# only; pycheck.py adds the DNS exchange on top.
# SPDX-License-Identifier: ISC

import sys
import traceback


class Checks:
    """TAP-like reporting: 'ok - desc' / 'not ok - desc' with details."""

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
            if detail is not None:
                for line in str(detail).splitlines():
                    print('#   %s' % line)
        sys.stdout.flush()
        return bool(cond)

    def eq(self, desc, expected, got, detail=None):
        d = 'expected: %r\n     got: %r' % (expected, got)
        if detail:
            d += '\n' + str(detail)
        return self.ok(expected == got, desc, d)


_CHECKS = Checks()


def check(desc, cond, got=None):
    """One check for a script without a run(t): desc first, got shown when
    the check fails."""
    return _CHECKS.ok(cond, desc, None if got is None else 'got: %r' % (got,))


def main(fn, t=None):
    """Run fn(t) (default: a new Checks) and exit; an exception is one
    failure."""
    t = t or Checks()
    try:
        fn(t)
    except Exception:  # pylint: disable=broad-except
        t.ok(False, 'python check ran to completion', traceback.format_exc())
    sys.exit(1 if t.failed else 0)
