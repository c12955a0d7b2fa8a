"""A real local HTTP server standing in for a WeCom/DingTalk-style bot."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class WebhookServer:
    """Records JSON POSTs; answers `status` (a list is consumed one per request);
    `hold` (an Event) makes a request wait until it is set."""

    def __init__(self, status=200):
        self.requests = []
        self.delivery_keys = []  # X-Zhigui-Delivery of each request
        self.status = status
        self.hold = None
        self.arrived = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                payload = json.loads(self.rfile.read(length) or b"{}")
                server.arrived.set()
                if server.hold is not None:
                    server.hold.wait(timeout=60)
                status = server.status
                if isinstance(status, list):
                    status = status.pop(0) if len(status) > 1 else status[0]
                server.requests.append(payload)
                server.delivery_keys.append(self.headers.get("X-Zhigui-Delivery"))
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"errcode": 0}')

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/hook"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        if self.hold is not None:
            self.hold.set()
        self.httpd.shutdown()
        self.httpd.server_close()
