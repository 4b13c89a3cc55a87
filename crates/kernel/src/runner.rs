//! Runs a scenario on this machine's kernel, step by step, each step as the
//! real system call, inside a private network namespace.
//!
//! * Root: every run gets its own thread and `unshare(CLONE_NEWNET)`, so runs
//!   never see each other's ports or TIME_WAITs. Sockets of a `user` are
//!   created and bound on a thread that has dropped to that user's uid.
//! * Not root: the process enters a user + network namespace once
//!   (`unshare -rn`); `user` steps cannot be checked there.
//!
//! `client` steps are real connections from the addresses the engine gives
//! its peers (`host::client_source`): 127.0.0.1 / ::1 for a loopback
//! destination, else 203.0.113.x (2001:db8::x), made local by a `local`
//! route. Which listener took each is read by accepting on every
//! listener of the port; those connections wait in a stash that later
//! `accept` steps take from first, so the queue order is kept. Every
//! accept() runs as the listener's owner, as the program that owns a
//! listener accepts its connections: the kernel gives an accepted socket
//! the uid of the process that accepts it (`sock_graft` sets `sk_uid`),
//! and a later SO_REUSEPORT bind compares uids with it.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV6};
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::process::Command;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use bindlab_engine::addr::unmap;
use bindlab_engine::scenario::{EndpointSpec, OpenSockets, PortSpec, Scenario, SockOpt, StepKind};
use bindlab_engine::Os;

use crate::sys;
pub use crate::sys::is_root;

/// Loopback's interface index: groups are joined, and sent to, on it.
const LOOPBACK_IFINDEX: i32 = 1;

/// `dst` as a peer on loopback's link reaches it: a link-local address
/// (fe80::/10) with loopback's zone. A scenario's own sockets name no zone
/// (the format has none), so their bind() and connect() of one fail as
/// a program's without a scope id does; a remote peer is on the link.
fn on_link(dst: SocketAddr) -> SocketAddr {
    match dst {
        SocketAddr::V6(a) if a.ip().is_unicast_link_local() => {
            SocketAddrV6::new(*a.ip(), a.port(), 0, LOOPBACK_IFINDEX as u32).into()
        }
        other => other,
    }
}

/// Peer `k` sends one datagram to `dst` from the engine's address for it
/// (`host::client_source`), out of loopback for a group.
fn send_datagram(k: u32, dst: SocketAddr) -> Result<(), sys::Errno> {
    let src = bindlab_engine::host::client_source(k, dst.ip());
    let src = SocketAddr::new(src.ip, src.port);
    let v6 = src.is_ipv6();
    let fd = sys::udp_socket(v6)?;
    let raw = fd.as_raw_fd();
    if v6 {
        sys::setsockopt_int(raw, libc::IPPROTO_IPV6, libc::IPV6_FREEBIND, 1)?;
        sys::setsockopt_int(
            raw,
            libc::IPPROTO_IPV6,
            libc::IPV6_MULTICAST_IF,
            LOOPBACK_IFINDEX,
        )?;
    } else {
        sys::setsockopt_int(raw, libc::IPPROTO_IP, libc::IP_FREEBIND, 1)?;
    }
    sys::bind(raw, src)?;
    sys::send_to(raw, dst)
}

/// Waits shorter than this are slept for real; longer ones would have to
/// outlast a TIME_WAIT (60 s), which a test cannot afford.
pub const MAX_SLEEP_MS: u64 = 5_000;

/// How long a close() of a connection is given to be acknowledged (10 ms
/// was enough on this machine's loopback; twice that for a loaded one).
const CLOSE_SETTLE_MS: u64 = 20;
const CONNECT_TIMEOUT_MS: i32 = 2_000;

/// What the kernel did at one step.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KernelStep {
    /// `ok` or the errno name; `None` when the step could not be checked.
    pub result: Option<String>,
    /// For `client` and local `connect`: which listener took each connection.
    pub accepted_by: BTreeMap<String, u32>,
    /// For `datagram`: which socket received how many.
    pub received_by: BTreeMap<String, u32>,
    /// Why a step was not checked, or what was done instead.
    pub note: Option<String>,
    /// For a step to `@NAME`: the other sockets on NAME's port before it
    /// ran ([`crate::compare::port_holders`]).
    pub port_holders: Option<BTreeSet<String>>,
}

impl KernelStep {
    fn done(r: Result<(), sys::Errno>) -> KernelStep {
        KernelStep {
            result: Some(r.map_or_else(sys::errno_name, |_| "ok".to_string())),
            ..Default::default()
        }
    }
    fn unchecked(note: impl Into<String>) -> KernelStep {
        KernelStep {
            result: None,
            note: Some(note.into()),
            ..Default::default()
        }
    }
}

/// How the runner isolates itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Isolation {
    /// Root: a fresh network namespace per run.
    NetnsPerRun,
    /// Already inside a private user + network namespace (not root).
    AlreadyIsolated,
}

/// Picks the isolation this process can have: a namespace per run as root,
/// else enters `unshare -rn` once (the process must still be single-threaded).
pub fn isolate() -> Result<Isolation, String> {
    if sys::is_root() {
        Ok(Isolation::NetnsPerRun)
    } else {
        sys::unshare_user_and_net().map_err(|e| format!("cannot make a private network namespace as an ordinary user ({e}); run as root, or allow user namespaces (sysctl kernel.unprivileged_userns_clone=1)"))?;
        Ok(Isolation::AlreadyIsolated)
    }
}

/// Runs `scenario` on the kernel.
pub fn run_on_kernel(scenario: &Scenario, iso: Isolation) -> Result<Vec<KernelStep>, String> {
    // A scenario may hold more sockets than the default soft limit; past
    // the hard one a `socket` step says the runner ran out (unchecked).
    let _ = sys::raise_fd_limit(400_000);
    let sc = scenario.clone();
    match iso {
        Isolation::NetnsPerRun => std::thread::spawn(move || {
            sys::unshare_net()
                .map_err(|e| format!("unshare(CLONE_NEWNET): {}", sys::errno_name(e)))?;
            Runner::new(&sc, true)?.run()
        })
        .join()
        .map_err(|_| "the kernel runner thread panicked".to_string())?,
        Isolation::AlreadyIsolated => Runner::new(&sc, false)?.run(),
    }
}

fn ip(args: &[&str]) -> Result<(), String> {
    let out = Command::new("ip")
        .args(args)
        .output()
        .map_err(|e| format!("cannot run `ip` (install iproute2): {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "ip {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// Brings up loopback with the scenario's addresses and the client ranges.
fn setup_netns(scenario: &Scenario) -> Result<(), String> {
    ip(&["link", "set", "lo", "up"])?;
    // Multicast on loopback: a group's datagrams sent by a peer loop back
    // to the host's members. Set before any address is added: a change of
    // lo's flags after the addresses' routes were waited for once left a
    // connect() to one of them ENETUNREACH, about 1 run in 120 under load
    // (found by an edge-case hunt).
    ip(&["link", "set", "lo", "multicast", "on"])?;
    // 127.0.0.1 and ::1 are lo's already (an `iface ::1` names them again).
    let already = [
        IpAddr::V4(std::net::Ipv4Addr::LOCALHOST),
        IpAddr::V6(std::net::Ipv6Addr::LOCALHOST),
    ];
    for a in scenario.ifaces.iter().filter(|a| !already.contains(a)) {
        match a {
            IpAddr::V4(v4) => ip(&["addr", "add", &format!("{v4}/32"), "dev", "lo"])?,
            IpAddr::V6(v6) => ip(&[
                "-6",
                "addr",
                "add",
                &format!("{v6}/128"),
                "dev",
                "lo",
                "nodad",
            ])?,
        }
    }
    ip(&["route", "add", "local", "203.0.113.0/24", "dev", "lo"])?;
    ip(&["route", "add", "224.0.0.0/4", "dev", "lo"])?;
    ip(&["-6", "route", "add", "local", "2001:db8::/64", "dev", "lo"])?;
    // A host with an IPv4 address has a route to the broadcast address, as
    // the engine assumes (a UDP connect() there is then refused without
    // SO_BROADCAST, `linux.udp.connect.broadcast`); one with none has not.
    // (The engine routes from an IPv4 address outside 127/8 only.)
    if scenario
        .ifaces
        .iter()
        .any(|a| a.is_ipv4() && !a.is_loopback())
    {
        ip(&["route", "add", "255.255.255.255/32", "dev", "lo"])?;
    }
    // Likewise IPv6 groups: the kernel gives every interface but loopback
    // the route `multicast ff00::/8` (`addrconf_add_mroute`), so a host
    // with an IPv6 address outside ::1 can connect() a UDP socket to a
    // group, as the engine assumes; without it the connect() was
    // ENETUNREACH here (found by an edge-case hunt; measured on a veth).
    if scenario
        .ifaces
        .iter()
        .any(|a| a.is_ipv6() && !a.is_loopback())
    {
        ip(&[
            "-6",
            "route",
            "add",
            "multicast",
            "ff00::/8",
            "dev",
            "lo",
            "table",
            "local",
        ])?;
    }
    // An IPv6 address's local route is added by the kernel's DAD work, which
    // is queued even with `nodad` (`addrconf_dad_start` →
    // `addrconf_mod_dad_work`): on a busy machine a connect() to the
    // address answered ENETUNREACH for a while (found by `kernel-diff` as a
    // flaky step). Wait, after every other change to lo, until each one has
    // its route.
    for a in scenario.ifaces.iter().filter(|a| a.is_ipv6()) {
        wait_for_route(*a)?;
    }
    Ok(())
}

/// Waits (up to 2 s) until `addr` has a route: a UDP connect() to it, which
/// looks the route up and sends nothing, succeeds.
fn wait_for_route(addr: IpAddr) -> Result<(), String> {
    let any: SocketAddr = match addr {
        IpAddr::V4(_) => (Ipv4Addr::UNSPECIFIED, 0).into(),
        IpAddr::V6(_) => (Ipv6Addr::UNSPECIFIED, 0).into(),
    };
    let probe = std::net::UdpSocket::bind(any).map_err(|e| format!("probe socket: {e}"))?;
    for _ in 0..2000 {
        if probe.connect(on_link((addr, 9).into())).is_ok() {
            return Ok(());
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    Err(format!("{addr} has no route 2 s after `ip addr add`"))
}

type Job = Box<dyn FnOnce() + Send>;

/// A thread running with one user's credentials.
struct Worker {
    tx: mpsc::Sender<Job>,
}

impl Worker {
    fn spawn(uid: u32) -> Result<Worker, String> {
        let (tx, rx) = mpsc::channel::<Job>();
        let (ready_tx, ready_rx) = mpsc::channel();
        std::thread::spawn(move || {
            let r = if uid == 0 {
                Ok(())
            } else {
                sys::become_user_this_thread(uid)
            };
            let ok = r.is_ok();
            let _ = ready_tx.send(r);
            if ok {
                for job in rx {
                    job();
                }
            }
        });
        match ready_rx.recv() {
            Ok(Ok(())) => Ok(Worker { tx }),
            Ok(Err(e)) => Err(format!(
                "cannot switch a thread to uid {uid}: {}",
                sys::errno_name(e)
            )),
            Err(_) => Err("worker thread died".to_string()),
        }
    }

    /// Runs `f` on the worker's thread and returns its result.
    fn on<R: Send + 'static>(&self, f: impl FnOnce() -> R + Send + 'static) -> Result<R, String> {
        let (tx, rx) = mpsc::channel();
        self.tx
            .send(Box::new(move || {
                let _ = tx.send(f());
            }))
            .map_err(|_| "worker thread gone".to_string())?;
        rx.recv().map_err(|_| "worker thread gone".to_string())
    }
}

/// Why a `client` peer did not connect: a socket of the scenario holds its
/// source address (not checkable), its own set-up failed otherwise (the
/// runner's error), or the connect() the scenario is about failed.
enum ClientError {
    SourceTaken(sys::Errno),
    Runner(String),
    Connect(sys::Errno),
}

struct Sock {
    fd: OwnedFd,
    user: String,
    listening: bool,
    udp: bool,
}

struct Runner<'a> {
    scenario: &'a Scenario,
    socks: HashMap<String, Sock>,
    stash: HashMap<String, VecDeque<OwnedFd>>,
    clients: Vec<OwnedFd>,
    next_client: u32,
    users: BTreeMap<String, u32>,
    workers: HashMap<String, Worker>,
    user: String,
    can_switch_users: bool,
    /// Set once a step leaves the kernel in a state the engine's cannot be
    /// compared with (a long wait); every later step is unchecked.
    stopped: Option<String>,
    /// How many datagrams the engine says each `datagram` step delivers
    /// (how long to wait for them: loopback delivery is quick, not instant).
    expected: Vec<u32>,
}

impl<'a> Runner<'a> {
    fn new(scenario: &'a Scenario, can_switch_users: bool) -> Result<Runner<'a>, String> {
        setup_netns(scenario)?;
        let mut workers = HashMap::new();
        workers.insert("root".to_string(), Worker::spawn(0)?);
        let expected = bindlab_engine::run(scenario, Os::Linux)
            .steps
            .iter()
            .map(|r| r.received_by.as_ref().map_or(0, |m| m.values().sum()))
            .collect();
        Ok(Runner {
            expected,
            scenario,
            socks: HashMap::new(),
            stash: HashMap::new(),
            clients: Vec::new(),
            next_client: 0,
            users: BTreeMap::from([("root".to_string(), 0)]),
            workers,
            user: "root".to_string(),
            can_switch_users,
            stopped: None,
        })
    }

    fn run(mut self) -> Result<Vec<KernelStep>, String> {
        let mut out: Vec<KernelStep> = Vec::with_capacity(self.scenario.steps.len());
        // The last `datagram` step: a datagram that reaches a socket after
        // that step's last look (a busy machine can defer loopback delivery)
        // is counted for it, not for a later step.
        let mut last_datagram: Option<usize> = None;
        // The names open before each step, followed step by step (asking
        // the scenario afresh at every step made a long run quadratic).
        let mut open = OpenSockets::default();
        for (i, step) in self.scenario.steps.iter().enumerate() {
            if let Some(j) = last_datagram {
                self.late_datagrams(&mut out[j]);
            }
            if step.kind.op() == "datagram" {
                last_datagram = Some(i);
            }
            let holders = crate::compare::names_picked_port(&step.kind)
                .then(|| {
                    crate::compare::port_holders(&step.kind, &open.list(), |n| {
                        self.fd(n).and_then(sys::local_addr).map(|a| a.port())
                    })
                })
                .flatten();
            open.follow(step);
            let mut r = match &self.stopped {
                Some(why) => KernelStep::unchecked(why.clone()),
                None => self.step(i, &step.kind)?,
            };
            r.port_holders = holders;
            out.push(r);
        }
        if let Some(j) = last_datagram {
            self.late_datagrams(&mut out[j]);
        }
        Ok(out)
    }

    /// Datagrams waiting on any UDP socket now, taken and added to `step`'s
    /// (the last `datagram` step: no other step sends one; an unchecked
    /// step's are only taken).
    fn late_datagrams(&self, step: &mut KernelStep) {
        for (name, s) in self.socks.iter().filter(|(_, s)| s.udp) {
            let n = sys::drain_datagrams(s.fd.as_raw_fd());
            if n > 0 && step.result.is_some() {
                *step.received_by.entry(name.clone()).or_default() += n;
            }
        }
    }

    fn worker_of(&self, user: &str) -> Result<&Worker, String> {
        self.workers
            .get(user)
            .ok_or_else(|| format!("no worker for user {user}"))
    }

    /// One accept() on `fd`, made by `user` (the listener's owner): the
    /// accepted socket takes the accepting thread's uid.
    fn accept_as(&self, user: &str, fd: RawFd) -> Result<Result<OwnedFd, sys::Errno>, String> {
        self.worker_of(user)?
            .on(move || sys::accept(fd).map(|(c, _)| c))
    }

    fn fd(&self, name: &str) -> Option<RawFd> {
        self.socks.get(name).map(|s| s.fd.as_raw_fd())
    }

    fn resolve(&self, ep: &EndpointSpec) -> SocketAddr {
        let port = match &ep.port {
            PortSpec::Num(n) => *n,
            PortSpec::Of(name) => self
                .fd(name)
                .and_then(sys::local_addr)
                .map_or(0, |a| a.port()),
        };
        SocketAddr::new(ep.addr, port)
    }

    /// Runs `f(fd)` on the thread of the socket's owner.
    fn as_owner<R: Send + 'static>(
        &self,
        name: &str,
        f: impl FnOnce(RawFd) -> R + Send + 'static,
    ) -> Result<Option<R>, String> {
        let Some(s) = self.socks.get(name) else {
            return Ok(None);
        };
        let fd = s.fd.as_raw_fd();
        self.worker_of(&s.user)?.on(move || f(fd)).map(Some)
    }

    fn step(&mut self, index: usize, kind: &StepKind) -> Result<KernelStep, String> {
        let ebadf = || KernelStep::done(Err(libc::EBADF));
        Ok(match kind {
            StepKind::User { name } => {
                if name != "root" && !self.can_switch_users {
                    self.stopped =
                        Some("other users need real root (this run is in a user namespace)".into());
                    return Ok(KernelStep::unchecked("other users need real root"));
                }
                if !self.users.contains_key(name) {
                    let uid = 1000 + self.users.len() as u32;
                    self.users.insert(name.clone(), uid);
                    self.workers.insert(name.clone(), Worker::spawn(uid)?);
                }
                self.user = name.clone();
                KernelStep::done(Ok(()))
            }
            StepKind::Wait { ms } => {
                let host = bindlab_engine::host_after(self.scenario, Os::Linux, index);
                let time_waits = host.sockets().any(|s| s.is_closed_end());
                if *ms <= MAX_SLEEP_MS {
                    std::thread::sleep(Duration::from_millis(*ms));
                    KernelStep::done(Ok(()))
                } else if !time_waits {
                    KernelStep {
                        result: Some("ok".into()),
                        note: Some("not slept: nothing on the host depends on the clock".into()),
                        ..Default::default()
                    }
                } else {
                    let why = format!("a wait of {} s outlasts what a test can sleep; the kernel's TIME_WAITs cannot be fast-forwarded", ms / 1000);
                    self.stopped = Some(why.clone());
                    KernelStep::unchecked(why)
                }
            }
            StepKind::Socket { name, proto } => {
                let (v6, udp) = (proto.is_v6(), proto.is_udp());
                match self.worker_of(&self.user)?.on(move || {
                    if udp {
                        sys::udp_socket(v6)
                    } else {
                        sys::tcp_socket(v6)
                    }
                })? {
                    Ok(fd) => {
                        self.socks.insert(
                            name.clone(),
                            Sock {
                                fd,
                                user: self.user.clone(),
                                listening: false,
                                udp,
                            },
                        );
                        KernelStep::done(Ok(()))
                    }
                    // The runner's own limit, not the scenario's answer:
                    // every later step would name a socket that is not
                    // there.
                    Err(e) if e == libc::EMFILE || e == libc::ENFILE => {
                        let why = format!(
                            "the runner ran out of file descriptors ({}, this process may hold {}); not checkable from here",
                            sys::errno_name(e),
                            sys::fd_limit().map_or_else(|| "?".into(), |n| n.to_string()),
                        );
                        self.stopped = Some(why.clone());
                        KernelStep::unchecked(why)
                    }
                    Err(e) => KernelStep::done(Err(e)),
                }
            }
            StepKind::Set { name, opt, on } => {
                let (level, optname) = match opt {
                    SockOpt::SoReuseAddr => (libc::SOL_SOCKET, libc::SO_REUSEADDR),
                    SockOpt::SoReusePort => (libc::SOL_SOCKET, libc::SO_REUSEPORT),
                    SockOpt::Ipv6V6Only => (libc::IPPROTO_IPV6, libc::IPV6_V6ONLY),
                    SockOpt::IpMulticastAll => (libc::IPPROTO_IP, libc::IP_MULTICAST_ALL),
                    other => {
                        return Ok(KernelStep::unchecked(format!(
                            "{} does not exist on Linux",
                            other.name()
                        )))
                    }
                };
                let Some(fd) = self.fd(name) else {
                    return Ok(ebadf());
                };
                KernelStep::done(sys::setsockopt_int(fd, level, optname, i32::from(*on)))
            }
            StepKind::Bind { name, ep } => {
                let addr = self.resolve(ep);
                match self.as_owner(name, move |fd| sys::bind(fd, addr))? {
                    Some(r) => KernelStep::done(r),
                    None => ebadf(),
                }
            }
            StepKind::Listen { name } => match self.as_owner(name, sys::listen)? {
                Some(r) => {
                    if r.is_ok() {
                        if let Some(s) = self.socks.get_mut(name) {
                            s.listening = true;
                        }
                    }
                    KernelStep::done(r)
                }
                None => ebadf(),
            },
            StepKind::Connect { name, ep } if self.socks.get(name).is_some_and(|s| s.udp) => {
                let dst = self.resolve(ep);
                // The broadcast address is routed as on a real host (above).
                let broadcast = bindlab_engine::addr::is_broadcast(dst.ip());
                if !self.is_local(dst.ip()) && !unmap(dst.ip()).is_multicast() && !broadcast {
                    // The namespace routes the peers' ranges to itself, so
                    // the source address would differ from a real host's.
                    let why = "a UDP peer on another host: the namespace's routes differ from a real host's; from here on the states differ";
                    self.stopped = Some(why.to_string());
                    return Ok(KernelStep::unchecked(why));
                }
                match self.as_owner(name, move |fd| sys::connect(fd, dst, CONNECT_TIMEOUT_MS))? {
                    Some(r) => KernelStep::done(r),
                    None => ebadf(),
                }
            }
            StepKind::Connect { name, ep } => {
                let dst = self.resolve(ep);
                // A group or broadcast is refused at once, nothing sent.
                let refused_here = match unmap(dst.ip()) {
                    IpAddr::V4(a) => a.is_multicast() || a.is_broadcast(),
                    IpAddr::V6(a) => a.is_multicast(),
                };
                if !self.is_local(dst.ip()) && !refused_here {
                    let why = "a connection to another host cannot be made from the namespace; from here on the states differ";
                    self.stopped = Some(why.to_string());
                    return Ok(KernelStep::unchecked(why));
                }
                match self.as_owner(name, move |fd| sys::connect(fd, dst, CONNECT_TIMEOUT_MS))? {
                    Some(r) => {
                        if r == Err(libc::ETIMEDOUT) {
                            // A blocking connect() would still be retrying its
                            // SYN for about two minutes; the socket's state
                            // is no longer what a real program would see.
                            self.stopped = Some("after a connect() timeout the kernel keeps retrying for minutes; from here on the states differ".into());
                        }
                        let ok = r.is_ok();
                        let mut st = KernelStep::done(r);
                        if ok {
                            st.accepted_by = self.drain(dst.port(), 1)?;
                        }
                        st
                    }
                    None => ebadf(),
                }
            }
            StepKind::Accept { name, new } => {
                let Some(lst) = self.socks.get(name) else {
                    return Ok(ebadf());
                };
                let (owner, acceptor) = (lst.user.clone(), self.user.clone());
                let fd = lst.fd.as_raw_fd();
                let taken = match self.stash.get_mut(name).and_then(VecDeque::pop_front) {
                    Some(c) => Ok(c),
                    None => self.accept_as(&owner, fd)?,
                };
                match taken {
                    Ok(c) => {
                        // Linux gives an accepted socket the accepting
                        // process's uid (`sock_graft`). The runner accepted
                        // it as the listener's owner (at its `client` step,
                        // to see which listener got it); when the step's
                        // user is another, fchown() sets `sk_uid` as an
                        // accept by that user would (`sockfs_setattr`;
                        // measured alike: binds beside the connection
                        // answer the same either way).
                        if acceptor != owner {
                            let uid = self.users.get(&acceptor).copied().unwrap_or(0);
                            if let Err(e) = sys::chown(c.as_raw_fd(), uid) {
                                return Err(format!(
                                    "cannot give the accepted socket to {acceptor}: {}",
                                    sys::errno_name(e)
                                ));
                            }
                        }
                        self.socks.insert(
                            new.clone(),
                            Sock {
                                fd: c,
                                user: acceptor,
                                listening: false,
                                udp: false,
                            },
                        );
                        KernelStep::done(Ok(()))
                    }
                    Err(e) => KernelStep::done(Err(e)),
                }
            }
            StepKind::Close { name } => {
                let Some(s) = self.socks.remove(name) else {
                    return Ok(ebadf());
                };
                if s.listening {
                    for c in self.stash.remove(name).unwrap_or_default() {
                        sys::close_with_reset(c);
                    }
                }
                // A TCP connection's close: wait until its FIN is
                // acknowledged, as the engine's steps (which take no time)
                // assume. Right after close() the end is still a full socket
                // in FIN_WAIT_1, which a connect() over its 4-tuple cannot
                // take over; a few milliseconds later it can.
                let settle = !s.udp && sys::peer_addr(s.fd.as_raw_fd()).is_some();
                drop(s.fd);
                if settle {
                    std::thread::sleep(Duration::from_millis(CLOSE_SETTLE_MS));
                }
                KernelStep::done(Ok(()))
            }
            StepKind::Join { name, group } => {
                let group = *group;
                match self.as_owner(name, move |fd| sys::join_group(fd, group, LOOPBACK_IFINDEX))? {
                    Some(r) => KernelStep::done(r),
                    None => ebadf(),
                }
            }
            StepKind::Datagram { ep, count } => {
                let dst = self.resolve(ep);
                let dst = on_link(SocketAddr::new(unmap(dst.ip()), dst.port()));
                self.datagrams(index, dst, *count)
            }
            StepKind::Client { ep, count } => {
                let dst = self.resolve(ep);
                let dst = on_link(SocketAddr::new(unmap(dst.ip()), dst.port()));
                let mut first_err = None;
                let mut connected = 0;
                for _ in 0..*count {
                    let k = self.next_client;
                    self.next_client += 1;
                    match self.client(k, dst) {
                        Ok(fd) => {
                            self.clients.push(fd);
                            connected += 1;
                        }
                        Err(ClientError::Runner(e)) => return Err(e),
                        Err(ClientError::SourceTaken(e)) => {
                            // The runner's peer, not the scenario: a socket
                            // of the scenario holds the address this peer
                            // comes from (a port the kernel picked at
                            // random, or one a bind named); a real client
                            // would come from another port.
                            let src = bindlab_engine::host::client_source(k, dst.ip());
                            let why = format!(
                                "the runner's client could not take its source address {src} ({}), which a socket of the scenario holds; not checkable, and the states differ from here",
                                sys::errno_name(e)
                            );
                            self.stopped = Some(why.clone());
                            return Ok(KernelStep::unchecked(why));
                        }
                        Err(ClientError::Connect(e)) => {
                            first_err.get_or_insert(e);
                        }
                    }
                }
                let mut st = KernelStep::done(first_err.map_or(Ok(()), Err));
                if connected > 0 {
                    st.accepted_by = self.drain(dst.port(), connected)?;
                }
                st
            }
        })
    }

    /// `count` peers each send one datagram to `dst`; which scenario
    /// sockets received them is read from every UDP socket.
    fn datagrams(&mut self, index: usize, dst: SocketAddr, count: u32) -> KernelStep {
        if dst.is_ipv6() && dst.ip().is_multicast() {
            // Datagrams are counted, never kept: skipping one changes no state.
            self.next_client += count;
            return KernelStep::unchecked(
                "IPv6 multicast does not loop back on this namespace's loopback; not checkable here",
            );
        }
        // Peers are numbered as the engine numbers them, sent or not.
        let first = self.next_client;
        self.next_client += count;
        for k in first..first + count {
            if let Err(e) = send_datagram(k, dst) {
                return KernelStep::unchecked(format!(
                    "the peer could not send to {dst} ({})",
                    sys::errno_name(e)
                ));
            }
        }
        let expected = self.expected.get(index).copied().unwrap_or(0);
        let udp: Vec<(String, RawFd)> = self
            .socks
            .iter()
            .filter(|(_, s)| s.udp)
            .map(|(n, s)| (n.clone(), s.fd.as_raw_fd()))
            .collect();
        let mut received: BTreeMap<String, u32> = BTreeMap::new();
        let deadline = Instant::now() + Duration::from_millis(300);
        let mut total = 0;
        loop {
            for (name, fd) in &udp {
                let n = sys::drain_datagrams(*fd);
                if n > 0 {
                    *received.entry(name.clone()).or_default() += n;
                    total += n;
                }
            }
            if total >= expected || Instant::now() >= deadline {
                break;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        // One more look, so a copy the engine did not expect is seen too.
        std::thread::sleep(Duration::from_millis(5));
        for (name, fd) in &udp {
            let n = sys::drain_datagrams(*fd);
            if n > 0 {
                *received.entry(name.clone()).or_default() += n;
            }
        }
        KernelStep {
            result: Some("ok".into()),
            received_by: received,
            ..Default::default()
        }
    }

    fn is_local(&self, ip: IpAddr) -> bool {
        let ip = unmap(ip);
        ip.is_loopback() || self.scenario.ifaces.contains(&ip)
    }

    /// One client peer: bound to the engine's address for client `k`.
    fn client(&self, k: u32, dst: SocketAddr) -> Result<OwnedFd, ClientError> {
        let src = bindlab_engine::host::client_source(k, dst.ip());
        let src = SocketAddr::new(src.ip, src.port);
        let v6 = src.is_ipv6();
        let setup = |what: &str, e: sys::Errno| {
            ClientError::Runner(format!(
                "the runner's client {src} failed at {what}: {}",
                sys::errno_name(e)
            ))
        };
        let fd = sys::tcp_socket(v6).map_err(|e| setup("socket()", e))?;
        let raw = fd.as_raw_fd();
        if v6 {
            sys::setsockopt_int(raw, libc::IPPROTO_IPV6, libc::IPV6_FREEBIND, 1)
        } else {
            sys::setsockopt_int(raw, libc::IPPROTO_IP, libc::IP_FREEBIND, 1)
        }
        .map_err(|e| setup("setsockopt(FREEBIND)", e))?;
        sys::bind(raw, src).map_err(|e| {
            if e == libc::EADDRINUSE {
                ClientError::SourceTaken(e)
            } else {
                setup("bind()", e)
            }
        })?;
        // A connection to an IPv6 address the runner gave lo is never
        // ENETUNREACH on its own: the address is local. Yet under load the
        // first client to one met ENETUNREACH about once in 20-60 runs
        // (an edge-case hunt, 2026-12-06), though `wait_for_route` had seen
        // the route: the runner's race with the kernel's address work, not
        // an answer. Such a client tries again for up to 200 ms.
        let mut tries = 0;
        loop {
            match sys::connect(raw, dst, CONNECT_TIMEOUT_MS) {
                Err(libc::ENETUNREACH)
                    if tries < 100 && dst.is_ipv6() && self.scenario.ifaces.contains(&dst.ip()) =>
                {
                    tries += 1;
                    std::thread::sleep(Duration::from_millis(2));
                }
                r => {
                    r.map_err(ClientError::Connect)?;
                    return Ok(fd);
                }
            }
        }
    }

    /// Accepts on every listener of `port` until `expect` new connections
    /// are found (or a second passes), stashing them for later `accept`s.
    fn drain(&mut self, port: u16, expect: usize) -> Result<BTreeMap<String, u32>, String> {
        let listeners: Vec<(String, String, RawFd)> = self
            .socks
            .iter()
            .filter(|(_, s)| {
                s.listening && sys::local_addr(s.fd.as_raw_fd()).is_some_and(|a| a.port() == port)
            })
            .map(|(n, s)| (n.clone(), s.user.clone(), s.fd.as_raw_fd()))
            .collect();
        let mut counts = BTreeMap::new();
        let mut got = 0;
        let deadline = Instant::now() + Duration::from_secs(1);
        while got < expect && Instant::now() < deadline && !listeners.is_empty() {
            for (name, user, fd) in &listeners {
                while let Ok(c) = self.accept_as(user, *fd)? {
                    self.stash.entry(name.clone()).or_default().push_back(c);
                    *counts.entry(name.clone()).or_insert(0) += 1;
                    got += 1;
                }
            }
            if got < expect {
                for (_, _, fd) in &listeners {
                    sys::wait_readable(*fd, 5);
                }
            }
        }
        Ok(counts)
    }
}
