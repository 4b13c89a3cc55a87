// ---------------------------------------------------------------------------
// How this program works (the same on every scenario bindlab exports)
// ---------------------------------------------------------------------------
// A server socket that the scenario creates, configures, binds and listens
// on in one go is made the Go way: net.ListenConfig.Listen, with Control
// setting the scenario's options (syscall.SetsockoptInt) before bind. Go
// turns SO_REUSEADDR on for every listener by itself; Control sets it to the
// scenario's value, so the program tests what the scenario says. Go's net
// package cannot bind without listening, nor bind and listen at different
// moments: those steps use the syscall package, the same calls one by one.
// Peers (`client`) connect with net.Dialer. Each outcome is recorded as the
// error's name (EADDRINUSE, EACCES, ...) and printed beside bindlab's
// prediction for this OS. Exit status 0 only when every checked step matches.
//
// Linux: the program re-runs itself in a private network namespace
// (`unshare -n`, or `unshare -rn` when not root) where the scenario's
// addresses exist on loopback. Options: --yes, --no-netns.

// outcome is what one step gave: an error (nil: ok), which listener took
// the connections, or why the step could not run here.
type outcome struct {
	err    error
	routes map[string]int
	skip   string
}

type sock struct {
	fd        int
	ln        net.Listener   // set when net.ListenConfig made the socket
	pc        net.PacketConn // set when ListenConfig.ListenPacket made it (UDP)
	udp       bool           // a `datagram` step counts what it received
	listening bool
	owner     int
	stash     []int // connections already accepted, in order
}

type run struct {
	socks      map[string]*sock
	user       int
	users      []string
	nextClient int
	clients    []net.Conn
	yes        bool
	netns      bool
	userns     bool
	predicted  []P
	width      int
	index      int
	stopped    bool
	matched    int
	differ     int
	skipped    int
}

var errnoNames = map[syscall.Errno]string{
	syscall.EADDRINUSE: "EADDRINUSE", syscall.EADDRNOTAVAIL: "EADDRNOTAVAIL", syscall.EACCES: "EACCES",
	syscall.EPERM: "EPERM", syscall.EINVAL: "EINVAL", syscall.ECONNREFUSED: "ECONNREFUSED",
	syscall.EAGAIN: "EAGAIN", syscall.EISCONN: "EISCONN", syscall.ENOTCONN: "ENOTCONN",
	syscall.ENOPROTOOPT: "ENOPROTOOPT", syscall.EAFNOSUPPORT: "EAFNOSUPPORT", syscall.ENETUNREACH: "ENETUNREACH",
	syscall.EHOSTUNREACH: "EHOSTUNREACH", syscall.EOPNOTSUPP: "EOPNOTSUPP", syscall.ETIMEDOUT: "ETIMEDOUT",
	syscall.EBADF: "EBADF", syscall.EALREADY: "EALREADY", syscall.EINPROGRESS: "EINPROGRESS",
	syscall.ECONNRESET: "ECONNRESET", syscall.ECONNABORTED: "ECONNABORTED", syscall.EPROTO: "EPROTO",
	syscall.ENOBUFS: "ENOBUFS",
}

func errorName(err error) string {
	if err == nil {
		return "ok"
	}
	var en syscall.Errno
	if errors.As(err, &en) {
		if name, ok := errnoNames[en]; ok {
			return name
		}
		return fmt.Sprintf("errno %d", int(en))
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "ETIMEDOUT"
	}
	return err.Error()
}

func sockaddr(host string, port int) syscall.Sockaddr {
	ip := net.ParseIP(host)
	if strings.Contains(host, ":") {
		sa := &syscall.SockaddrInet6{Port: port}
		copy(sa.Addr[:], ip.To16())
		return sa
	}
	sa := &syscall.SockaddrInet4{Port: port}
	copy(sa.Addr[:], ip.To4())
	return sa
}

// asUser runs f as the scenario's user uid (the kernel checks the caller's
// uid and privileges in socket() and bind()); Go switches every thread.
func (r *run) asUser(uid int, f func() error) error {
	if uid == 0 {
		return f()
	}
	if err := syscall.Setresuid(-1, uid, -1); err != nil {
		return err
	}
	defer syscall.Setresuid(-1, 0, -1)
	return f()
}

// acceptAs accepts on listener s as its owner, as the listener's program
// would: the kernel gives the new socket the uid of the one that accepts.
func (r *run) acceptAs(s *sock) (int, error) {
	var c int
	err := r.asUser(s.owner, func() (err error) {
		c, _, err = syscall.Accept(s.fd)
		return err
	})
	return c, err
}

func (r *run) doUser(name string) outcome {
	uid := 0
	if name != "root" {
		uid = -1
		for i, u := range r.users {
			if u == name {
				uid = 1001 + i
			}
		}
		if uid < 0 {
			r.users = append(r.users, name)
			uid = 1000 + len(r.users)
		}
	}
	if uid != 0 && (syscall.Getuid() != 0 || r.userns) {
		return outcome{skip: "other users need real root on Linux"}
	}
	r.user = uid
	return outcome{}
}

func (r *run) get(name string) (*sock, error) {
	if s, ok := r.socks[name]; ok {
		return s, nil
	}
	return nil, syscall.EBADF
}

func (r *run) socket(name string, family, typ int) outcome {
	var fd int
	err := r.asUser(r.user, func() (err error) {
		fd, err = syscall.Socket(family, typ, 0)
		return err
	})
	if err == nil {
		r.socks[name] = &sock{fd: fd, owner: r.user, udp: typ == syscall.SOCK_DGRAM}
	}
	return outcome{err: err}
}

var options = map[string][2]int{
	"SO_REUSEADDR": {syscall.SOL_SOCKET, syscall.SO_REUSEADDR},
	"SO_REUSEPORT": {syscall.SOL_SOCKET, 0xf}, // SO_REUSEPORT on Linux
	"IPV6_V6ONLY":  {syscall.IPPROTO_IPV6, syscall.IPV6_V6ONLY},
	// IP_MULTICAST_ALL (Linux): 0 keeps a wildcard socket to its own groups.
	"IP_MULTICAST_ALL": {syscall.IPPROTO_IP, 49},
}

func setOption(fd int, option string, value int) error {
	o, ok := options[option]
	if !ok {
		return syscall.ENOPROTOOPT // the option does not exist on this OS
	}
	return syscall.SetsockoptInt(fd, o[0], o[1], value)
}

func (r *run) set(name, option string, value int) outcome {
	s, err := r.get(name)
	if err != nil {
		return outcome{err: err}
	}
	return outcome{err: setOption(s.fd, option, value)}
}

func (r *run) portOf(name string) int {
	s, ok := r.socks[name]
	if !ok {
		return 0
	}
	sa, err := syscall.Getsockname(s.fd)
	if err != nil {
		return 0
	}
	switch a := sa.(type) {
	case *syscall.SockaddrInet4:
		return a.Port
	case *syscall.SockaddrInet6:
		return a.Port
	}
	return 0
}

func (r *run) bind(name, host string, port int) outcome {
	s, err := r.get(name)
	if err != nil {
		return outcome{err: err}
	}
	return outcome{err: r.asUser(s.owner, func() error { return syscall.Bind(s.fd, sockaddr(host, port)) })}
}

func (r *run) listen(name string) outcome {
	s, err := r.get(name)
	if err != nil {
		return outcome{err: err}
	}
	if err := syscall.Listen(s.fd, 128); err != nil {
		return outcome{err: err}
	}
	s.listening = true
	return outcome{}
}

// listenConfig makes a listener the Go way: socket, the options (in
// Control, before bind), bind and listen in one call (ListenPacket for
// "udp4"/"udp6": socket, options, bind). It returns one outcome per step:
// the socket, each option, bind, listen (no listen for UDP).
func (r *run) listenConfig(name, network, host string, port int, opts ...opt) []outcome {
	udp := strings.HasPrefix(network, "udp")
	steps := len(opts) + 3
	if udp {
		steps--
	}
	out := make([]outcome, steps)
	v6 := strings.HasSuffix(network, "6")
	lc := net.ListenConfig{
		Control: func(network, address string, c syscall.RawConn) error {
			return c.Control(func(fd uintptr) {
				// Go has set SO_REUSEADDR (and, for tcp6, IPV6_V6ONLY; for
				// UDP, SO_BROADCAST); the scenario's socket starts with the
				// OS defaults.
				syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_REUSEADDR, 0)
				if udp {
					syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_BROADCAST, 0)
				}
				if v6 {
					syscall.SetsockoptInt(int(fd), syscall.IPPROTO_IPV6, syscall.IPV6_V6ONLY, 0)
				}
				for i, o := range opts {
					out[i+1].err = setOption(int(fd), o.name, o.value)
				}
			})
		},
	}
	var ln net.Listener
	var pc net.PacketConn
	address := net.JoinHostPort(host, strconv.Itoa(port))
	err := r.asUser(r.user, func() (err error) {
		if udp {
			pc, err = lc.ListenPacket(context.Background(), network, address)
		} else {
			ln, err = lc.Listen(context.Background(), network, address)
		}
		return err
	})
	var se *os.SyscallError
	if err != nil && errors.As(err, &se) {
		switch se.Syscall {
		case "socket":
			out[0].err = se.Err
		case "bind":
			out[len(opts)+1].err = se.Err
		case "listen":
			out[len(opts)+2].err = se.Err
		}
	} else if err != nil {
		out[len(opts)+1].err = err
	}
	s := &sock{fd: -1, owner: r.user, udp: udp}
	r.socks[name] = s // a socket Go closed after a failure: close finds it
	if err == nil && udp {
		s.pc = pc
		raw, _ := pc.(*net.UDPConn).SyscallConn()
		raw.Control(func(fd uintptr) { s.fd = int(fd) })
	} else if err == nil {
		s.ln = ln
		s.listening = true
		raw, _ := ln.(*net.TCPListener).SyscallConn()
		raw.Control(func(fd uintptr) { s.fd = int(fd) })
	}
	return out
}

type opt struct {
	name  string
	value int
}

// drain accepts on every listener of port to see which took the new
// connections; they wait in a stash for later `accept` steps.
func (r *run) drain(port, expect int) map[string]int {
	taken := map[string]int{}
	got := 0
	deadline := time.Now().Add(time.Second)
	for got < expect && time.Now().Before(deadline) {
		for name, s := range r.socks {
			if !s.listening || r.portOf(name) != port {
				continue
			}
			syscall.SetNonblock(s.fd, true)
			for {
				c, err := r.acceptAs(s)
				if err != nil {
					break
				}
				s.stash = append(s.stash, c)
				taken[name]++
				got++
			}
			if s.ln == nil {
				syscall.SetNonblock(s.fd, false)
			}
		}
		if got < expect {
			time.Sleep(10 * time.Millisecond)
		}
	}
	return taken
}

func (r *run) connect(name, host string, port int) outcome {
	s, err := r.get(name)
	if err != nil {
		return outcome{err: err}
	}
	// A blocking connect(), bounded to 3 s (a timeout stops the run).
	syscall.SetsockoptTimeval(s.fd, syscall.SOL_SOCKET, syscall.SO_SNDTIMEO, &syscall.Timeval{Sec: 3})
	err = syscall.Connect(s.fd, sockaddr(host, port))
	// The Go runtime's own signals (preemption) can interrupt the call:
	// the handshake goes on, and connect() again waits for it and gives
	// its result (Linux), or says it is under way or done (the BSDs).
	// CI once saw "errno 4" here where the kernel's answer was ok.
	deadline := time.Now().Add(3 * time.Second)
	for err == syscall.EINTR || (err == syscall.EALREADY && time.Now().Before(deadline)) {
		if err == syscall.EALREADY {
			time.Sleep(time.Millisecond)
		}
		err = syscall.Connect(s.fd, sockaddr(host, port))
		if err == syscall.EISCONN {
			err = nil
		}
	}
	if err == syscall.EINPROGRESS || err == syscall.EAGAIN || err == syscall.EALREADY {
		err = syscall.ETIMEDOUT
	}
	if err != nil {
		return outcome{err: err}
	}
	return outcome{routes: r.drain(port, 1)}
}

func (r *run) accept(name, newName string) outcome {
	s, err := r.get(name)
	if err != nil {
		return outcome{err: err}
	}
	var c int
	if len(s.stash) > 0 {
		c, s.stash = s.stash[0], s.stash[1:]
	} else {
		syscall.SetNonblock(s.fd, true)
		c, err = r.acceptAs(s)
		if s.ln == nil {
			syscall.SetNonblock(s.fd, false)
		}
		if err != nil {
			return outcome{err: err}
		}
	}
	syscall.SetNonblock(c, false)
	owner := s.owner
	// Linux gives an accepted socket the uid of the process that accepts it
	// (sock_graft). Accepted above as the listener's owner, it becomes the
	// step's user's as an accept by that user would make it: fchown() sets
	// that uid too. The BSDs keep the listener's owner.
	if runtime.GOOS == "linux" && r.user != owner {
		if err := syscall.Fchown(c, r.user, -1); err != nil {
			return outcome{err: err}
		}
		owner = r.user
	}
	r.socks[newName] = &sock{fd: c, owner: owner}
	return outcome{}
}

func (r *run) close(name string) outcome {
	s, err := r.get(name)
	if err != nil {
		return outcome{err: err}
	}
	delete(r.socks, name)
	for _, c := range s.stash {
		// What the kernel does to connections still queued: a reset.
		syscall.SetsockoptLinger(c, syscall.SOL_SOCKET, syscall.SO_LINGER, &syscall.Linger{Onoff: 1})
		syscall.Close(c)
	}
	if s.ln != nil {
		return outcome{err: s.ln.Close()}
	}
	if s.pc != nil {
		return outcome{err: s.pc.Close()}
	}
	if s.fd < 0 {
		return outcome{} // Go closed it when Listen failed
	}
	// A TCP connection's close is given 20 ms for its FIN to be
	// acknowledged: bindlab's steps take no time and see the end as a
	// TIME_WAIT (or FIN_WAIT_2), where right after close() it is still a
	// full socket.
	typ, terr := syscall.GetsockoptInt(s.fd, syscall.SOL_SOCKET, syscall.SO_TYPE)
	_, perr := syscall.Getpeername(s.fd)
	err = syscall.Close(s.fd)
	if terr == nil && typ == syscall.SOCK_STREAM && perr == nil {
		time.Sleep(20 * time.Millisecond)
	}
	return outcome{err: err}
}

// client: count peers connect to host:port with net.Dialer. On Linux (in
// the namespace) they come from 203.0.113.x / 2001:db8::x, as bindlab's
// predictions name them.
// loopbackName is the loopback interface: groups are joined on it, and a
// peer reaches a link-local address through it.
func loopbackName() string {
	if runtime.GOOS == "linux" {
		return "lo"
	}
	return "lo0"
}

// peerHost is where a peer connects: a peer on the link reaches a link-local
// address (fe80::/10) through loopback's zone, which a scenario's own calls
// never name.
func peerHost(host string) string {
	if ip := net.ParseIP(host); ip != nil && ip.To4() == nil && ip.IsLinkLocalUnicast() {
		return host + "%" + loopbackName()
	}
	return host
}

func (r *run) client(host string, port, count int) outcome {
	var firstError error
	ok := 0
	v6 := strings.Contains(host, ":")
	for i := 0; i < count; i++ {
		k := r.nextClient
		r.nextClient++
		d := net.Dialer{Timeout: 3 * time.Second}
		if r.netns {
			src := fmt.Sprintf("203.0.113.%d", k%250+1)
			level, freebind := syscall.IPPROTO_IP, 15 // IP_FREEBIND
			if v6 {
				src = fmt.Sprintf("2001:db8::%x", k%250+1)
				level, freebind = syscall.IPPROTO_IPV6, 78 // IPV6_FREEBIND
			}
			d.LocalAddr = &net.TCPAddr{IP: net.ParseIP(src), Port: 40000 + k/250}
			d.Control = func(network, address string, c syscall.RawConn) error {
				return c.Control(func(fd uintptr) { syscall.SetsockoptInt(int(fd), level, freebind, 1) })
			}
		}
		c, err := d.Dial("tcp", net.JoinHostPort(peerHost(host), strconv.Itoa(port)))
		if err != nil {
			if firstError == nil {
				firstError = err
			}
			continue
		}
		r.clients = append(r.clients, c) // the peer stays open
		ok++
	}
	taken := map[string]int{}
	if ok > 0 {
		taken = r.drain(port, ok)
	}
	if firstError != nil {
		return outcome{err: firstError}
	}
	return outcome{routes: taken}
}

// peerAddress is where bindlab's k-th peer sends from (as its predictions
// name them): the host itself for a loopback destination, else
// 203.0.113.x / 2001:db8::x.
func peerAddress(k int, host string) *net.UDPAddr {
	ip := net.ParseIP(host)
	v6 := ip.To4() == nil
	if ip.IsLoopback() {
		if v6 {
			return &net.UDPAddr{IP: net.IPv6loopback, Port: 40000 + k%25000}
		}
		return &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000 + k%25000}
	}
	if v6 {
		return &net.UDPAddr{IP: net.ParseIP(fmt.Sprintf("2001:db8::%x", k%250+1)), Port: 40000 + k/250}
	}
	return &net.UDPAddr{IP: net.ParseIP(fmt.Sprintf("203.0.113.%d", k%250+1)), Port: 40000 + k/250}
}

// datagram: count peers each send one UDP datagram to host:port
// (net.Dialer, Write); then every UDP socket of the scenario reads what it
// got (recvfrom with MSG_DONTWAIT until EAGAIN): who received how many. The
// rest were dropped.
func (r *run) datagram(host string, port, count int) outcome {
	host = strings.TrimPrefix(host, "::ffff:") // an IPv4 peer for a v4-mapped address
	network := "udp4"
	if strings.Contains(host, ":") {
		network = "udp6"
	}
	for i := 0; i < count; i++ {
		k := r.nextClient
		r.nextClient++
		d := net.Dialer{}
		if r.netns {
			level, freebind := syscall.IPPROTO_IP, 15 // IP_FREEBIND
			if network == "udp6" {
				level, freebind = syscall.IPPROTO_IPV6, 78 // IPV6_FREEBIND
			}
			d.LocalAddr = peerAddress(k, host)
			d.Control = func(network, address string, c syscall.RawConn) error {
				return c.Control(func(fd uintptr) { syscall.SetsockoptInt(int(fd), level, freebind, 1) })
			}
		}
		c, err := d.Dial(network, net.JoinHostPort(peerHost(host), strconv.Itoa(port)))
		if err == nil {
			_, err = c.Write([]byte("bindlab"))
			c.Close()
		}
		if err != nil {
			return outcome{err: err}
		}
	}
	time.Sleep(50 * time.Millisecond)
	got := map[string]int{}
	buf := make([]byte, 2048)
	for name, s := range r.socks {
		if !s.udp || s.fd < 0 {
			continue
		}
		for {
			_, _, err := syscall.Recvfrom(s.fd, buf, syscall.MSG_DONTWAIT)
			if err == nil {
				got[name]++
			} else if err != syscall.EINTR && err != syscall.ECONNREFUSED {
				break // EAGAIN: no more
			}
		}
	}
	return outcome{routes: got}
}

// join: IP_ADD_MEMBERSHIP (IPV6_JOIN_GROUP for a v6 group) on loopback.
func (r *run) join(name, group string) outcome {
	s, err := r.get(name)
	if err != nil {
		return outcome{err: err}
	}
	ip := net.ParseIP(group)
	if ip4 := ip.To4(); ip4 != nil {
		m := &syscall.IPMreq{Interface: [4]byte{127, 0, 0, 1}}
		copy(m.Multiaddr[:], ip4)
		return outcome{err: syscall.SetsockoptIPMreq(s.fd, syscall.IPPROTO_IP, syscall.IP_ADD_MEMBERSHIP, m)}
	}
	m := &syscall.IPv6Mreq{}
	copy(m.Multiaddr[:], ip.To16())
	if lo, err := net.InterfaceByName(loopbackName()); err == nil {
		m.Interface = uint32(lo.Index)
	}
	return outcome{err: syscall.SetsockoptIPv6Mreq(s.fd, syscall.IPPROTO_IPV6, syscall.IPV6_JOIN_GROUP, m)}
}

func (r *run) wait(d time.Duration) outcome {
	if d > 5*time.Second && !r.yes {
		fmt.Printf("The scenario waits %v (for TIME_WAIT to end). Wait? [Y/n] ", d)
		answer, _ := bufio.NewReader(os.Stdin).ReadString('\n')
		if strings.HasPrefix(strings.ToLower(strings.TrimSpace(answer)), "n") {
			return outcome{skip: "wait declined; later steps may differ"}
		}
	}
	time.Sleep(d)
	return outcome{}
}

// --- the run ---------------------------------------------------------------

func routesText(m map[string]int) string {
	var names []string
	for k, v := range m {
		if v > 0 {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	var parts []string
	for _, k := range names {
		parts = append(parts, fmt.Sprintf("%s=%d", k, m[k]))
	}
	return strings.Join(parts, " ")
}

func sum(routes string) int {
	n := 0
	for _, kv := range strings.Fields(routes) {
		if i := strings.IndexByte(kv, '='); i >= 0 {
			v, _ := strconv.Atoi(kv[i+1:])
			n += v
		}
	}
	return n
}

func pad(s string, w int) string {
	if n := utf8.RuneCountInString(s); n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return s
}

func shown(result string, routes *string) string {
	if routes == nil || *routes == "" {
		return result
	}
	return result + " → " + strings.ReplaceAll(*routes, "=", "×")
}

// step runs one step (unless the run has stopped) and prints its row.
func (r *run) step(line int, text string, f func() outcome) {
	r.report(line, text, func() outcome {
		return f()
	})
}

// group runs steps that one Go call performs together and prints their rows.
func (r *run) group(lines []int, texts []string, f func() []outcome) {
	var outs []outcome
	for i := range lines {
		r.report(lines[i], texts[i], func() outcome {
			if outs == nil {
				outs = f()
			}
			return outs[i]
		})
	}
}

func (r *run) report(line int, text string, f func() outcome) {
	p := r.predicted[r.index]
	r.index++
	w := r.width
	if r.stopped {
		r.skipped++
		fmt.Printf("%4d  %s  %s  %s  ?\n", line, pad(text, w), pad("not run", 22), pad(p.result, 22))
		return
	}
	o := f()
	if o.skip != "" {
		r.skipped++
		r.stopped = true
		fmt.Printf("%4d  %s  %s  %s  ?  (%s)\n", line, pad(text, w), pad("skipped", 22), pad(p.result, 22), o.skip)
		return
	}
	real := errorName(o.err)
	if real == "ETIMEDOUT" {
		r.stopped = true // the kernel keeps trying for minutes
	}
	same := real == p.result
	var got *string
	if o.err == nil && o.routes != nil {
		t := routesText(o.routes)
		got = &t
	}
	if same && got != nil && p.routes != nil {
		if p.candidates == "" {
			same = *got == *p.routes
		} else {
			cands := " " + p.candidates + " "
			for k := range o.routes {
				same = same && strings.Contains(cands, " "+k+" ")
			}
			same = same && sum(*got) == sum(*p.routes)
		}
	}
	mark := "✓"
	if same {
		r.matched++
	} else {
		r.differ++
		mark = "✗"
	}
	fmt.Printf("%4d  %s  %s  %s  %s\n", line, pad(text, w), pad(shown(real, got), 22), pad(shown(p.result, p.routes), 22), mark)
}

// reexecInNetns: on Linux, run again inside a private network namespace
// (nothing on this machine's real network is touched).
func reexecInNetns() {
	if runtime.GOOS != "linux" || os.Getenv("BINDLAB_NETNS") == "1" {
		return
	}
	for _, a := range os.Args[1:] {
		if a == "--no-netns" {
			return
		}
	}
	flag, userns := "-n", "0"
	if os.Geteuid() != 0 {
		flag, userns = "-rn", "1"
	}
	exe, err := os.Executable()
	if err != nil {
		return
	}
	cmd := exec.Command("unshare", append([]string{flag, "--", exe}, os.Args[1:]...)...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), "BINDLAB_NETNS=1", "BINDLAB_USERNS="+userns)
	err = cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		os.Exit(ee.ExitCode())
	} else if err != nil {
		fmt.Printf("bindlab: cannot run `unshare` (%v); running in the current namespace\n", err)
		return
	}
	os.Exit(0)
}

func setupAddresses(netns bool) {
	if !netns {
		if len(ifaces) > 0 {
			fmt.Println("bindlab: this scenario uses addresses besides loopback; run it on Linux (in a namespace), or use the Python export, which maps them to loopback aliases.")
			os.Exit(2)
		}
		return
	}
	ip := func(args ...string) { exec.Command("ip", args...).Run() }
	ip("link", "set", "lo", "up")
	ip("link", "set", "lo", "multicast", "on")
	ip("route", "add", "224.0.0.0/4", "dev", "lo")
	ip("route", "add", "local", "203.0.113.0/24", "dev", "lo")
	ip("-6", "route", "add", "local", "2001:db8::/64", "dev", "lo")
	for _, a := range ifaces {
		if strings.Contains(a, ":") {
			ip("-6", "addr", "add", a+"/128", "dev", "lo", "nodad")
			// Its route comes from queued DAD work, even with nodad.
			for i := 0; i < 300 && exec.Command("ip", "-6", "route", "get", a).Run() != nil; i++ {
				time.Sleep(10 * time.Millisecond)
			}
		} else {
			ip("addr", "add", a+"/32", "dev", "lo")
		}
	}
	// A host with an IPv4 address outside 127/8 has a route to broadcast (as bindlab assumes).
	for _, a := range ifaces {
		if !strings.Contains(a, ":") && !strings.HasPrefix(a, "127.") {
			ip("route", "add", "255.255.255.255/32", "dev", "lo")
			break
		}
	}
	// One with an IPv6 address outside ::1 has the route every interface but loopback gets (as bindlab assumes).
	for _, a := range ifaces {
		if strings.Contains(a, ":") && a != "::1" {
			ip("-6", "route", "add", "multicast", "ff00::/8", "dev", "lo", "table", "local")
			break
		}
	}
}

func main() {
	reexecInNetns()
	netns := os.Getenv("BINDLAB_NETNS") == "1"
	setupAddresses(netns)
	yes := false
	for _, a := range os.Args[1:] {
		yes = yes || a == "--yes"
	}
	if fi, err := os.Stdin.Stat(); err == nil && fi.Mode()&os.ModeCharDevice == 0 {
		yes = true
	}
	predicted := predictedLinux
	switch runtime.GOOS {
	case "darwin":
		predicted = predictedMacos
	case "freebsd":
		predicted = predictedFreebsd
	case "windows":
		predicted = predictedWindows
	}
	width := 4
	for _, t := range stepTexts {
		if n := utf8.RuneCountInString(t); n > width {
			width = n
		}
	}
	r := &run{socks: map[string]*sock{}, yes: yes, netns: netns, userns: os.Getenv("BINDLAB_USERNS") == "1",
		predicted: predicted, width: width}
	fmt.Printf("%s\nOn %s, bindlab predicts the column on the right.\n\n", title, runtime.GOOS)
	fmt.Printf("line  %s  %s  %s  match\n", pad("step", width), pad("real outcome", 22), pad("bindlab", 22))
	runScenario(r)
	fmt.Printf("\n%d matched, %d differ", r.matched, r.differ)
	if r.skipped > 0 {
		fmt.Printf(", %d skipped", r.skipped)
	}
	fmt.Println()
	if r.differ > 0 {
		os.Exit(1)
	}
}
