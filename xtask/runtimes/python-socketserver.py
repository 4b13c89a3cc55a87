# socketserver.TCPServer and UDPServer with their class defaults.
import socketserver
import sys

tcp = socketserver.TCPServer(("127.0.0.1", 0), socketserver.BaseRequestHandler)
udp = socketserver.UDPServer(("127.0.0.1", 0), socketserver.BaseRequestHandler)
print("ready", flush=True)
sys.stdin.read()
