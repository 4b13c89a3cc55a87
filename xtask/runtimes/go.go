// Go's net package: net.Listen, net.Dial, net.ListenPacket, no Control.
package main

import (
	"fmt"
	"io"
	"net"
	"os"
)

func main() {
	ln, err := net.Listen("tcp", ":0")
	if err != nil {
		panic(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		panic(err)
	}
	a, err := ln.Accept()
	if err != nil {
		panic(err)
	}
	u, err := net.ListenPacket("udp", ":0")
	if err != nil {
		panic(err)
	}
	fmt.Println("ready")
	_, _ = io.Copy(io.Discard, os.Stdin)
	_, _, _ = c, a, u
}
