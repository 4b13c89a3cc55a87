# ---------------------------------------------------------------------------
# How this program works (the same on every scenario bindlab exports)
# ---------------------------------------------------------------------------
# Each step of the scenario above is the real call, as in the articles'
# examples: socket.socket(...), s.setsockopt(...), s.bind((host, port)),
# s.listen(), s.connect(...), s.accept(), s.close(). The outcome is recorded as
# the error's name (EADDRINUSE, WSAEACCES, ...) and printed beside bindlab's
# prediction for this OS. Exit status 0 only when every checked step matches.
#
# Options: --yes (do not ask before long waits or before re-running inside a
# network namespace), --no-netns (Linux: run in the current namespace).

import errno
import ipaddress
import gc
import os
import platform
import shutil
import socket
import struct
import subprocess
import sys
import time

ARGS = set(sys.argv[1:])
YES = "--yes" in ARGS or not sys.stdin.isatty()

OS = {"linux": "linux", "darwin": "macos", "win32": "windows"}.get(sys.platform, "freebsd" if sys.platform.startswith("freebsd") else None)
if OS is None:
    sys.exit(f"bindlab: this program knows Linux, macOS, FreeBSD and Windows, not {sys.platform}")

# --- where the scenario's addresses live on this machine ---------------------
ADDRESS_MAP = {}


def setup_addresses():
    """Make the scenario's `iface` addresses local, or map them to loopback aliases."""
    if OS == "linux":
        if os.environ.get("BINDLAB_NETNS") == "1":
            for cmd in (["ip", "link", "set", "lo", "up"],
                        ["ip", "link", "set", "lo", "multicast", "on"],
                        ["ip", "route", "add", "224.0.0.0/4", "dev", "lo"],
                        ["ip", "route", "add", "local", "203.0.113.0/24", "dev", "lo"],
                        ["ip", "-6", "route", "add", "local", "2001:db8::/64", "dev", "lo"]):
                subprocess.run(cmd, check=False, capture_output=True)
            for a in IFACES:
                if ":" in a:
                    subprocess.run(["ip", "-6", "addr", "add", a + "/128", "dev", "lo", "nodad"], check=False, capture_output=True)
                    # Its route comes from queued DAD work, even with nodad.
                    for _ in range(300):
                        if subprocess.run(["ip", "-6", "route", "get", a], capture_output=True).returncode == 0:
                            break
                        time.sleep(0.01)
                else:
                    subprocess.run(["ip", "addr", "add", a + "/32", "dev", "lo"], check=False, capture_output=True)
            # A host with an IPv4 address outside 127/8 has a route to broadcast (as bindlab assumes).
            if any(":" not in a and not a.startswith("127.") for a in IFACES):
                subprocess.run(["ip", "route", "add", "255.255.255.255/32", "dev", "lo"], check=False, capture_output=True)
            # One with an IPv6 address outside ::1 has the route every interface but loopback gets (as bindlab assumes).
            if any(":" in a and a != "::1" for a in IFACES):
                subprocess.run(["ip", "-6", "route", "add", "multicast", "ff00::/8", "dev", "lo", "table", "local"], check=False, capture_output=True)
        return
    # Elsewhere the scenario's interface addresses become loopback aliases.
    missing = []
    for i, a in enumerate(a for a in IFACES if ":" not in a):
        alias = f"127.0.0.{i + 2}"
        ADDRESS_MAP[a] = alias
        try:
            probe = socket.socket()
            probe.bind((alias, 0))
            probe.close()
        except OSError:
            missing.append(alias)
    if missing:
        how = {"macos": "sudo ifconfig lo0 alias {} up", "freebsd": "sudo ifconfig lo0 alias {}/32"}.get(OS, "{}")
        print("bindlab: this scenario uses more than one local address. Add these loopback aliases first:")
        for m in missing:
            print("  " + how.format(m))
        sys.exit(2)


def reexec_in_netns():
    """Linux: run again inside a private network namespace (nothing on this
    machine's real network is touched), where the scenario's addresses exist."""
    if OS != "linux" or os.environ.get("BINDLAB_NETNS") == "1" or "--no-netns" in ARGS:
        return
    unshare = shutil.which("unshare")
    if unshare is None:
        print("bindlab: `unshare` (util-linux) is missing; running in the current namespace (--no-netns)")
        return
    flags = "-n" if os.geteuid() == 0 else "-rn"
    if not YES:
        answer = input(f"Run inside a private network namespace (unshare {flags}) with the scenario's addresses on loopback? [Y/n] ")
        if answer.strip().lower().startswith("n"):
            return
    env = dict(os.environ, BINDLAB_NETNS="1", BINDLAB_USERNS="1" if flags == "-rn" else "0")
    sys.exit(subprocess.call([unshare, flags, sys.executable] + sys.argv, env=env))


def addr(host, port):
    return (ADDRESS_MAP.get(host, host), port)


# --- error names ------------------------------------------------------------
def name_of(err):
    if isinstance(err, socket.timeout):
        return "ETIMEDOUT"
    n = getattr(err, "winerror", None) or err.errno
    if OS == "windows":
        return {10048: "WSAEADDRINUSE", 10013: "WSAEACCES", 10049: "WSAEADDRNOTAVAIL", 10022: "WSAEINVAL",
                10061: "WSAECONNREFUSED", 10035: "WSAEWOULDBLOCK", 10056: "WSAEISCONN", 10042: "WSAENOPROTOOPT",
                10047: "WSAEAFNOSUPPORT", 10051: "WSAENETUNREACH", 10045: "WSAEOPNOTSUPP", 10060: "WSAETIMEDOUT",
                10038: "WSAENOTSOCK", 10055: "WSAENOBUFS", 10065: "WSAEHOSTUNREACH", 10054: "WSAECONNRESET"}.get(n, f"error {n}")
    if n in (errno.EAGAIN, errno.EWOULDBLOCK):
        return "EAGAIN"
    if n == getattr(errno, "EOPNOTSUPP", None):
        return "EOPNOTSUPP"
    return errno.errorcode.get(n, f"errno {n}")


# --- sockets, users and the accept stash -------------------------------------
S = {}          # name -> socket
OWNER = {}      # name -> user
LISTENING = set()
UDP = set()     # names of the UDP sockets
STASH = {}      # listener name -> connections already accepted (kept in order)
CLIENTS = []    # the remote peers' sockets, kept open
USER = ["root"]
WORKERS = {}    # user -> (pid, control socket), Linux as real root only
NEXT_CLIENT = [0]
UIDS = {"root": 0}

OPTIONS = {
    "SO_REUSEADDR": (socket.SOL_SOCKET, getattr(socket, "SO_REUSEADDR", None)),
    "SO_REUSEPORT": (socket.SOL_SOCKET, getattr(socket, "SO_REUSEPORT", 15 if OS == "linux" else None)),
    "SO_REUSEPORT_LB": (socket.SOL_SOCKET, 0x10000 if OS == "freebsd" else None),
    "SO_EXCLUSIVEADDRUSE": (socket.SOL_SOCKET, getattr(socket, "SO_EXCLUSIVEADDRUSE", None)),
    "IPV6_V6ONLY": (socket.IPPROTO_IPV6, getattr(socket, "IPV6_V6ONLY", None)),
    "IP_MULTICAST_ALL": (socket.IPPROTO_IP, 49 if OS == "linux" else None),
}


class Skip(Exception):
    """A step this machine cannot run; it is reported, not counted."""


def can_switch_users():
    return OS == "linux" and os.geteuid() == 0 and os.environ.get("BINDLAB_USERNS") != "1" and hasattr(socket, "send_fds")


def worker(user):
    """A child process running as `user`: it creates and binds that user's
    sockets (the kernel checks the caller's uid and privileges) and hands the
    descriptors back."""
    if user in WORKERS:
        return WORKERS[user]
    parent, child = socket.socketpair()
    pid = os.fork()
    if pid == 0:
        # Close every descriptor inherited from the parent but our end of
        # the pair: a copy of a scenario socket here would keep it open
        # (bound, listening) after the scenario closes it. Those open are
        # listed (closing up to the fd limit can take minutes where the
        # limit is huge). The child never touches S or CLIENTS and leaves
        # by os._exit; no collection runs to finalize their objects.
        gc.disable()
        keep = child.fileno()
        for fd in [int(n) for n in os.listdir("/proc/self/fd")]:
            if fd > 2 and fd != keep:
                try:
                    os.close(fd)
                except OSError:
                    pass  # the listing's own descriptor, closed already
        uid = UIDS[user]
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
        while True:
            msg, fds, _, _ = socket.recv_fds(child, 4096, 1)
            if not msg:
                os._exit(0)
            op, *rest = msg.decode().split(" ")
            try:
                if op == "socket":
                    s = socket.socket(int(rest[0]), int(rest[1]))
                    socket.send_fds(child, [b"ok"], [s.fileno()])
                    s.close()
                    continue
                if op == "accept":
                    # The new socket takes this process's uid, as it would
                    # in the listener's own program.
                    with socket.socket(fileno=fds[0]) as s:
                        c, _ = s.accept()
                    socket.send_fds(child, [b"ok"], [c.fileno()])
                    c.close()
                    continue
                if op == "bind":
                    # The descriptor received is this process's own copy:
                    # closing it afterwards leaves the socket open for the
                    # parent (keeping it would keep the socket alive).
                    with socket.socket(fileno=fds[0]) as s:
                        s.bind((rest[0], int(rest[1])))
                child.send(b"ok")
            except OSError as e:
                child.send(("err " + str(e.errno)).encode())
    child.close()
    WORKERS[user] = (pid, parent)
    return WORKERS[user]


def do_user(name):
    if name not in UIDS:
        UIDS[name] = 1000 + len(UIDS)
    if name != "root" and not can_switch_users():
        raise Skip("other users need real root on Linux")
    USER[0] = name


def do_socket(name, family, kind=socket.SOCK_STREAM):
    OWNER[name] = USER[0]
    if kind == socket.SOCK_DGRAM:
        UDP.add(name)
    else:
        UDP.discard(name)
    if USER[0] == "root":
        S[name] = socket.socket(family, kind)
        return
    _, ctl = worker(USER[0])
    ctl.send(f"socket {int(family)} {int(kind)}".encode())
    _, fds, _, _ = socket.recv_fds(ctl, 16, 1)
    S[name] = socket.socket(fileno=fds[0])


def do_set(name, option, value):
    level, opt = OPTIONS[option]
    if opt is None:
        raise OSError(errno.ENOPROTOOPT if OS != "windows" else 10042, f"{option} does not exist on this OS")
    S[name].setsockopt(level, opt, value)


def do_bind(name, host, port):
    host, port = addr(host, port)
    if OWNER.get(name, "root") == "root":
        S[name].bind((host, port))
        return
    _, ctl = worker(OWNER[name])
    socket.send_fds(ctl, [f"bind {host} {port}".encode()], [S[name].fileno()])
    reply = ctl.recv(64).decode()
    if reply != "ok":
        raise OSError(int(reply.split()[1]), "bind")


def do_listen(name):
    S[name].listen(128)
    LISTENING.add(name)


def port_of(name):
    try:
        return S[name].getsockname()[1]
    except (KeyError, OSError):
        return 0


def connect(s, address):
    """A blocking connect(), bounded to 3 s. The second connect() finishes the
    call the way a blocking one does (leaving the socket connected, or back to
    unconnected after a failure)."""
    s.settimeout(3)
    err = s.connect_ex(address)
    if err in (errno.EINPROGRESS, errno.EALREADY, errno.EAGAIN, errno.EWOULDBLOCK):
        raise socket.timeout()
    s.connect_ex(address)
    s.settimeout(None)
    if err:
        raise OSError(err, os.strerror(err) if OS != "windows" else "connect")


def drain(port, expect):
    """Accept on every listener of `port` to see which took the new
    connections; they wait in a stash for later `accept` steps."""
    taken = {}
    deadline = time.time() + 1.0
    got = 0
    while got < expect and time.time() < deadline:
        for name in list(LISTENING):
            s = S.get(name)
            if s is None or port_of(name) != port:
                continue
            s.setblocking(False)
            while True:
                try:
                    c = accept_as_owner(name)
                except OSError:
                    break
                c.setblocking(True)
                STASH.setdefault(name, []).append(c)
                taken[name] = taken.get(name, 0) + 1
                got += 1
            s.setblocking(True)
        if got < expect:
            time.sleep(0.01)
    return taken


def accept_as_owner(name):
    """accept() on listener `name` by its owner, as its program would: the
    kernel gives the new socket the uid of the process that accepts it."""
    s = S[name]
    owner = OWNER.get(name, "root")
    if owner == "root":
        return s.accept()[0]
    _, ctl = worker(owner)
    socket.send_fds(ctl, [b"accept"], [s.fileno()])
    msg, fds, _, _ = socket.recv_fds(ctl, 64, 1)
    reply = msg.decode()
    if reply != "ok":
        raise OSError(int(reply.split()[1]), "accept")
    return socket.socket(fileno=fds[0])


def do_connect(name, host, port):
    host, port = addr(host, port)
    connect(S[name], (host, port))
    return drain(port, 1)


def do_accept(name, new):
    if STASH.get(name):
        S[new] = STASH[name].pop(0)
    else:
        s = S[name]
        s.setblocking(False)
        try:
            c = accept_as_owner(name)
        finally:
            s.setblocking(True)
        c.setblocking(True)
        S[new] = c
    OWNER[new] = OWNER.get(name, "root")
    # Linux gives an accepted socket the uid of the process that accepts
    # it (sock_graft). Accepted above as the listener's owner, it becomes
    # the step's user's as an accept by that user would make it: fchown()
    # sets that uid too. The BSDs keep the listener's owner.
    if sys.platform.startswith("linux") and USER[0] != OWNER[new]:
        os.fchown(S[new].fileno(), UIDS[USER[0]], -1)
        OWNER[new] = USER[0]


def do_close(name):
    s = S.pop(name)
    if name in LISTENING:
        LISTENING.discard(name)
        for c in STASH.pop(name, []):
            # What the kernel does to connections still queued: a reset.
            c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("hh" if OS == "windows" else "ii", 1, 0))
            c.close()
    # A TCP connection's close is given 20 ms for its FIN to be acknowledged:
    # bindlab's steps take no time and see the end as a TIME_WAIT (or
    # FIN_WAIT_2), where right after close() it is still a full socket.
    try:
        settle = s.type == socket.SOCK_STREAM and bool(s.getpeername())
    except OSError:
        settle = False
    s.close()
    if settle:
        time.sleep(0.02)


def do_client(host, port, count):
    """`count` peers connect to host:port. On Linux (in the namespace) they come
    from 203.0.113.x, as bindlab's predictions name them; elsewhere from loopback."""
    host, port = addr(host, port)
    first_error = None
    ok = 0
    for _ in range(count):
        k = NEXT_CLIENT[0]
        NEXT_CLIENT[0] += 1
        fam = socket.AF_INET6 if ":" in host else socket.AF_INET
        c = socket.socket(fam, socket.SOCK_STREAM)
        try:
            if OS == "linux" and os.environ.get("BINDLAB_NETNS") == "1":
                c.setsockopt(socket.SOL_IP if fam == socket.AF_INET else socket.IPPROTO_IPV6, 15 if fam == socket.AF_INET else 78, 1)
                src = f"203.0.113.{k % 250 + 1}" if fam == socket.AF_INET else f"2001:db8::{k % 250 + 1:x}"
                c.bind((src, 40000 + k // 250))
            connect(c, peer_target(host, port))
            CLIENTS.append(c)
            ok += 1
        except OSError as e:
            first_error = first_error or e
            c.close()
    taken = drain(port, ok) if ok else {}
    if first_error is not None:
        raise first_error
    return taken


def loopback_index():
    """The loopback interface's index: groups are joined on it, and a peer
    reaches a link-local address through it."""
    return socket.if_nametoindex("lo" if OS == "linux" else "lo0") if OS != "windows" else 1


def peer_target(host, port):
    """Where a peer connects: a peer on the link reaches a link-local address
    (fe80::/10) through loopback's zone, which a scenario's own calls never name."""
    if ":" in host and ipaddress.ip_address(host) in ipaddress.ip_network("fe80::/10"):
        return (host, port, 0, loopback_index())
    return (host, port)


def peer_address(k, host):
    """Where bindlab's k-th peer sends from (as its predictions name them):
    the host itself for a loopback destination, else 203.0.113.x / 2001:db8::x."""
    v6 = ":" in host and not host.startswith("::ffff:")
    if host.startswith("127.") or host in ("::1", "::ffff:127.0.0.1") or host.startswith("::ffff:127."):
        return ("::1" if v6 else "127.0.0.1", 40000 + k % 25000)
    return (f"2001:db8::{k % 250 + 1:x}" if v6 else f"203.0.113.{k % 250 + 1}", 40000 + k // 250)


def do_datagram(host, port, count):
    """`count` peers each send one UDP datagram to host:port; returns which of
    the scenario's UDP sockets received how many. On Linux (in the namespace)
    the peers send from bindlab's addresses; elsewhere from loopback."""
    host, port = addr(host, port)
    if host.startswith("::ffff:"):
        host = host[len("::ffff:"):]
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    netns = OS == "linux" and os.environ.get("BINDLAB_NETNS") == "1"
    for _ in range(count):
        k = NEXT_CLIENT[0]
        NEXT_CLIENT[0] += 1
        with socket.socket(fam, socket.SOCK_DGRAM) as c:
            if netns:
                c.setsockopt(socket.SOL_IP if fam == socket.AF_INET else socket.IPPROTO_IPV6, 15 if fam == socket.AF_INET else 78, 1)
                c.bind(peer_address(k, host))
            c.sendto(b"bindlab", peer_target(host, port))
    time.sleep(0.05)
    got = {}
    for name in sorted(UDP):
        s = S.get(name)
        if s is None:
            continue
        s.setblocking(False)
        while True:
            try:
                s.recv(2048)
            except BlockingIOError:
                break
            except OSError:
                continue
            got[name] = got.get(name, 0) + 1
        s.setblocking(True)
    return got


def do_join(name, group):
    """IP_ADD_MEMBERSHIP (IPV6_JOIN_GROUP) for `group` on the loopback interface."""
    s = S[name]
    if ":" in group:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP, socket.inet_pton(socket.AF_INET6, group) + struct.pack("@I", loopback_index()))
    else:
        s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, socket.inet_aton(group) + socket.inet_aton("127.0.0.1"))


def do_wait(seconds):
    if seconds > 5 and not YES:
        answer = input(f"The scenario waits {seconds:g} s (for TIME_WAIT to end). Wait? [Y/n] ")
        if answer.strip().lower().startswith("n"):
            raise Skip("wait declined; later steps may differ")
    time.sleep(seconds)


# --- the run ----------------------------------------------------------------
def main():
    reexec_in_netns()
    setup_addresses()
    prediction = PREDICTIONS.get(OS)
    print(f"{TITLE}\nOn {platform.system()} {platform.release()}, bindlab predicts the column on the right.\n")
    w = max(len(t) for _, t, _ in STEPS) if STEPS else 4
    print(f"{'line':>4}  {'step':<{w}}  {'real outcome':<22}  {'bindlab':<22}  match")
    matched = differ = skipped = 0
    stopped = None
    for i, (line, text, call) in enumerate(STEPS):
        expect, expect_routes, candidates = prediction[i]
        routes = None
        if stopped:
            real, mark = "not run", "?"
            skipped += 1
        else:
            try:
                routes = call()
                real = "ok"
            except Skip as why:
                real, mark = "skipped", "?"
                stopped = str(why)
                skipped += 1
                print(f"{line:>4}  {text:<{w}}  {real:<22}  {expect:<22}  ?  ({why})")
                continue
            except KeyError:
                real = "EBADF" if OS != "windows" else "WSAENOTSOCK"
            except OSError as e:
                real = name_of(e)
            if real == "ETIMEDOUT":
                stopped = "a connect() timed out; the kernel keeps trying for minutes"
            same = real == expect
            if same and routes is not None and real == "ok" and expect_routes is not None:
                if candidates:
                    same = set(routes) <= set(candidates) and sum(routes.values()) == sum(expect_routes.values())
                else:
                    same = {k: v for k, v in routes.items() if v} == expect_routes
            mark = "✓" if same else "✗"
            if same:
                matched += 1
            else:
                differ += 1
        shown = real + ("" if not routes else " → " + " ".join(f"{k}×{v}" for k, v in sorted(routes.items())))
        want = expect + ("" if not expect_routes else " → " + " ".join(f"{k}×{v}" for k, v in sorted(expect_routes.items())))
        print(f"{line:>4}  {text:<{w}}  {shown:<22}  {want:<22}  {mark}")
    print(f"\n{matched} matched, {differ} differ" + (f", {skipped} skipped" if skipped else ""))
    sys.exit(0 if differ == 0 else 1)


if __name__ == "__main__":
    main()
