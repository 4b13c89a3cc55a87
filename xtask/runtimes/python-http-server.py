# http.server.HTTPServer (what `python -m http.server` serves with).
import http.server
import sys

server = http.server.HTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
print("ready", flush=True)
sys.stdin.read()
