#!/usr/bin/env python3
"""A stand-in for the department's report endpoint (POST /api/v1/reports) for the school-side
push tests, until the department service exists: HTTPS, answers with the status written in
DIR/mode (503 while "down"; "maint" = a maintenance page answering 200 without acknowledging),
201 {"sha256": <hex of the body>} for a new document and 200 with the same for one it already
accepted, and keeps every body it received as DIR/received/<n>.json.

  report_sink.py --dir DIR --cert server.pem --key server.key

Prints "listening <port>" once it accepts connections, then "POST <n> <status>" per request.
"""
import argparse
import hashlib
import http.server
import os
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from https_site import serve_tls  # noqa: E402

lock = threading.Lock()
accepted = set()
count = [0]


class Handler(http.server.BaseHTTPRequestHandler):
    base = "."

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        if n > (1 << 20):
            self.send_response(413)
            self.end_headers()
            return
        body = self.rfile.read(n)
        with lock:
            count[0] += 1
            i = count[0]
            with open(os.path.join(self.base, "received", "%04d.json" % i), "wb") as f:
                f.write(body)
            try:
                text = open(os.path.join(self.base, "mode")).read().strip() or "201"
            except OSError:
                text = "201"
            mode = 200 if text == "maint" else int(text)
            digest = hashlib.sha256(body).hexdigest()
            status = mode
            if text != "maint" and mode in (200, 201):
                status = 200 if digest in accepted else 201
                accepted.add(digest)
        if text == "maint":
            reply = b"<html>Maintenance</html>"
        elif status in (200, 201):
            reply = b'{"sha256": "%s"}' % digest.encode()
        else:
            reply = b'{"error": "down"}'
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)
        print("POST %d %d" % (i, status), flush=True)

    def log_message(self, fmt, *args):
        pass


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    a = p.parse_args()
    os.makedirs(os.path.join(a.dir, "received"), exist_ok=True)
    Handler.base = a.dir
    serve_tls(Handler, a.cert, a.key)


if __name__ == "__main__":
    main()
