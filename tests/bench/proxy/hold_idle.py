#!/usr/bin/env python3
"""Opens N idle client connections to a proxy, holds them, and prints the proxy's RSS growth.
Bounded: connects at most N sockets, holds them for 2 seconds, then closes them all."""
import resource
import socket
import sys
import time

host, port, count, pid, before_kb = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, count + 1024), hard))


def rss_kb():
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS"):
                return int(line.split()[1])
    return 0


socks = []
deadline = time.time() + 60
try:
    for _ in range(count):
        if time.time() > deadline:
            break
        s = socket.create_connection((host, port), timeout=5)
        socks.append(s)
    time.sleep(2)
    held = sum(1 for s in socks if s.fileno() >= 0)
    after = rss_kb()
    growth_mb = (after - before_kb) / 1024
    print(f"\n## {held} idle client connections held open")
    print(f"edugate RSS before {before_kb/1024:.1f} MiB, with connections {after/1024:.1f} MiB, "
          f"growth {growth_mb:.1f} MiB ({(after - before_kb) * 1024 / max(held, 1):.0f} bytes/connection)")
finally:
    for s in socks:
        s.close()
