# socket.create_server() (3.8+), with its defaults.
import socket
import sys

server = socket.create_server(("127.0.0.1", 0))
print("ready", flush=True)
sys.stdin.read()
