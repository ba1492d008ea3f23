"""The built site served over http on 127.0.0.1 as a static host serves it: gzip-compressed.

    python -m bench.host SITE_DIR PORT

A file's precompressed `NAME.gz` beside it is sent when there is one (Content-Encoding: gzip);
otherwise text files (HTML, CSS, JavaScript, JSON, SVG, XML, plain text) are compressed on the fly
at gzip level 6 (the level of nginx's and Apache's usual configurations; GitHub Pages also sends
gzip) and kept in memory, so that the second request of a file costs no compression. Chromium
asks only for gzip and deflate over plain http, so brotli would not be used anyway. Images and
fonts are sent as they are, as hosts do. Run in its own process, so that the benchmark's work does
not slow the server, nor the server the browser's measures.
"""

from __future__ import annotations

import gzip
import sys
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

COMPRESSED_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml", "application/xml")
LEVEL = 6


class GzipHandler(SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as hosts do (every response has its Content-Length)
    cache: dict[tuple[str, int], bytes] = {}

    def send_head(self):
        requested = Path(self.translate_path(self.path))
        if requested.is_dir() and not self.path.split("?", 1)[0].split("#", 1)[0].endswith("/"):
            return super().send_head()  # the redirect to the folder's address with a slash
        path = requested / "index.html" if requested.is_dir() else requested
        if "gzip" not in self.headers.get("Accept-Encoding", "") or not path.is_file():
            return super().send_head()  # 404s and clients without gzip: as http.server does
        content_type = self.guess_type(str(path))
        precompressed = path.with_name(path.name + ".gz")
        if precompressed.is_file():
            body = precompressed.read_bytes()
        elif content_type.startswith(COMPRESSED_TYPES):
            key = (str(path), path.stat().st_mtime_ns)
            if key not in self.cache:
                self.cache[key] = gzip.compress(path.read_bytes(), compresslevel=LEVEL, mtime=0)
            body = self.cache[key]
        else:
            return super().send_head()
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        self.body = body
        return None

    def do_GET(self):
        self.body = None
        result = self.send_head()
        if self.body is not None:
            self.wfile.write(self.body)
        elif result:
            try:
                self.copyfile(result, self.wfile)
            finally:
                result.close()

    def do_HEAD(self):
        self.body = None
        result = self.send_head()
        if result:
            result.close()

    def log_message(self, format, *args):  # noqa: A002 - the name http.server uses
        pass


def main(site: str, port: str) -> int:
    handler = partial(GzipHandler, directory=site)
    with ThreadingHTTPServer(("127.0.0.1", int(port)), handler) as server:
        server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
