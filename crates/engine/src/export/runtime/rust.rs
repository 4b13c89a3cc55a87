// ---------------------------------------------------------------------------
// How this program works (the same on every scenario bindlab exports)
// ---------------------------------------------------------------------------
// Each step above is the real call through socket2 (the crate std's own
// networking is built on): Socket::new, set_reuse_address, bind, listen,
// connect, accept, and drop for close; a `datagram` step is send_to from
// fresh peers and recv on every UDP socket, a `join` join_multicast_v4/v6. Its outcome is recorded as the
// error's name (EADDRINUSE, EACCES, ...) and printed beside bindlab's
// prediction for this OS. Exit status 0 only when every checked step matches.
//
// Linux: the program re-runs itself in a private network namespace
// (`unshare -n`, or `unshare -rn` when not root) where the scenario's
// addresses exist on loopback. Options: --yes, --no-netns.

/// Why a step did not give an outcome of its own.
enum Failure {
    /// The call failed: its error is the outcome.
    Os(io::Error),
    /// This machine cannot run the step; the run stops there.
    Skip(String),
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        Failure::Os(e)
    }
}

type Step = Result<Option<BTreeMap<String, u32>>, Failure>;

fn errno(code: i32) -> Failure {
    Failure::Os(io::Error::from_raw_os_error(code))
}

/// One socket of the scenario.
struct Sock {
    socket: Socket,
    listening: bool,
    /// SOCK_DGRAM: a `datagram` step counts what it received.
    udp: bool,
    owner: u32,
    /// Connections already accepted (to see which listener took them), in order.
    stash: VecDeque<Socket>,
}

struct Run {
    socks: BTreeMap<String, Sock>,
    user: u32,
    users: Vec<String>,
    next_client: u32,
    clients: Vec<Socket>,
    yes: bool,
    netns: bool,
    userns: bool,
    predicted: &'static [P],
    width: usize,
    index: usize,
    stopped: bool,
    matched: u32,
    differ: u32,
    skipped: u32,
}

fn error_name(e: &io::Error) -> String {
    if e.kind() == io::ErrorKind::TimedOut {
        return "ETIMEDOUT".into();
    }
    let Some(n) = e.raw_os_error() else {
        return e.to_string();
    };
    let names = [
        (libc::EADDRINUSE, "EADDRINUSE"),
        (libc::EADDRNOTAVAIL, "EADDRNOTAVAIL"),
        (libc::EACCES, "EACCES"),
        (libc::EPERM, "EPERM"),
        (libc::EINVAL, "EINVAL"),
        (libc::ECONNREFUSED, "ECONNREFUSED"),
        (libc::EAGAIN, "EAGAIN"),
        (libc::EISCONN, "EISCONN"),
        (libc::ENOTCONN, "ENOTCONN"),
        (libc::ENOPROTOOPT, "ENOPROTOOPT"),
        (libc::EAFNOSUPPORT, "EAFNOSUPPORT"),
        (libc::ENETUNREACH, "ENETUNREACH"),
        (libc::EHOSTUNREACH, "EHOSTUNREACH"),
        (libc::EOPNOTSUPP, "EOPNOTSUPP"),
        (libc::ETIMEDOUT, "ETIMEDOUT"),
        (libc::EBADF, "EBADF"),
        (libc::EALREADY, "EALREADY"),
        (libc::EINPROGRESS, "EINPROGRESS"),
        (libc::ECONNRESET, "ECONNRESET"),
        (libc::ECONNABORTED, "ECONNABORTED"),
        (libc::EPROTO, "EPROTO"),
        (libc::ENOBUFS, "ENOBUFS"),
    ];
    names
        .iter()
        .find(|(code, _)| *code == n)
        .map_or_else(|| format!("errno {n}"), |(_, name)| name.to_string())
}

/// A blocking connect(), bounded to 3 s (a timeout stops the run).
fn connect(s: &Socket, host: &str, port: u16) -> io::Result<()> {
    connect_to(s, &addr(host, port))
}

/// connect() bounded to 3 s (a timeout stops the run).
fn connect_to(s: &Socket, to: &SockAddr) -> io::Result<()> {
    s.set_write_timeout(Some(Duration::from_secs(3)))?;
    match s.connect(to) {
        Err(e) if e.raw_os_error() == Some(libc::EINPROGRESS) || e.kind() == io::ErrorKind::WouldBlock => {
            Err(io::Error::from_raw_os_error(libc::ETIMEDOUT))
        }
        r => r,
    }
}

/// The loopback interface's index: groups are joined on it, and a peer
/// reaches a link-local address through it.
fn loopback_index() -> u32 {
    let lo = if cfg!(target_os = "linux") { c"lo" } else { c"lo0" };
    // SAFETY: if_nametoindex reads a NUL-terminated name.
    unsafe { libc::if_nametoindex(lo.as_ptr()) }
}

/// Where a peer connects: a peer on the link reaches a link-local address
/// (fe80::/10) through loopback's zone, which a scenario's own calls never
/// name.
fn peer_target(host: &str, port: u16) -> SockAddr {
    match ip_of(host) {
        IpAddr::V6(a) if a.segments()[0] & 0xffc0 == 0xfe80 => {
            SockAddr::from(std::net::SocketAddrV6::new(a, port, 0, loopback_index()))
        }
        _ => addr(host, port),
    }
}

fn addr(host: &str, port: u16) -> SockAddr {
    SockAddr::from(SocketAddr::new(ip_of(host), port))
}

fn ip_of(host: &str) -> IpAddr {
    host.parse().expect("bindlab writes valid addresses")
}

impl Run {
    /// The socket called `name` (EBADF when there is none, as for a closed descriptor).
    fn sock(&self, name: &str) -> Result<&Socket, Failure> {
        self.socks
            .get(name)
            .map(|s| &s.socket)
            .ok_or_else(|| errno(libc::EBADF))
    }

    /// Runs `f` as the scenario's user `uid` (the kernel checks the
    /// caller's uid and privileges in socket() and bind(), and gives an
    /// accepted socket the uid of the process that accepts it).
    fn as_user<T>(uid: u32, f: impl FnOnce() -> io::Result<T>) -> io::Result<T> {
        if uid == 0 {
            return f();
        }
        // SAFETY: setresuid only changes this (single-threaded) process's ids.
        if unsafe { libc::setresuid(u32::MAX, uid, u32::MAX) } != 0 {
            return Err(io::Error::last_os_error());
        }
        let r = f();
        // SAFETY: as above; the saved uid is still root.
        unsafe { libc::setresuid(u32::MAX, 0, u32::MAX) };
        r
    }

    fn user(&mut self, name: &str) -> Step {
        let uid = if name == "root" {
            0
        } else {
            match self.users.iter().position(|u| u == name) {
                Some(i) => 1001 + i as u32,
                None => {
                    self.users.push(name.to_string());
                    1000 + self.users.len() as u32
                }
            }
        };
        // SAFETY: getuid has no preconditions.
        if uid != 0 && (unsafe { libc::getuid() } != 0 || self.userns) {
            return Err(Failure::Skip("other users need real root on Linux".into()));
        }
        self.user = uid;
        Ok(None)
    }

    fn socket(&mut self, name: &str, domain: Domain, ty: Type) -> Step {
        let socket = Self::as_user(self.user, || Socket::new(domain, ty, None))?;
        let sock = Sock {
            socket,
            listening: false,
            udp: ty == Type::DGRAM,
            owner: self.user,
            stash: VecDeque::new(),
        };
        self.socks.insert(name.to_string(), sock);
        Ok(None)
    }

    /// IP_MULTICAST_ALL is Linux's (socket2's `set_multicast_all_v4`);
    /// SO_REUSEPORT_LB (FreeBSD) and SO_EXCLUSIVEADDRUSE (Windows) have no
    /// socket2 method; elsewhere they do not exist.
    fn set_other(&mut self, name: &str, option: &str, on: bool) -> Step {
        let socket = self.sock(name)?;
        #[cfg(target_os = "linux")]
        if option == "IP_MULTICAST_ALL" {
            socket.set_multicast_all_v4(on)?;
            return Ok(None);
        }
        let _ = (socket, option, on);
        Err(errno(libc::ENOPROTOOPT))
    }

    fn port_of(&self, name: &str) -> u16 {
        self.sock(name)
            .ok()
            .and_then(|s| s.local_addr().ok())
            .and_then(|a| a.as_socket())
            .map_or(0, |a| a.port())
    }

    fn bind(&mut self, name: &str, host: &str, port: u16) -> Step {
        let owner = self.socks.get(name).map_or(0, |s| s.owner);
        let socket = self.sock(name)?;
        Self::as_user(owner, || socket.bind(&addr(host, port)))?;
        Ok(None)
    }

    fn listen(&mut self, name: &str) -> Step {
        self.sock(name)?.listen(128)?;
        if let Some(s) = self.socks.get_mut(name) {
            s.listening = true;
        }
        Ok(None)
    }

    /// Accepts on every listener of `port` to see which took the new
    /// connections; they wait in a stash for later `accept` steps.
    fn drain(&mut self, port: u16, expect: u32) -> BTreeMap<String, u32> {
        let mut taken = BTreeMap::new();
        let mut got = 0;
        let deadline = Instant::now() + Duration::from_secs(1);
        while got < expect && Instant::now() < deadline {
            let names: Vec<String> = self.socks.keys().cloned().collect();
            for name in names {
                if self.port_of(&name) != port {
                    continue;
                }
                let Some(s) = self.socks.get_mut(&name) else { continue };
                if !s.listening {
                    continue;
                }
                let _ = s.socket.set_nonblocking(true);
                // Accepted by the listener's owner, as its program would.
                while let Ok((c, _)) = Self::as_user(s.owner, || s.socket.accept()) {
                    let _ = c.set_nonblocking(false);
                    s.stash.push_back(c);
                    *taken.entry(name.clone()).or_insert(0) += 1;
                    got += 1;
                }
                let _ = s.socket.set_nonblocking(false);
            }
            if got < expect {
                std::thread::sleep(Duration::from_millis(10));
            }
        }
        taken
    }

    fn connect(&mut self, name: &str, host: &str, port: u16) -> Step {
        connect(self.sock(name)?, host, port)?;
        Ok(Some(self.drain(port, 1)))
    }

    fn accept(&mut self, name: &str, new: &str) -> Step {
        let s = self.socks.get_mut(name).ok_or_else(|| errno(libc::EBADF))?;
        let owner = s.owner;
        let conn = match s.stash.pop_front() {
            Some(c) => c,
            None => {
                s.socket.set_nonblocking(true)?;
                let r = Self::as_user(owner, || s.socket.accept());
                s.socket.set_nonblocking(false)?;
                let (c, _) = r?;
                c.set_nonblocking(false)?;
                c
            }
        };
        // Linux gives an accepted socket the uid of the process that
        // accepts it (sock_graft). Accepted above as the listener's owner,
        // it becomes the step's user's as an accept by that user would make
        // it: fchown() sets that uid too. The BSDs keep the listener's owner.
        #[cfg(target_os = "linux")]
        let owner = if self.user != owner {
            use std::os::fd::AsRawFd;
            // SAFETY: fchown on a descriptor this program holds; u32::MAX
            // (-1) keeps the group.
            if unsafe { libc::fchown(conn.as_raw_fd(), self.user, u32::MAX) } != 0 {
                return Err(io::Error::last_os_error().into());
            }
            self.user
        } else {
            owner
        };
        let sock = Sock {
            socket: conn,
            listening: false,
            udp: false,
            owner,
            stash: VecDeque::new(),
        };
        self.socks.insert(new.to_string(), sock);
        Ok(None)
    }

    fn close(&mut self, name: &str) -> Step {
        let s = self.socks.remove(name).ok_or_else(|| errno(libc::EBADF))?;
        for c in s.stash {
            // What the kernel does to connections still queued: a reset.
            let _ = c.set_linger(Some(Duration::ZERO));
        }
        // A TCP connection's close is given 20 ms for its FIN to be
        // acknowledged: bindlab's steps take no time and see the end as a
        // TIME_WAIT (or FIN_WAIT_2), where right after close() it is still
        // a full socket.
        let settle =
            s.socket.r#type().is_ok_and(|t| t == Type::STREAM) && s.socket.peer_addr().is_ok();
        drop(s.socket);
        if settle {
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(None)
    }

    /// `count` peers connect to host:port. On Linux (in the namespace) they
    /// come from 203.0.113.x / 2001:db8::x, as bindlab's predictions name them.
    fn client(&mut self, host: &str, port: u16, count: u32) -> Step {
        let v6 = host.contains(':');
        let mut first_error = None;
        let mut ok = 0;
        for _ in 0..count {
            let k = self.next_client;
            self.next_client += 1;
            let domain = if v6 { Domain::IPV6 } else { Domain::IPV4 };
            let c = Socket::new(domain, Type::STREAM, None)?;
            #[cfg(target_os = "linux")]
            if self.netns {
                let src = if v6 {
                    let _ = c.set_freebind_ipv6(true);
                    format!("2001:db8::{:x}", k % 250 + 1)
                } else {
                    let _ = c.set_freebind(true);
                    format!("203.0.113.{}", k % 250 + 1)
                };
                let _ = c.bind(&addr(&src, 40000 + (k / 250) as u16));
            }
            match connect_to(&c, &peer_target(host, port)) {
                Ok(()) => {
                    self.clients.push(c);
                    ok += 1;
                }
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        let taken = if ok > 0 {
            self.drain(port, ok)
        } else {
            BTreeMap::new()
        };
        match first_error {
            Some(e) => Err(e.into()),
            None => Ok(Some(taken)),
        }
    }

    /// `count` peers each send one UDP datagram to host:port (send_to);
    /// then every UDP socket of the scenario reads what it got (recv until
    /// WouldBlock): who received how many. The rest were dropped.
    fn datagram(&mut self, host: &str, port: u16, count: u32) -> Step {
        // An IPv4 peer for a v4-mapped address.
        let host = host.strip_prefix("::ffff:").filter(|h| h.contains('.')).unwrap_or(host);
        let ip = ip_of(host);
        let domain = if ip.is_ipv6() { Domain::IPV6 } else { Domain::IPV4 };
        for _ in 0..count {
            let k = self.next_client;
            self.next_client += 1;
            let c = Socket::new(domain, Type::DGRAM, None)?;
            #[cfg(target_os = "linux")]
            if self.netns {
                // Where bindlab's k-th peer sends from, as its predictions name them.
                let src = match ip {
                    IpAddr::V4(a) if a.is_loopback() => SocketAddr::new(ip_of("127.0.0.1"), 40000 + (k % 25000) as u16),
                    IpAddr::V6(a) if a.is_loopback() => SocketAddr::new(ip_of("::1"), 40000 + (k % 25000) as u16),
                    IpAddr::V4(_) => {
                        let _ = c.set_freebind(true);
                        SocketAddr::new(ip_of(&format!("203.0.113.{}", k % 250 + 1)), 40000 + (k / 250) as u16)
                    }
                    IpAddr::V6(_) => {
                        let _ = c.set_freebind_ipv6(true);
                        SocketAddr::new(ip_of(&format!("2001:db8::{:x}", k % 250 + 1)), 40000 + (k / 250) as u16)
                    }
                };
                let _ = c.bind(&src.into());
            }
            c.send_to(b"bindlab", &peer_target(host, port))?;
        }
        std::thread::sleep(Duration::from_millis(50));
        let mut got = BTreeMap::new();
        let mut buf = [0u8; 2048];
        for (name, s) in &self.socks {
            if !s.udp {
                continue;
            }
            s.socket.set_nonblocking(true)?;
            loop {
                match io::Read::read(&mut &s.socket, &mut buf) {
                    Ok(_) => *got.entry(name.clone()).or_insert(0) += 1,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) if e.raw_os_error() == Some(libc::ECONNREFUSED) => {}
                    Err(_) => break, // WouldBlock: no more
                }
            }
            s.socket.set_nonblocking(false)?;
        }
        Ok(Some(got))
    }

    /// IP_ADD_MEMBERSHIP (IPV6_JOIN_GROUP for a v6 group) on loopback.
    fn join(&mut self, name: &str, group: &str) -> Step {
        let socket = self.sock(name)?;
        match ip_of(group) {
            IpAddr::V4(g) => socket.join_multicast_v4(&g, &std::net::Ipv4Addr::LOCALHOST)?,
            IpAddr::V6(g) => socket.join_multicast_v6(&g, loopback_index())?,
        }
        Ok(None)
    }

    fn wait(&mut self, time: Duration) -> Step {
        if time > Duration::from_secs(5) && !self.yes {
            print!(
                "The scenario waits {} s (for TIME_WAIT to end). Wait? [Y/n] ",
                time.as_secs()
            );
            let _ = io::stdout().flush();
            let mut answer = String::new();
            let _ = io::stdin().read_line(&mut answer);
            if answer.trim().to_lowercase().starts_with('n') {
                return Err(Failure::Skip(
                    "wait declined; later steps may differ".into(),
                ));
            }
        }
        std::thread::sleep(time);
        Ok(None)
    }

    /// Runs one step (unless the run has stopped) and prints its row.
    fn step(&mut self, line: u32, text: &str, f: impl FnOnce(&mut Run) -> Step) {
        let P(expect, expect_routes, candidates) = self.predicted[self.index];
        self.index += 1;
        let w = self.width;
        if self.stopped {
            self.skipped += 1;
            println!("{line:>4}  {text:<w$}  {:<22}  {expect:<22}  ?", "not run");
            return;
        }
        let (real, routes) = match f(self) {
            Ok(routes) => ("ok".to_string(), routes),
            Err(Failure::Os(e)) => (error_name(&e), None),
            Err(Failure::Skip(why)) => {
                self.skipped += 1;
                self.stopped = true;
                println!("{line:>4}  {text:<w$}  {:<22}  {expect:<22}  ?  ({why})", "skipped");
                return;
            }
        };
        if real == "ETIMEDOUT" {
            self.stopped = true; // the kernel keeps trying for minutes
        }
        let real_routes = routes.as_ref().map(|r| {
            r.iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(" ")
        });
        let mut same = real == expect;
        if let (true, Some(got), Some(want)) = (same && real == "ok", &real_routes, expect_routes) {
            let sum = |s: &str| -> u32 {
                s.split_whitespace()
                    .filter_map(|kv| kv.split_once('=')?.1.parse::<u32>().ok())
                    .sum()
            };
            same = if candidates.is_empty() {
                got == want
            } else {
                let cands: Vec<&str> = candidates.split_whitespace().collect();
                routes
                    .as_ref()
                    .is_some_and(|r| r.keys().all(|k| cands.contains(&k.as_str())))
                    && sum(got) == sum(want)
            };
        }
        let shown = |result: &str, routes: Option<&str>| match routes {
            Some(r) if !r.is_empty() => format!("{result} → {}", r.replace('=', "×")),
            _ => result.to_string(),
        };
        let (got, want) = (shown(&real, real_routes.as_deref()), shown(expect, expect_routes));
        let mark = if same { "✓" } else { "✗" };
        if same {
            self.matched += 1;
        } else {
            self.differ += 1;
        }
        println!("{line:>4}  {text:<w$}  {got:<22}  {want:<22}  {mark}");
    }
}

/// Linux: run again inside a private network namespace (nothing on this
/// machine's real network is touched), where the scenario's addresses exist.
fn reexec_in_netns(args: &[String]) {
    if !cfg!(target_os = "linux")
        || env::var("BINDLAB_NETNS").as_deref() == Ok("1")
        || args.iter().any(|a| a == "--no-netns")
    {
        return;
    }
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    let Ok(exe) = env::current_exe() else { return };
    let status = Command::new("unshare")
        .arg(if root { "-n" } else { "-rn" })
        .arg("--")
        .arg(exe)
        .args(&args[1..])
        .env("BINDLAB_NETNS", "1")
        .env("BINDLAB_USERNS", if root { "0" } else { "1" })
        .status();
    match status {
        Ok(s) => std::process::exit(s.code().unwrap_or(1)),
        Err(e) => println!("bindlab: cannot run `unshare` ({e}); running in the current namespace"),
    }
}

fn setup_addresses(netns: bool) {
    if !netns {
        if !IFACES.is_empty() {
            println!("bindlab: this scenario uses addresses besides loopback; run it on Linux (in a namespace), or use the Python export, which maps them to loopback aliases.");
            std::process::exit(2);
        }
        return;
    }
    let ip = |args: &[&str]| {
        let _ = Command::new("ip").args(args).output();
    };
    ip(&["link", "set", "lo", "up"]);
    ip(&["link", "set", "lo", "multicast", "on"]);
    ip(&["route", "add", "224.0.0.0/4", "dev", "lo"]);
    ip(&["route", "add", "local", "203.0.113.0/24", "dev", "lo"]);
    ip(&["-6", "route", "add", "local", "2001:db8::/64", "dev", "lo"]);
    for a in IFACES {
        if a.contains(':') {
            ip(&["-6", "addr", "add", &format!("{a}/128"), "dev", "lo", "nodad"]);
            // Its route comes from queued DAD work, even with nodad.
            for _ in 0..300 {
                let routed = std::process::Command::new("ip")
                    .args(["-6", "route", "get", a])
                    .output()
                    .is_ok_and(|o| o.status.success());
                if routed {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
        } else {
            ip(&["addr", "add", &format!("{a}/32"), "dev", "lo"]);
        }
    }
    // A host with an IPv4 address outside 127/8 has a route to broadcast (as bindlab assumes).
    if IFACES.iter().any(|a| !a.contains(':') && !a.starts_with("127.")) {
        ip(&["route", "add", "255.255.255.255/32", "dev", "lo"]);
    }
    // One with an IPv6 address outside ::1 has the route every interface but loopback gets (as bindlab assumes).
    if IFACES.iter().any(|a| a.contains(':') && *a != "::1") {
        ip(&["-6", "route", "add", "multicast", "ff00::/8", "dev", "lo", "table", "local"]);
    }
}

fn main() {
    let args: Vec<String> = env::args().collect();
    reexec_in_netns(&args);
    let netns = env::var("BINDLAB_NETNS").as_deref() == Ok("1");
    setup_addresses(netns);
    let predicted = if cfg!(target_os = "linux") {
        PREDICTED_LINUX
    } else if cfg!(target_os = "macos") {
        PREDICTED_MACOS
    } else {
        PREDICTED_FREEBSD
    };
    let width = STEP_TEXTS.iter().map(|t| t.chars().count()).max().unwrap_or(4);
    let mut run = Run {
        socks: BTreeMap::new(),
        user: 0,
        users: Vec::new(),
        next_client: 0,
        clients: Vec::new(),
        yes: args.iter().any(|a| a == "--yes") || !io::stdin().is_terminal(),
        netns,
        userns: env::var("BINDLAB_USERNS").as_deref() == Ok("1"),
        predicted,
        width,
        index: 0,
        stopped: false,
        matched: 0,
        differ: 0,
        skipped: 0,
    };
    println!(
        "{TITLE}\nOn {}, bindlab predicts the column on the right.\n",
        env::consts::OS
    );
    println!(
        "line  {:<width$}  {:<22}  {:<22}  match",
        "step", "real outcome", "bindlab"
    );
    run_scenario(&mut run);
    print!("\n{} matched, {} differ", run.matched, run.differ);
    if run.skipped > 0 {
        print!(", {} skipped", run.skipped);
    }
    println!();
    std::process::exit(if run.differ == 0 { 0 } else { 1 });
}
