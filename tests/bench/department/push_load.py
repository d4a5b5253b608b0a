#!/usr/bin/env python3
"""Pushes every report file given (directories are walked) to a department service, as many
appliances at once would: N concurrent keep-alive HTTPS connections, each report retried on
429/503 (after Retry-After, capped) and on connection errors, until acknowledged (200/201 with
the report's sha256). Prints one RESULT line. Bounded: gives up after --deadline seconds."""
import argparse, hashlib, http.client, json, os, queue, ssl, sys, threading, time

ap = argparse.ArgumentParser()
ap.add_argument("--port", type=int, required=True)
ap.add_argument("--cacert", required=True)
ap.add_argument("--connections", type=int, default=64)
ap.add_argument("--deadline", type=float, default=600)
ap.add_argument("paths", nargs="+")
a = ap.parse_args()

files = []
for p in a.paths:
    if os.path.isdir(p):
        for root, _, names in os.walk(p):
            files += [os.path.join(root, n) for n in names if n.endswith(".json")]
    else:
        files.append(p)
files.sort()
work = queue.Queue()
for f in files:
    work.put(f)
ctx = ssl.create_default_context(cafile=a.cacert)
lock = threading.Lock()
stats = {"created": 0, "repeat": 0, "retries": 0, "failed": 0}
deadline = time.monotonic() + a.deadline


def worker():
    conn = None
    while time.monotonic() < deadline:
        try:
            f = work.get_nowait()
        except queue.Empty:
            return
        body = open(f, "rb").read()
        digest = hashlib.sha256(body).hexdigest()
        while time.monotonic() < deadline:
            try:
                if conn is None:
                    conn = http.client.HTTPSConnection("localhost", a.port, context=ctx, timeout=60)
                conn.request("POST", "/api/v1/reports", body, {"Content-Type": "application/json"})
                r = conn.getresponse()
                answer = r.read()
                if r.getheader("Connection", "").lower() == "close":
                    conn.close(); conn = None
            except (OSError, http.client.HTTPException):
                if conn: conn.close()
                conn = None
                with lock: stats["retries"] += 1
                time.sleep(0.2)
                continue
            if r.status in (200, 201) and json.loads(answer).get("sha256") == digest:
                with lock: stats["created" if r.status == 201 else "repeat"] += 1
                break
            if r.status in (429, 503):
                with lock: stats["retries"] += 1
                time.sleep(min(float(r.getheader("Retry-After", "1")), 5))
                continue
            with lock: stats["failed"] += 1
            print(f"{f}: HTTP {r.status}: {answer[:200]!r}", file=sys.stderr)
            break


t0 = time.monotonic()
threads = [threading.Thread(target=worker) for _ in range(a.connections)]
for t in threads: t.start()
for t in threads: t.join()
elapsed = time.monotonic() - t0
print(f"RESULT files={len(files)} created={stats['created']} repeat={stats['repeat']} "
      f"retries={stats['retries']} failed={stats['failed']} seconds={elapsed:.1f} "
      f"per_second={len(files) / elapsed:.0f}")
