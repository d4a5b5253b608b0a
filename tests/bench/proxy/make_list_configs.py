#!/usr/bin/env python3
"""Writes, into OUT_DIR, an edugate rule set that loads every public list in DATA_DIR (UT1
squidGuard directories and the plain domain lists, about 1.5 million unique domains) as blocked
categories for every client, and the same domains as a Squid dstdomain ACL file. Prints one
blocked domain. The lists are read where they are; nothing is copied into the repository."""
import os
import sys

data, out = sys.argv[1], sys.argv[2]
ids, cats, domains = [], [], set()


def cat_id(prefix, name):
    return (prefix + "-" + "".join(c if c.isalnum() or c == "_" else "-" for c in name.lower()))[:64]


ut1 = os.path.join(data, "ut1/blacklists")
for name in sorted(os.listdir(ut1)):
    d = os.path.join(ut1, name)
    if not os.path.isdir(d):
        continue
    ids.append(cat_id("ut1", name))
    cats.append(f'  - id: {ids[-1]}\n    labels: {{vi: "{name}", en: "{name}"}}\n'
                f'    lists: [{{squidguard: "{d}"}}]\n')
    f = os.path.join(d, "domains")
    if os.path.exists(f):
        with open(f, errors="replace") as fh:
            domains.update(l.strip().lower() for l in fh if l.strip() and not l.startswith("#"))
for sub, prefix in [("blocklistproject", "blp"), ("shadowwhisperer", "sw"),
                    ("sinfonietta", "sinf"), ("vn/hostsvn", "hostsvn")]:
    d = os.path.join(data, sub)
    for name in sorted(os.listdir(d)):
        if not name.endswith(".txt"):
            continue
        ids.append(cat_id(prefix, name[:-4]))
        path = os.path.join(d, name)
        cats.append(f'  - id: {ids[-1]}\n    labels: {{vi: "{name}", en: "{name}"}}\n'
                    f'    lists: [{{format: domains, file: "{path}"}}]\n')
        with open(path, errors="replace") as fh:
            domains.update(l.strip().lower() for l in fh if l.strip() and not l.startswith("#"))

with open(os.path.join(out, "department.yaml"), "w") as f:
    f.write("description: every public list in ../shared/data\ncategories:\n" + "".join(cats))
    f.write("profiles:\n  staff:\n    block: [" + ", ".join(ids) + "]\n    allow: [bare-ip]\n"
            "    safe_search: {enabled: false}\n")
with open(os.path.join(out, "school.yaml"), "w") as f:
    f.write("default_group:\n  labels: {vi: bench, en: bench}\n  age: staff\n")

# Squid refuses a dstdomain entry that is a subdomain of another: keep the shortest ones.
valid = sorted(d for d in domains if d and all(c.isalnum() or c in "-._" for c in d))
kept = set()
for d in sorted(valid, key=lambda x: x.count(".")):
    labels = d.split(".")
    if any(".".join(labels[i:]) in kept for i in range(1, len(labels))):
        continue
    kept.add(d)
with open(os.path.join(out, "squid-blocked.txt"), "w") as f:
    for d in sorted(kept):
        f.write("." + d + "\n")
sys.stderr.write(f"{len(ids)} categories, {len(domains)} unique domains ({len(kept)} for Squid)\n")
print(sorted(kept)[len(kept) // 2])
