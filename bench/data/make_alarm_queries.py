#!/usr/bin/env python3
"""Writes bench/data/alarm_1000.queries: 1,000 queries on alarm (seeded, stdlib only).

A quarter each: marginal distributions P(X), evidence distributions P(X | Y=y, Z=z),
do-distributions P(X | do(Y=y)), and do+evidence P(X | do(Y=y), Z=z); states from alarm.bif.
Usage: make_alarm_queries.py ALARM.bif.gz > bench/data/alarm_1000.queries
"""
import gzip
import random
import re
import sys

text = gzip.open(sys.argv[1], "rt").read() if sys.argv[1].endswith(".gz") else open(sys.argv[1]).read()
states = {}
for name, body in re.findall(r"variable\s+(\S+)\s*\{\s*type discrete \[ \d+ \] \{([^}]*)\}", text):
    states[name] = [s.strip() for s in body.split(",")]
names = sorted(states)
rng = random.Random(16)

def pick(exclude):
    while True:
        v = rng.choice(names)
        if v not in exclude:
            return v

print("# 1,000 queries on alarm, written by bench/data/make_alarm_queries.py (seed 16)")
for i in range(1000):
    kind = i % 4
    x = pick(set())
    if kind == 0:
        print(f"P({x})")
    elif kind == 1:
        y = pick({x}); z = pick({x, y})
        print(f"P({x} | {y}={rng.choice(states[y])}, {z}={rng.choice(states[z])})")
    elif kind == 2:
        y = pick({x})
        print(f"P({x} | do({y}={rng.choice(states[y])}))")
    else:
        y = pick({x}); z = pick({x, y})
        print(f"P({x} | do({y}={rng.choice(states[y])}), {z}={rng.choice(states[z])})")
