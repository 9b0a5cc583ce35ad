#!/usr/bin/env python3
"""lanesim and SUMO side by side on one scenario (docs/sumo.md).

    tools/sumo_compare.py SCENARIO.yaml [--out DIR] [--lanesim PATH] [--plot DETECTOR]
                          [--jam-speed KMH] [--teleport S] [--depart-lane split|best|free]

Builds a SUMO network, routes and induction loops from a lanesim scenario with a straight road
and ramps, runs SUMO (`sumo`, 1.15) and `lanesim run` on it, and prints Markdown tables:
throughput, per-lane flow and speed at every detector after the warm-up, and when each lane at
each detector first ran below the jam speed. Needs python3 (standard library only) and SUMO
(`sumo`, `netconvert`); without SUMO it says so in one line and exits 0. Exit status 2 for bad
input (usage, a scenario lanesim refuses, or one with features SUMO is not given here), 1 when a
program fails.
"""

import csv
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

PROG = "sumo_compare"
MIN_GAP_M = 2.5  # SUMO's default standstill gap; lanesim's length includes it
OFF_RAMP_M = 200.0  # length of the off-ramp edge (lanesim removes exiting vehicles at once)
PROFILE_STEP_S = 60.0  # a time-varying demand becomes a constant flow per this interval


class BadInput(Exception):
    """One line about the input; exit status 2."""


class Failure(Exception):
    """One line about a program or file that failed; exit status 1."""


# ---------------------------------------------------------------------------------------------
# YAML: PyYAML when it is installed (every scalar kept as a string, so that `kind: on` stays
# "on"), otherwise a reader of the subset the scenarios use: block mappings and sequences, flow
# [..] and {..} (also over several lines), plain and quoted scalars, comments.


def _strip_comment(line):
    quote = None
    for i, c in enumerate(line):
        if quote:
            if c == quote:
                quote = None
        elif c in "\"'":
            quote = c
        elif c == "#" and (i == 0 or line[i - 1] in " \t"):
            return line[:i].rstrip()
    return line.rstrip()


def _depth(text):
    depth, quote = 0, None
    for c in text:
        if quote:
            if c == quote:
                quote = None
        elif c in "\"'":
            quote = c
        elif c in "[{":
            depth += 1
        elif c in "]}":
            depth -= 1
    return depth


def _unquote(s):
    s = s.strip()
    if len(s) >= 2 and s[0] == s[-1] and s[0] in "\"'":
        return s[1:-1]
    return s


class _Flow:
    """A flow collection ([..] or {..}) in one string."""

    def __init__(self, text, where):
        self.s, self.i, self.where = text, 0, where

    def fail(self, what):
        raise BadInput(f"{self.where}: {what} (this YAML reader knows only the simple subset; "
                       "install PyYAML for full YAML)")

    def ws(self):
        while self.i < len(self.s) and self.s[self.i] in " \t\n":
            self.i += 1

    def value(self, stops):
        self.ws()
        c = self.s[self.i:self.i + 1]
        if c == "[":
            self.i += 1
            out = []
            while True:
                self.ws()
                if self.s[self.i:self.i + 1] == "]":
                    self.i += 1
                    return out
                out.append(self.value(",]"))
                self.ws()
                if self.s[self.i:self.i + 1] == ",":
                    self.i += 1
                elif self.s[self.i:self.i + 1] != "]":
                    self.fail("expected , or ] in a flow sequence")
        if c == "{":
            self.i += 1
            out = {}
            while True:
                self.ws()
                if self.s[self.i:self.i + 1] == "}":
                    self.i += 1
                    return out
                key = self.value(":")
                self.ws()
                if self.s[self.i:self.i + 1] != ":":
                    self.fail("expected : in a flow mapping")
                self.i += 1
                out[key] = self.value(",}")
                self.ws()
                if self.s[self.i:self.i + 1] == ",":
                    self.i += 1
                elif self.s[self.i:self.i + 1] != "}":
                    self.fail("expected , or } in a flow mapping")
        if c in ("\"", "'"):
            end = self.s.find(c, self.i + 1)
            if end < 0:
                self.fail("unterminated quoted string")
            out, self.i = self.s[self.i + 1:end], end + 1
            return out
        start = self.i
        while self.i < len(self.s) and self.s[self.i] not in stops:
            self.i += 1
        return self.s[start:self.i].strip()


def _parse_scalar_or_flow(text, where):
    text = text.strip()
    if text[:1] in "[{":
        f = _Flow(text, where)
        v = f.value("")
        f.ws()
        if f.i != len(text):
            f.fail("text after a flow collection")
        return v
    return _unquote(text)


def _split_key(text):
    """'key: value' -> (key, value); None when the line is not a mapping entry."""
    m = re.match(r"""^("[^"]*"|'[^']*'|[^:#\[\]{},"']+?)\s*:(\s+|$)(.*)$""", text)
    if not m:
        return None
    return _unquote(m.group(1)), m.group(3)


def _mini_yaml(path):
    lines = []
    with open(path, encoding="utf-8") as fh:
        raw = fh.read().split("\n")
    i = 0
    while i < len(raw):
        text = _strip_comment(raw[i])
        no = i + 1
        i += 1
        if not text.strip() or text.strip() == "---":
            continue
        indent = len(text) - len(text.lstrip(" "))
        text = text.strip()
        while _depth(text) > 0 and i < len(raw):  # a flow collection over several lines
            text += " " + _strip_comment(raw[i]).strip()
            i += 1
        lines.append([indent, text, no])

    def where(k):
        return f"{path}:{lines[k][2]}"

    def node(k, indent):
        if lines[k][1].startswith("- ") or lines[k][1] == "-":
            return seq(k, indent)
        return mapping(k, indent)

    def seq(k, indent):
        out = []
        while k < len(lines) and lines[k][0] == indent and (lines[k][1] + " ").startswith("- "):
            rest = lines[k][1][1:].lstrip()
            if not rest:
                if k + 1 < len(lines) and lines[k + 1][0] > indent:
                    v, k = node(k + 1, lines[k + 1][0])
                else:
                    v, k = "", k + 1
            elif _split_key(rest) and rest[:1] not in "[{\"'":
                # "- key: value" starts a mapping whose keys line up after the dash
                inner = indent + len(lines[k][1]) - len(rest)
                lines[k] = [inner, rest, lines[k][2]]
                v, k = mapping(k, inner)
            else:
                v, k = _parse_scalar_or_flow(rest, where(k)), k + 1
            out.append(v)
        return out, k

    def mapping(k, indent):
        out = {}
        while k < len(lines) and lines[k][0] == indent:
            kv = _split_key(lines[k][1])
            if kv is None:
                raise BadInput(f"{where(k)}: expected 'key: value', got {lines[k][1]!r} (this "
                               "YAML reader knows only the simple subset; install PyYAML)")
            key, rest = kv
            if rest.strip():
                out[key], k = _parse_scalar_or_flow(rest, where(k)), k + 1
            elif k + 1 < len(lines) and (lines[k + 1][0] > indent or (
                    lines[k + 1][0] == indent and lines[k + 1][1].startswith("-"))):
                out[key], k = node(k + 1, lines[k + 1][0])
            else:
                out[key], k = "", k + 1
        if k < len(lines) and lines[k][0] > indent:
            raise BadInput(f"{where(k)}: unexpected indentation")
        return out, k

    if not lines:
        return {}
    doc, k = node(0, lines[0][0])
    if k != len(lines):
        raise BadInput(f"{where(k)}: unexpected indentation")
    return doc


def load_yaml(path):
    try:
        import yaml  # PyYAML, when present
    except ImportError:
        return _mini_yaml(path)
    with open(path, encoding="utf-8") as fh:
        return yaml.load(fh, Loader=yaml.BaseLoader)


# ---------------------------------------------------------------------------------------------
# The scenario, resolved: every value in SI units with the format's defaults (docs/scenarios.md).

UNITS = {
    "length": ("m", {"m": 1.0, "km": 1000.0, "ft": 0.3048, "mi": 1609.344}),
    "speed": ("km/h", {"km/h": 1.0, "kph": 1.0, "mph": 1.609344, "m/s": 3.6}),
    "time": ("s", {"s": 1.0, "min": 60.0, "h": 3600.0}),
    "flow": ("veh/h", {"veh/h": 1.0, "veh/min": 60.0, "veh/s": 3600.0}),
    "none": ("", {"": 1.0}),
    "accel": ("m/s^2", {"m/s^2": 1.0}),
}


def quantity(value, kind, path):
    """A number with an optional unit, in the kind's default unit."""
    if isinstance(value, (int, float)):
        return float(value)
    if not isinstance(value, str):
        raise BadInput(f"{path}: expected a number, got {value!r}")
    m = re.match(r"^\s*([-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?)\s*(\S*)\s*$", value)
    base, factors = UNITS[kind]
    if not m or m.group(4) not in factors and not (m.group(4) == "" and base):
        raise BadInput(f"{path}: expected a {kind} such as 10 or \"10 {base}\", got {value!r}")
    return float(m.group(1)) * factors.get(m.group(4), 1.0)


def section(doc, key, default):
    v = doc.get(key, default) if isinstance(doc, dict) else default
    return default if v == "" else v


def profile(value, path):
    """A flow: one number or [{t, flow}, ...] -> list of (t_s, veh/h) points."""
    if isinstance(value, list):
        return [(quantity(p["t"], "time", f"{path}[{i}].t"),
                 quantity(p["flow"], "flow", f"{path}[{i}].flow")) for i, p in enumerate(value)]
    return [(0.0, quantity(value, "flow", path))]


def profile_integral(points, a, b):
    """Integral of a piecewise-linear profile over [a, b] (veh/h x s), constant outside it."""
    total = 0.0
    edges = [-math.inf] + [p[0] for p in points] + [math.inf]
    for i in range(len(edges) - 1):
        lo, hi = max(a, edges[i]), min(b, edges[i + 1])
        if hi <= lo:
            continue
        if i == 0 or i == len(points):
            q = points[0][1] if i == 0 else points[-1][1]
            total += q * (hi - lo)
            continue
        (t0, q0), (t1, q1) = points[i - 1], points[i]
        slope = (q1 - q0) / (t1 - t0)
        total += 0.5 * (2 * q0 + slope * (lo - t0 + hi - t0)) * (hi - lo)
    return total


def resolve(doc, path):
    if not isinstance(doc, dict):
        raise BadInput(f"{path}: expected a mapping at the top level")
    unsupported = [k for k in ("blockages", "lane_drops", "lane_adds", "speed_limits")
                   if section(doc, k, [])]
    road = section(doc, "road", {})
    if section(road, "ring", "false") == "true":
        unsupported.append("road.ring")
    init = section(doc, "initial", {})
    if float(re.match(r"\s*([-+]?[\d.eE+-]*)", str(section(init, "density", "0"))).group(1) or 0) > 0:
        unsupported.append("initial.density")
    if unsupported:
        raise BadInput(f"{path}: {', '.join(unsupported)}: expected a straight road with ramps "
                       "only, got a section this script does not give SUMO")
    model = section(doc, "model", {})
    s = {
        "name": section(doc, "name", "") or os.path.splitext(os.path.basename(path))[0],
        "dt": quantity(section(model, "dt", "1"), "time", "model.dt"),
        "cell": quantity(section(model, "cell_length", "1.5"), "length", "model.cell_length"),
        "length": quantity(section(road, "length", "10000"), "length", "road.length"),
        "lanes": int(section(road, "lanes", "1")),
        "limit_kmh": quantity(section(road, "speed_limit", "65 mph"), "speed", "road.speed_limit"),
        "lane_width": quantity(section(road, "lane_width", "3.7"), "length", "road.lane_width"),
    }
    n = s["lanes"]
    types = []
    for i, v in enumerate(section(doc, "vehicles", [{"type": "car"}])):
        p = f"vehicles[{i}]"
        types.append({
            "type": v["type"],
            "share": quantity(section(v, "share", "1"), "none", p + ".share"),
            "length": quantity(section(v, "length", "7.5"), "length", p + ".length"),
            "max_kmh": quantity(section(v, "max_speed", "150"), "speed", p + ".max_speed"),
            "accel": quantity(section(v, "accel", "1.5"), "accel", p + ".accel"),
            "lanes": [int(x) for x in section(v, "lanes", [])],
            "speed_factor": quantity(section(v, "speed_factor", "1"), "none", p + ".speed_factor"),
            "speed_dev": quantity(section(v, "speed_dev", "0"), "none", p + ".speed_dev"),
        })
    s["types"] = types
    main = section(section(doc, "demand", {}), "mainline", {})
    s["main_flow"] = profile(section(main, "flow", "0"), "demand.mainline.flow")
    split = [float(x) for x in section(main, "lane_split", [])]
    s["lane_split"] = split or [1.0 / n] * n
    s["poisson"] = section(main, "arrivals", "poisson") == "poisson"
    ramps = []
    for i, r in enumerate(section(doc, "ramps", [])):
        p = f"ramps[{i}]"
        ramp = {"name": r["name"], "kind": r["kind"], "at": quantity(r["at"], "length", p + ".at")}
        if r["kind"] == "on":
            ramp["length"] = quantity(section(r, "length", "250"), "length", p + ".length")
            ramp["approach"] = quantity(section(r, "approach", "150"), "length", p + ".approach")
            ramp["flow"] = profile(section(r, "flow", "0"), p + ".flow")
            mix = [float(x) for x in section(r, "vehicle_shares", [])]
            ramp["mix"] = mix or [t["share"] for t in types]
        else:
            ramp["share"] = quantity(section(r, "share", "0"), "none", p + ".share")
        ramps.append(ramp)
    s["ramps"] = ramps
    s["detectors"] = [{
        "name": d["name"],
        "at": quantity(d["at"], "length", f"detectors[{i}].at"),
        "period": quantity(section(d, "period", "60"), "time", f"detectors[{i}].period"),
        "lanes": [int(x) for x in section(d, "lanes", [])] or list(range(1, n + 1)),
    } for i, d in enumerate(section(doc, "detectors", []))]
    lc = section(doc, "lane_change", {})
    s["lane_change"] = section(lc, "enabled", "false") == "true"
    s["keep_right"] = section(lc, "keep_right", "false") == "true"
    sim = section(doc, "simulation", {})
    s["duration"] = quantity(section(sim, "duration", "3600"), "time", "simulation.duration")
    s["warmup"] = quantity(section(sim, "warmup", "0"), "time", "simulation.warmup")
    s["seed"] = int(section(sim, "seed", "1"))
    s["start_time"] = quantity(section(sim, "start_time", "-1"), "time", "simulation.start_time")
    check_geometry(s, path)
    return s


def check_geometry(s, path):
    """Acceleration lanes may not overlap each other or an off-ramp: one extra lane at most."""
    spans = sorted((r["at"], r["at"] + r["length"], r["name"]) for r in s["ramps"]
                   if r["kind"] == "on")
    for a, b in zip(spans, spans[1:]):
        if b[0] < a[1]:
            raise BadInput(f"{path}: ramps: expected acceleration lanes that do not overlap, got "
                           f"{a[2]!r} and {b[2]!r}")
    for r in s["ramps"]:
        if r["kind"] == "off" and any(a < r["at"] < b for a, b, _ in spans):
            raise BadInput(f"{path}: ramps: expected off-ramp {r['name']!r} outside every "
                           "acceleration lane, got one inside")


# ---------------------------------------------------------------------------------------------
# The SUMO network: mainline edges split at every ramp point, lane 0 of an edge the acceleration
# lane where an on-ramp runs beside; SUMO numbers lanes from the right, lanesim from the median.


def sumo_id(text):
    return re.sub(r"[^A-Za-z0-9_.-]", "_", text)


def build_net(s):
    ons = [r for r in s["ramps"] if r["kind"] == "on"]
    points = sorted({0.0, s["length"]} | {r["at"] for r in s["ramps"]} |
                    {r["at"] + r["length"] for r in ons})
    edges = []
    for i in range(len(points) - 1):
        a, b = points[i], points[i + 1]
        acc = next((r for r in ons if r["at"] <= a and b <= r["at"] + r["length"]), None)
        edges.append({"id": f"main{i}", "from": a, "to": b, "acc": acc})
    return points, edges


def xml_doc(root, children):
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<%s>\n%s</%s>\n" % (
        root, "".join("    " + c + "\n" for c in children), root)


def attrs(**kw):
    return " ".join(f'{k.rstrip("_")}="{v}"' for k, v in kw.items())


def truck_classes(s):
    """A SUMO vehicle class per type; types kept out of some lanes get a class of their own."""
    spare = ["truck", "trailer", "coach", "delivery", "custom1", "custom2"]
    classes = []
    for t in s["types"]:
        if t["lanes"] and set(t["lanes"]) != set(range(1, s["lanes"] + 1)):
            if not spare:
                raise BadInput("vehicles: expected at most 6 types with a lane restriction")
            classes.append(spare.pop(0))
        else:
            classes.append("passenger")
    return classes


def edge_xml(eid, a, b, lanes, s, priority, extra="", length=None):
    kw = dict(id=eid, from_=a, to=b, numLanes=str(lanes), speed=f"{s['limit_kmh'] / 3.6:.4f}",
              width=f"{s['lane_width']:.2f}", priority=str(priority))
    if length is not None:
        kw["length"] = f"{length:.3f}"
    return f"<edge {attrs(**kw)}>{extra}</edge>"


def node_xml(nid, x, y):
    return f'<node {attrs(id=nid, x=f"{x:.3f}", y=f"{y:.3f}", type="priority")}/>'


def con_xml(a, b, la, lb):
    return f'<connection {attrs(from_=a, to=b, fromLane=str(la), toLane=str(lb))}/>'


def lane_permissions(s, classes, acc):
    """<lane disallow=...> for the lanes some type may not use."""
    n, banned = s["lanes"], {}
    for t, cls in zip(s["types"], classes):
        for lane in range(1, n + 1):
            if cls != "passenger" and lane not in t["lanes"]:
                banned.setdefault(n - lane + acc, []).append(cls)
    return "".join(f'<lane {attrs(index=str(i), disallow=" ".join(c))}/>'
                   for i, c in sorted(banned.items()))


def write_network(s, d):
    n = s["lanes"]
    points, edges = build_net(s)
    node = {p: f"n{i}" for i, p in enumerate(points)}
    nodes = [node_xml(node[p], p, 0.0) for p in points]
    classes = truck_classes(s)
    exml, con = [], []
    for e in edges:
        acc = 1 if e["acc"] else 0
        exml.append(edge_xml(e["id"], node[e["from"]], node[e["to"]], n + acc, s, 10,
                             lane_permissions(s, classes, acc)))
    for a, b in zip(edges, edges[1:]):
        oa, ob = (1 if a["acc"] else 0), (1 if b["acc"] else 0)
        con += [con_xml(a["id"], b["id"], oa + j, ob + j) for j in range(n)]
    off_y = -4.0 * s["lane_width"]
    for k, r in enumerate(s["ramps"]):
        rid = sumo_id(r["name"])
        if r["kind"] == "on":
            approach = max(r["approach"], 10.0)
            nodes.append(node_xml(f"r{k}", r["at"] - approach, off_y))
            exml.append(edge_xml(f"on_{rid}", f"r{k}", node[r["at"]], 1, s, 5, length=approach))
            first = next(e for e in edges if e["from"] == r["at"])
            con.append(con_xml(f"on_{rid}", first["id"], 0, 0))
        else:
            nodes.append(node_xml(f"r{k}", r["at"] + OFF_RAMP_M, off_y))
            exml.append(edge_xml(f"off_{rid}", node[r["at"]], f"r{k}", 1, s, 5))
            up = next(e for e in edges if e["to"] == r["at"])
            con.append(con_xml(up["id"], f"off_{rid}", 1 if up["acc"] else 0, 0))
    files = {"net.nod.xml": xml_doc("nodes", nodes), "net.edg.xml": xml_doc("edges", exml),
             "net.con.xml": xml_doc("connections", con)}
    for name, text in files.items():
        write_file(os.path.join(d, name), text)
    run([shutil.which("netconvert"), "--node-files", "net.nod.xml", "--edge-files", "net.edg.xml",
         "--connection-files", "net.con.xml", "--output-file", "net.net.xml",
         "--offset.disable-normalization", "true", "--no-turnarounds", "true",
         "--junctions.corner-detail", "0", "--no-warnings", "true"], d, "netconvert")
    return edges


def lane_starts(d):
    """Start x (m) and length (m) of every lane of the built network."""
    out = {}
    for lane in ET.parse(os.path.join(d, "net.net.xml")).getroot().iter("lane"):
        x0 = float(lane.get("shape").split()[0].split(",")[0])
        out[lane.get("id")] = (x0, float(lane.get("length")))
    return out


# ---------------------------------------------------------------------------------------------
# Demand: per lane and type as lanesim draws it (a type kept out of a lane takes the nearest lane
# it may use, ties to the right), routes by the off-ramp shares, one constant flow per interval.


def allowed_lane(t, lane, n):
    ok = (lambda l: not t["lanes"] or (l + 1) in t["lanes"])
    if ok(lane):
        return lane
    for dd in range(1, n):
        if lane + dd < n and ok(lane + dd):
            return lane + dd
        if lane - dd >= 0 and ok(lane - dd):
            return lane - dd
    return lane


def route_choices(s, edges, start_at, first_edge):
    """(route edges, probability) for a vehicle joining at start_at, as lanesim draws exits."""
    offs = sorted((r for r in s["ramps"] if r["kind"] == "off" and r["at"] > start_at),
                  key=lambda r: r["at"])
    main = [e["id"] for e in edges if e["from"] >= first_edge["from"]]
    out, stay = [], 1.0
    for r in offs:
        upto = [e for e in main if next(x for x in edges if x["id"] == e)["to"] <= r["at"]]
        out.append((upto + [f"off_{sumo_id(r['name'])}"], stay * r["share"], r["name"]))
        stay *= 1.0 - r["share"]
    out.append((main, stay, "end"))
    return [c for c in out if c[1] > 0]


def intervals(points, duration, dt):
    """(begin, end, mean veh/h) over [0, duration): one interval for a constant profile."""
    if len(points) == 1:
        return [(0.0, duration, points[0][1])]
    step = max(PROFILE_STEP_S, dt)
    out, t = [], 0.0
    while t < duration - 1e-9:
        b = min(duration, t + step)
        q = profile_integral(points, t, b) / (b - t)
        if out and abs(out[-1][2] - q) < 1e-9:
            out[-1] = (out[-1][0], b, q)
        else:
            out.append((t, b, q))
        t = b
    return out


def flow_xml(fid, route, vtype, lane, begin, end, vph, s):
    rate = vph / 3600.0
    how = f'period="exp({rate:.8f})"' if s["poisson"] else f'vehsPerHour="{vph:.6f}"'
    return (f'<flow {attrs(id=fid, type=vtype, route=route, begin=f"{begin:g}", end=f"{end:g}")} '
            f'{how} {attrs(departLane=str(lane), departSpeed="max", departPos="base")}/>')


def write_routes(s, d, edges, depart_lane):
    n, classes = s["lanes"], truck_classes(s)
    cap = s["limit_kmh"]
    items = []
    for t, cls in zip(s["types"], classes):
        mean, dev = t["speed_factor"], t["speed_dev"]
        factor = (f"normc({mean:g},{dev:g},{max(0.2, mean - 2 * dev):g},{mean + 2 * dev:g})"
                  if dev > 0 else f"{mean:g}")
        kw = dict(id=sumo_id(t["type"]), vClass=cls,
                  length=f"{max(t['length'] - MIN_GAP_M, 0.5 * t['length']):.3f}",
                  minGap=f"{min(MIN_GAP_M, 0.5 * t['length']):.3f}",
                  maxSpeed=f"{min(t['max_kmh'], cap) / 3.6:.4f}", accel=f"{t['accel']:g}",
                  speedFactor=factor)
        # California (keep_right false): no urge to return right, and passing on the right is
        # allowed (--lanechange.overtake-right). Without lane changes only the ones a vehicle
        # must make (merge, exit) remain.
        if not s["keep_right"] or not s["lane_change"]:
            kw["lcKeepRight"] = "0"
        if not s["lane_change"]:
            kw["lcSpeedGain"] = "0"
        items.append(f"<vType {attrs(**kw)}/>")
    origins = [("mainline", 0.0, edges[0])]
    for r in s["ramps"]:
        if r["kind"] == "on":
            origins.append((r["name"], r["at"], None))
    dists = {}
    for name, at, first in origins:
        first = first or next(e for e in edges if e["from"] == at)
        choices = route_choices(s, edges, at, first)
        did = "routes_" + sumo_id(name)
        ramp_edge = [] if name == "mainline" else [f"on_{sumo_id(name)}"]
        items.append(f'<routeDistribution id="{did}">')
        for k, (route, p, dest) in enumerate(choices):
            items.append(f'    <route {attrs(id=f"{did}_{k}", edges=" ".join(ramp_edge + route), probability=f"{p:.9f}")}/>')
        items.append("</routeDistribution>")
        dists[name] = did
    flows = []  # (begin, xml) so that SUMO reads them sorted by begin
    for b, e, q in intervals(s["main_flow"], s["duration"], s["dt"]):
        per_lane = {}  # (SUMO lane or SUMO's choice, type index) -> veh/h
        for lane in range(n):
            for ti, t in enumerate(s["types"]):
                to = n - 1 - allowed_lane(t, lane, n) if depart_lane == "split" else depart_lane
                key = (to, ti)
                per_lane[key] = per_lane.get(key, 0.0) + q * s["lane_split"][lane] * t["share"]
        for (to, ti), vph in sorted(per_lane.items(), key=lambda kv: (str(kv[0][0]), kv[0][1])):
            if vph <= 0:
                continue
            name = s["types"][ti]["type"]
            where = f"l{n - to}" if depart_lane == "split" else depart_lane
            fid = f"main_{where}_{sumo_id(name)}_{int(b)}"
            flows.append((b, flow_xml(fid, dists["mainline"], sumo_id(name), to, b, e, vph, s)))
    for r in s["ramps"]:
        if r["kind"] != "on":
            continue
        for b, e, q in intervals(r["flow"], s["duration"], s["dt"]):
            for t, share in zip(s["types"], r["mix"]):
                if q * share <= 0:
                    continue
                fid = f"ramp_{sumo_id(r['name'])}_{sumo_id(t['type'])}_{int(b)}"
                flows.append((b, flow_xml(fid, dists[r["name"]], sumo_id(t["type"]), 0, b, e,
                                          q * share, s)))
    flows.sort(key=lambda f: f[0])
    write_file(os.path.join(d, "routes.rou.xml"), xml_doc("routes", items + [f for _, f in flows]))


def write_detectors(s, d, edges):
    starts, n = lane_starts(d), s["lanes"]
    loops = []
    for di, det in enumerate(s["detectors"]):
        e = next(x for x in edges if x["from"] <= det["at"] < x["to"])
        for lane in det["lanes"]:
            lid = f"{e['id']}_{n - lane + (1 if e['acc'] else 0)}"
            x0, length = starts[lid]
            pos = min(max(det["at"] - x0, 0.1), length - 0.1)
            kw = dict(id=f"d{di}_l{lane}", lane=lid, pos=f"{pos:.2f}",
                      period=f"{det['period']:g}", file="e1.xml")
            loops.append(f"<inductionLoop {attrs(**kw)}/>")
    write_file(os.path.join(d, "detectors.add.xml"), xml_doc("additional", loops))


def run_sumo(s, d, teleport):
    cmd = [shutil.which("sumo"), "--net-file", "net.net.xml", "--route-files", "routes.rou.xml",
           "--additional-files", "detectors.add.xml", "--begin", "0",
           "--end", f"{s['duration']:g}", "--step-length", f"{s['dt']:g}",
           "--seed", str(s["seed"] % 2147483647), "--time-to-teleport", f"{teleport:g}",
           "--tripinfo-output", "tripinfo.xml", "--tripinfo-output.write-unfinished", "true",
           "--tripinfo-output.write-undeparted", "true", "--extrapolate-departpos", "true",
           "--summary-output", "summary.xml",
           "--statistic-output", "statistics.xml", "--no-step-log", "true",
           "--duration-log.statistics", "true", "--threads", "1",
           "--lanechange.overtake-right", "false" if s["keep_right"] else "true"]
    return run(cmd, d, "sumo")


# ---------------------------------------------------------------------------------------------
# Running and reading the two simulators' outputs.


def write_file(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)


def run(cmd, cwd, what):
    env = dict(os.environ)
    if "SUMO_HOME" not in env and os.path.isdir("/usr/share/sumo"):
        env["SUMO_HOME"] = "/usr/share/sumo"  # else SUMO looks its XML schemas up on the web
    try:
        p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env)
    except OSError as e:
        raise Failure(f"{what}: {e}") from e
    if p.returncode != 0:
        last = (p.stderr.strip() or p.stdout.strip() or "no message").splitlines()[-1]
        raise Failure(f"{what} failed (exit status {p.returncode}): {last}")
    return p.stdout + p.stderr


def add_trip(trips, key, wait_s, travel_s):
    """Per origin and destination: trips, summed wait to enter (s), summed travel time (s)."""
    n, w, tt = trips.get(key, (0, 0.0, 0.0))
    trips[key] = (n + 1, w + wait_s, tt + travel_s)


def sumo_results(s, d):
    det = {}  # (detector index, lane) -> [(begin, end, count, speed_kmh)]
    for it in ET.parse(os.path.join(d, "e1.xml")).getroot().iter("interval"):
        m = re.match(r"d(\d+)_l(\d+)$", it.get("id"))
        count = int(it.get("nVehContrib"))
        speed = float(it.get("speed"))
        det.setdefault((int(m.group(1)), int(m.group(2))), []).append(
            (float(it.get("begin")), float(it.get("end")), count, speed * 3.6 if count else 0.0))
    trips, inside, waiting = {}, {}, {}
    for t in ET.parse(os.path.join(d, "tripinfo.xml")).getroot().iter("tripinfo"):
        vid, lane = t.get("id"), t.get("arrivalLane")
        origin = "mainline" if vid.startswith("main_") else next(
            r["name"] for r in s["ramps"] if vid.startswith(f"ramp_{sumo_id(r['name'])}_"))
        if float(t.get("depart")) < 0:  # still waiting to be inserted when the run ended
            waiting[origin] = waiting.get(origin, 0) + 1
        elif float(t.get("arrival")) < 0:  # still on the road
            inside[origin] = inside.get(origin, 0) + 1
        else:
            dest = next((r["name"] for r in s["ramps"] if r["kind"] == "off" and
                         lane.startswith(f"off_{sumo_id(r['name'])}_")), "end")
            add_trip(trips, (origin, dest), float(t.get("departDelay")),
                     float(t.get("duration")))
    stats = ET.parse(os.path.join(d, "statistics.xml")).getroot()
    tele = stats.find("teleports")
    return {"detectors": det, "trips": trips, "inside": inside, "waiting": waiting,
            "teleports": int(tele.get("total")) if tele is not None else 0}


def lanesim_results(s, d):
    det, names = {}, {x["name"]: i for i, x in enumerate(s["detectors"])}
    with open(os.path.join(d, "detectors.csv"), encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            det.setdefault((names[row["detector"]], int(row["lane"])), []).append(
                (float(row["begin_s"]), float(row["end_s"]), int(row["count"]),
                 float(row["speed_kmh"])))
    trips = {}
    with open(os.path.join(d, "trips.csv"), encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            add_trip(trips, (row["origin"], row["destination"]),
                     float(row["entry_s"]) - float(row["arrival_s"]), float(row["travel_time_s"]))
    with open(os.path.join(d, "summary.json"), encoding="utf-8") as fh:
        summary = json.load(fh)
    waiting = {r["name"]: r["waiting"] for r in summary["ramps"] if r["kind"] == "on"}
    waiting["mainline"] = summary["vehicles"]["waiting"] - sum(waiting.values())
    return {"detectors": det, "trips": trips, "inside": {"all": summary["vehicles"]["inside"]},
            "waiting": waiting, "teleports": 0}


# ---------------------------------------------------------------------------------------------
# The comparison.


def after_warmup(periods, warmup):
    """Flow (veh/h) and time-mean speed (km/h) over the periods that begin after the warm-up."""
    kept = [p for p in periods if p[0] >= warmup - 1e-9]
    secs = sum(p[1] - p[0] for p in kept)
    count = sum(p[2] for p in kept)
    speed = sum(p[2] * p[3] for p in kept) / count if count else float("nan")
    return (count * 3600.0 / secs if secs else float("nan")), speed


def jammed(periods, jam_kmh):
    slow = [p for p in periods if p[2] > 0 and p[3] < jam_kmh]
    return (slow[0][0], slow[-1][1], len(slow)) if slow else None


def clock(s, t):
    if s["start_time"] < 0:
        return f"{t:g} s"
    m = int(round((s["start_time"] + t) / 60.0))
    return f"{m // 60 % 24:02d}:{m % 60:02d}"


def fmt(x, digits=0):
    return "-" if x != x else f"{x:.{digits}f}"


def tables(s, ls, su, jam_kmh):
    out = [f"### {s['name']}: throughput over the whole run ({s['duration']:g} s)", "",
           "| trips | lanesim | SUMO | wait to enter (s) lanesim | SUMO | "
           "travel time (s) lanesim | SUMO |", "|---|---:|---:|---:|---:|---:|---:|"]
    keys = sorted(set(ls["trips"]) | set(su["trips"]), key=lambda k: (k[0] != "mainline", k))
    groups = [(f"{k[0]} to {k[1]}", [k]) for k in keys]
    for dest in ["end"] + [r["name"] for r in s["ramps"] if r["kind"] == "off"]:
        groups.append((f"all to {dest}", [k for k in keys if k[1] == dest]))
    for label, ks in groups:
        a = [sum(ls["trips"].get(k, (0, 0.0, 0.0))[i] for k in ks) for i in range(3)]
        b = [sum(su["trips"].get(k, (0, 0.0, 0.0))[i] for k in ks) for i in range(3)]
        mean = (lambda x, i: fmt(x[i] / x[0] if x[0] else float("nan"), 1))
        out.append(f"| {label} | {a[0]} | {b[0]} | {mean(a, 1)} | {mean(b, 1)} | "
                   f"{mean(a, 2)} | {mean(b, 2)} |")
    out.append(f"| on the road at the end | {sum(ls['inside'].values())} | "
               f"{sum(su['inside'].values())} | | | | |")
    for origin in ["mainline"] + [r["name"] for r in s["ramps"] if r["kind"] == "on"]:
        out.append(f"| waiting to enter at the end: {origin} | {ls['waiting'].get(origin, 0)} | "
                   f"{su['waiting'].get(origin, 0)} | | | | |")
    out += [
            f"| teleported (stuck longer than --teleport) | 0 | {su['teleports']} | | | | |",
            "", f"### {s['name']}: detectors after the warm-up ({s['warmup']:g} s), lane 1 = median",
            "", "| detector | at (m) | lane | flow lanesim (veh/h) | flow SUMO (veh/h) | "
            "speed lanesim (km/h) | speed SUMO (km/h) |", "|---|---:|---:|---:|---:|---:|---:|"]
    for i, det in enumerate(s["detectors"]):
        for lane in det["lanes"]:
            fa, va = after_warmup(ls["detectors"].get((i, lane), []), s["warmup"])
            fb, vb = after_warmup(su["detectors"].get((i, lane), []), s["warmup"])
            out.append(f"| {det['name']} | {det['at']:g} | {lane} | {fmt(fa)} | {fmt(fb)} | "
                       f"{fmt(va, 1)} | {fmt(vb, 1)} |")
    out += ["", f"### {s['name']}: periods with a time-mean speed below {jam_kmh:g} km/h "
            "(first begins - last ends, number of periods)", "",
            "| detector | lane | lanesim | SUMO |", "|---|---:|---|---|"]
    for i, det in enumerate(s["detectors"]):
        for lane in det["lanes"]:
            cells = []
            for res in (ls, su):
                j = jammed(res["detectors"].get((i, lane), []), jam_kmh)
                cells.append("never" if not j else
                             f"{clock(s, j[0])} - {clock(s, j[1])} ({j[2]})")
            out.append(f"| {det['name']} | {lane} | {cells[0]} | {cells[1]} |")
    return "\n".join(out) + "\n"


def plot(s, ls, su, name, d):
    """Per-lane speed over time at one detector, both simulators: NAME.dat, NAME.gp, NAME.png."""
    i = next((k for k, x in enumerate(s["detectors"]) if x["name"] == name), None)
    if i is None:
        raise BadInput(f"--plot {name}: expected the name of a detector of the scenario")
    det, base = s["detectors"][i], f"sumo-{sumo_id(s['name'])}"
    hours = s["start_time"] >= 0
    rows = ["# time (h of day, or s), then speed km/h per lane: lanesim lanes 1..N, SUMO 1..N;"
            " ? where no vehicle crossed"]
    series = [ls["detectors"].get((i, l), []) for l in det["lanes"]] + \
             [su["detectors"].get((i, l), []) for l in det["lanes"]]
    for k in range(min(len(x) for x in series)):
        b, e = series[0][k][0], series[0][k][1]
        t = (s["start_time"] + 0.5 * (b + e)) / 3600.0 if hours else 0.5 * (b + e)
        vals = [f"{x[k][3]:.1f}" if x[k][2] else "?" for x in series]
        rows.append(f"{t:.4f} " + " ".join(vals))
    write_file(os.path.join(d, base + ".dat"), "\n".join(rows) + "\n")
    n = len(det["lanes"])
    curves = []
    for col, sim in ((2, "lanesim"), (2 + n, "SUMO")):
        for j, lane in enumerate(det["lanes"]):
            dash = "" if sim == "lanesim" else " dt 2"
            curves.append(f"'{base}.dat' using 1:{col + j} with lines lw 2 lc {j + 1}{dash} "
                          f"title '{sim} lane {lane}'")
    gp = [f"# Per-lane time-mean speed at detector {name} ({det['at']:g} m) of "
          f"{s['name']}: lanesim solid, SUMO dashed (tools/sumo_compare.py --plot {name}).",
          "set terminal pngcairo size 1000,520 font 'sans,11'",
          f"set output '{base}.png'",
          f"set title '{s['name']}: speed per lane at {name} ({det['at']:g} m), "
          f"{det['period']:g} s periods'",
          "set xlabel '" + ("time of day (h)" if hours else "time (s)") + "'",
          "set ylabel 'time-mean speed (km/h)'", "set yrange [0:*]", "set grid",
          "set key outside right", "set datafile missing '?'",
          "plot " + ", \\\n     ".join(curves)]
    write_file(os.path.join(d, base + ".gp"), "\n".join(gp) + "\n")
    if shutil.which("gnuplot"):
        run([shutil.which("gnuplot"), base + ".gp"], d, "gnuplot")


# ---------------------------------------------------------------------------------------------


def usage():
    return ("usage: sumo_compare.py SCENARIO.yaml [--out DIR] [--lanesim PATH] "
            "[--plot DETECTOR] [--jam-speed KMH] [--teleport S] [--depart-lane split|best|free]")


def parse_args(argv):
    opts = {"out": None, "lanesim": None, "plot": None, "jam": 40.0, "teleport": -1.0,
            "depart_lane": "split"}
    rest, i = [], 0
    flags = {"--out": "out", "--lanesim": "lanesim", "--plot": "plot", "--jam-speed": "jam",
             "--teleport": "teleport", "--depart-lane": "depart_lane"}
    while i < len(argv):
        a = argv[i]
        if a in ("-h", "--help"):
            print(__doc__.strip())
            sys.exit(0)
        if a in flags:
            if i + 1 >= len(argv):
                raise BadInput(f"{a}: expected a value, got none")
            v = argv[i + 1]
            if flags[a] in ("jam", "teleport"):
                try:
                    v = float(v)
                except ValueError:
                    raise BadInput(f"{a}: expected a number, got {v!r}") from None
            if flags[a] == "depart_lane" and v not in ("split", "best", "free"):
                raise BadInput(f"{a}: expected split, best or free, got {v!r}")
            opts[flags[a]] = v
            i += 2
        elif a.startswith("-"):
            raise BadInput(f"{a}: unknown option; {usage()}")
        else:
            rest.append(a)
            i += 1
    if len(rest) != 1:
        raise BadInput(f"expected one scenario file, got {len(rest)}; {usage()}")
    if opts["plot"] and not opts["out"]:
        raise BadInput("--plot: expected --out DIR too (the picture is written there)")
    opts["scenario"] = rest[0]
    return opts


def find_lanesim(given):
    if given:
        return given
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "build", "lanesim")
    return here if os.access(here, os.X_OK) else shutil.which("lanesim")


def compare(opts, work):
    lanesim = find_lanesim(opts["lanesim"])
    if not lanesim:
        raise Failure("lanesim not found: build it (make build) or give --lanesim PATH")
    scen = os.path.abspath(opts["scenario"])
    p = subprocess.run([lanesim, "validate", scen], capture_output=True, text=True)
    if p.returncode != 0:  # lanesim has said what is wrong, one line per problem
        sys.stderr.write(p.stderr)
        raise BadInput("") if p.returncode == 2 else Failure("")
    s = resolve(load_yaml(scen), opts["scenario"])
    if opts["plot"] and not any(x["name"] == opts["plot"] for x in s["detectors"]):
        raise BadInput(f"--plot {opts['plot']}: expected the name of a detector of the scenario")
    sd, ld = os.path.join(work, "sumo"), os.path.join(work, "lanesim")
    os.makedirs(sd, exist_ok=True)
    edges = write_network(s, sd)
    write_routes(s, sd, edges, opts["depart_lane"])
    write_detectors(s, sd, edges)
    log = run_sumo(s, sd, opts["teleport"])
    write_file(os.path.join(sd, "sumo.log"), log)
    run([lanesim, "run", scen, "--out", ld, "--quiet"], work, "lanesim run")
    ls, su = lanesim_results(s, ld), sumo_results(s, sd)
    text = tables(s, ls, su, opts["jam"])
    write_file(os.path.join(work, "compare.md"), text)
    if opts["plot"]:
        plot(s, ls, su, opts["plot"], work)
    return text


def main(argv):
    try:
        opts = parse_args(argv)
        missing = [p for p in ("sumo", "netconvert") if not shutil.which(p)]
        if missing:
            print(f"{PROG}: SUMO not found ({' and '.join(missing)} not on PATH): nothing compared"
                  " (Debian: apt-get install sumo sumo-tools)")
            return 0
        if opts["out"]:
            os.makedirs(opts["out"], exist_ok=True)
            text = compare(opts, opts["out"])
        else:
            with tempfile.TemporaryDirectory(prefix="sumo_compare.") as work:
                text = compare(opts, work)
        sys.stdout.write(text)
        return 0
    except BadInput as e:
        if str(e):
            print(f"{PROG}: {e}", file=sys.stderr)
        return 2
    except (Failure, OSError) as e:
        if str(e):
            print(f"{PROG}: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
