# Python's socket module as most programs use it: socket.socket() for a
# server, socket.create_connection() for a client, a SOCK_DGRAM socket.
import socket
import sys

server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen()
client = socket.create_connection(server.getsockname())
accepted, _ = server.accept()
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udp.bind(("127.0.0.1", 0))
print("ready", flush=True)
sys.stdin.read()
