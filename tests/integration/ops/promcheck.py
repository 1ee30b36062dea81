#!/usr/bin/env python3
# promcheck.py -- check a Prometheus text exposition (format 0.0.4).
# usage: promcheck.py FILE [--json OUT]
#   Every sample's metric family has its # HELP and # TYPE before the
#   first sample, once each; a family's lines are together; metric and
#   label names are valid, label values quoted with only \\ \" \n escapes,
#   no label twice; values are numbers (NaN, +Inf, -Inf allowed); no series
#   twice; counters end in _total and are >= 0; histograms: per label set,
#   le ascending, buckets cumulative, the last le="+Inf", _count equal to
#   the +Inf bucket, a _sum.
#   Prints one line per problem and exits 1, or prints "valid: N samples,
#   M families" and exits 0.  --json OUT writes the samples as a list of
#   [name, {label: value}, value] (value as a string).
# Python 3 stdlib only.
# SPDX-License-Identifier: ISC
import json
import math
import re
import sys

NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
LABEL = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
TYPES = ("counter", "gauge", "histogram", "summary", "untyped")


def parse_value(s):
    if s in ("NaN", "+Inf", "-Inf", "Inf"):
        return float(s.replace("Inf", "inf").replace("NaN", "nan"))
    if not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", s):
        raise ValueError("not a number: %r" % s)
    return float(s)


def parse_labels(s, pos, errs, ln):
    """s[pos] is '{'; returns (labels, index after '}')."""
    labels = {}
    i = pos + 1
    while True:
        while i < len(s) and s[i] == " ":
            i += 1
        if i < len(s) and s[i] == "}":
            return labels, i + 1
        m = LABEL.match(s, i)
        if not m:
            errs.append("line %d: bad label name at column %d" % (ln, i + 1))
            return None, None
        name = m.group(0)
        i = m.end()
        if s[i:i + 2] != '="':
            errs.append("line %d: label %s: want =\"" % (ln, name))
            return None, None
        i += 2
        val = []
        while True:
            if i >= len(s):
                errs.append("line %d: label %s: unterminated value" % (ln, name))
                return None, None
            c = s[i]
            if c == "\\":
                if i + 1 >= len(s) or s[i + 1] not in '\\"n':
                    errs.append("line %d: label %s: bad escape" % (ln, name))
                    return None, None
                val.append({"\\": "\\", '"': '"', "n": "\n"}[s[i + 1]])
                i += 2
            elif c == '"':
                i += 1
                break
            elif c == "\n":
                errs.append("line %d: label %s: raw newline" % (ln, name))
                return None, None
            else:
                val.append(c)
                i += 1
        if name in labels:
            errs.append("line %d: label %s twice" % (ln, name))
        if name.startswith("__"):
            errs.append("line %d: label %s is reserved" % (ln, name))
        labels[name] = "".join(val)
        if i < len(s) and s[i] == ",":
            i += 1
        elif i < len(s) and s[i] == "}":
            return labels, i + 1
        else:
            errs.append("line %d: want , or } after label %s" % (ln, name))
            return None, None


def family_of(name, types):
    for suf in ("_bucket", "_sum", "_count"):
        if name.endswith(suf):
            base = name[: -len(suf)]
            if types.get(base) in ("histogram", "summary"):
                if suf == "_bucket" and types[base] != "histogram":
                    continue
                return base
    return name


def check(text):
    errs = []
    helps, types = {}, {}
    samples = []
    seen_series = set()
    done_families = set()      # families whose block has ended
    current = None
    if text and not text.endswith("\n"):
        errs.append("the last line does not end with a newline")
    for ln, line in enumerate(text.split("\n"), 1):
        if line == "":
            continue
        if line.startswith("#"):
            parts = line.split(None, 3)
            if len(parts) >= 3 and parts[1] in ("HELP", "TYPE"):
                fam = parts[2]
                if not NAME.fullmatch(fam):
                    errs.append("line %d: bad metric name %r" % (ln, fam))
                table = helps if parts[1] == "HELP" else types
                if fam in table:
                    errs.append("line %d: second # %s for %s" % (ln, parts[1], fam))
                if fam in done_families or (fam == current and any(
                        s[3] == fam for s in samples)):
                    errs.append("line %d: # %s for %s after its samples" % (ln, parts[1], fam))
                if parts[1] == "TYPE":
                    t = parts[3] if len(parts) > 3 else ""
                    if t not in TYPES:
                        errs.append("line %d: unknown type %r" % (ln, t))
                    table[fam] = t
                else:
                    table[fam] = parts[3] if len(parts) > 3 else ""
                if current is not None and current != fam:
                    done_families.add(current)
                current = fam
            continue
        m = NAME.match(line)
        if not m:
            errs.append("line %d: no metric name: %r" % (ln, line))
            continue
        name = m.group(0)
        i = m.end()
        labels = {}
        if i < len(line) and line[i] == "{":
            labels, i = parse_labels(line, i, errs, ln)
            if labels is None:
                continue
        rest = line[i:]
        if not rest.startswith(" "):
            errs.append("line %d: want a space before the value" % ln)
            continue
        fields = rest.split()
        if len(fields) not in (1, 2):
            errs.append("line %d: want VALUE [TIMESTAMP], got %r" % (ln, rest))
            continue
        try:
            v = parse_value(fields[0])
        except ValueError as e:
            errs.append("line %d: %s" % (ln, e))
            continue
        if len(fields) == 2 and not re.fullmatch(r"-?\d+", fields[1]):
            errs.append("line %d: bad timestamp %r" % (ln, fields[1]))
        fam = family_of(name, types)
        if fam not in helps:
            errs.append("line %d: %s: no # HELP before it" % (ln, name))
        if fam not in types:
            errs.append("line %d: %s: no # TYPE before it" % (ln, name))
        if fam in done_families:
            errs.append("line %d: %s: its family's lines are not together" % (ln, name))
        if current is not None and current != fam:
            done_families.add(current)
        current = fam
        key = (name, tuple(sorted(labels.items())))
        if key in seen_series:
            errs.append("line %d: series %s%s twice" % (ln, name, labels))
        seen_series.add(key)
        t = types.get(fam)
        if t == "counter":
            if not name.endswith("_total"):
                errs.append("line %d: counter %s does not end in _total" % (ln, name))
            if not (v >= 0):
                errs.append("line %d: counter %s is %s" % (ln, name, fields[0]))
        if t == "histogram" and name == fam:
            errs.append("line %d: histogram %s: a bare sample" % (ln, name))
        samples.append((name, labels, fields[0], fam, v))

    # Histograms.
    for fam, t in types.items():
        if t != "histogram":
            continue
        groups = {}
        for name, labels, _, f, v in samples:
            if f != fam:
                continue
            base = tuple(sorted((k, x) for k, x in labels.items() if k != "le"))
            g = groups.setdefault(base, {"buckets": [], "sum": None, "count": None})
            if name == fam + "_bucket":
                if "le" not in labels:
                    errs.append("%s%s: a bucket without le" % (name, dict(base)))
                    continue
                try:
                    le = parse_value(labels["le"])
                except ValueError:
                    errs.append("%s%s: le %r is not a number" % (name, dict(base), labels["le"]))
                    continue
                g["buckets"].append((le, v, labels["le"]))
            elif name == fam + "_sum":
                g["sum"] = v
            elif name == fam + "_count":
                g["count"] = v
        if not groups:
            errs.append("histogram %s: no samples" % fam)
        for base, g in groups.items():
            where = "%s%s" % (fam, dict(base))
            b = g["buckets"]
            if not b:
                errs.append("%s: no buckets" % where)
                continue
            les = [x[0] for x in b]
            if les != sorted(les) or len(set(les)) != len(les):
                errs.append("%s: le not strictly ascending" % where)
            if b[-1][2] != "+Inf":
                errs.append("%s: the last bucket is le=%r, not \"+Inf\"" % (where, b[-1][2]))
            for (l1, v1, _), (l2, v2, s2) in zip(b, b[1:]):
                if v2 < v1:
                    errs.append("%s: bucket le=%s (%g) below the one before (%g): not cumulative" % (where, s2, v2, v1))
            if g["count"] is None:
                errs.append("%s: no _count" % where)
            elif b[-1][2] == "+Inf" and g["count"] != b[-1][1]:
                errs.append("%s: _count %g != +Inf bucket %g" % (where, g["count"], b[-1][1]))
            if g["sum"] is None:
                errs.append("%s: no _sum" % where)
            elif math.isnan(g["sum"]):
                errs.append("%s: _sum is NaN" % where)
    for fam in types:
        if fam not in helps:
            errs.append("%s: # TYPE without # HELP" % fam)
    return errs, samples, len(types)


def main():
    args = sys.argv[1:]
    out = None
    if "--json" in args:
        k = args.index("--json")
        out = args[k + 1]
        del args[k:k + 2]
    if len(args) != 1:
        print("usage: promcheck.py FILE [--json OUT]", file=sys.stderr)
        return 2
    with open(args[0], encoding="utf-8") as f:
        text = f.read()
    errs, samples, nfam = check(text)
    if out is not None:
        with open(out, "w", encoding="utf-8") as f:
            json.dump([[n, l, v] for n, l, v, _, _ in samples], f)
    for e in errs:
        print(e)
    if errs:
        return 1
    if not samples:
        print("no samples")
        return 1
    print("valid: %d samples, %d families" % (len(samples), nfam))
    return 0


if __name__ == "__main__":
    sys.exit(main())
