#!/usr/bin/env python3
"""Serves a directory over HTTPS, as a department's web server serves the site that
`edugate rules publish` writes. For the bundle update tests (tests/integration/rules_update_test).

  https_site.py --dir SITE --cert server.pem --key server.key [--slow BYTES_PER_SECOND]

Prints exactly one line, "listening <port>", once it accepts connections (127.0.0.1, a port the
kernel chooses), then one line per request on stderr. --slow sends response bodies at that rate,
so that a test can kill the appliance in the middle of a download. Runs until SIGTERM.
"""
import argparse
import functools
import http.server
import signal
import ssl
import sys
import time


class Handler(http.server.SimpleHTTPRequestHandler):
    slow = 0

    def copyfile(self, source, outputfile):
        if not self.slow:
            return super().copyfile(source, outputfile)
        chunk = max(1, self.slow // 10)
        while True:
            data = source.read(chunk)
            if not data:
                return
            outputfile.write(data)
            outputfile.flush()
            time.sleep(0.1)

    def log_message(self, fmt, *args):
        sys.stderr.write("%s\n" % (fmt % args))


def serve_tls(handler, cert, key):
    """Serves `handler` over TLS on 127.0.0.1 (a kernel-chosen port) until SIGTERM, after
    printing "listening <port>". Shared with report_sink.py."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print("listening %d" % server.server_address[1], flush=True)
    server.serve_forever()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--slow", type=int, default=0)
    a = p.parse_args()
    Handler.slow = a.slow
    serve_tls(functools.partial(Handler, directory=a.dir), a.cert, a.key)


if __name__ == "__main__":
    main()
