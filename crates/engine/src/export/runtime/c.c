/* ---------------------------------------------------------------------------
 * How this program works (the same on every scenario bindlab exports)
 * ---------------------------------------------------------------------------
 * Each step above is the real BSD-sockets call: socket(), setsockopt(),
 * bind(), listen(), connect(), accept(), close(); a `datagram` step is
 * sendto() from fresh peers and recv() on every UDP socket, a `join`
 * IP_ADD_MEMBERSHIP / IPV6_JOIN_GROUP. Its outcome is recorded as
 * the error's name (EADDRINUSE, EACCES, ...) and printed beside bindlab's
 * prediction for this OS. Exit status 0 only when every checked step matches.
 *
 * Linux: the program re-runs itself in a private network namespace
 * (`unshare -n`, or `unshare -rn` when not root) where the scenario's
 * addresses exist on loopback; nothing on the real network is touched.
 * Options: --yes (do not ask before long waits), --no-netns.
 */

#if defined(__linux__)
#define THIS_OS "linux"
#elif defined(__APPLE__)
#define THIS_OS "macos"
#elif defined(__FreeBSD__)
#define THIS_OS "freebsd"
#else
#error "this program uses BSD sockets on Linux, macOS or FreeBSD; on Windows use the C# or Python export"
#endif

static int YES, NETNS, USERNS;
static const char *ARG0;

/* --- sockets, users and the accept stash ---------------------------------- */
#define MAX_SOCKETS 256
#define MAX_STASH 64
struct sock {
    char name[64];
    int fd;
    int listening;
    int udp; /* SOCK_DGRAM: a `datagram` step counts what it received */
    uid_t owner;
    int stash[MAX_STASH]; /* connections already accepted, kept in order */
    int nstash;
};
static struct sock SOCKS[MAX_SOCKETS];
static int NSOCKS;
static uid_t USER_UID; /* 0 is root */
static char USER_NAMES[32][64];
static int NUSERS;
static int NEXT_CLIENT;
static char TAKEN[256]; /* which listener took the connections of the last step */
static int HAVE_TAKEN;
static char SKIP_WHY[160];

static struct sock *find(const char *name) {
    for (int i = 0; i < NSOCKS; i++)
        if (SOCKS[i].fd >= 0 && strcmp(SOCKS[i].name, name) == 0) return &SOCKS[i];
    return NULL;
}

static const char *error_name(int e) {
    switch (e) {
    case 0: return "ok";
    case EADDRINUSE: return "EADDRINUSE";
    case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
    case EACCES: return "EACCES";
    case EPERM: return "EPERM";
    case EINVAL: return "EINVAL";
    case ECONNREFUSED: return "ECONNREFUSED";
    case EAGAIN: return "EAGAIN";
    case EISCONN: return "EISCONN";
    case ENOTCONN: return "ENOTCONN";
    case ENOPROTOOPT: return "ENOPROTOOPT";
    case EAFNOSUPPORT: return "EAFNOSUPPORT";
    case ENETUNREACH: return "ENETUNREACH";
    case EHOSTUNREACH: return "EHOSTUNREACH";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case ETIMEDOUT: return "ETIMEDOUT";
    case EBADF: return "EBADF";
    case EALREADY: return "EALREADY";
    case EINPROGRESS: return "EINPROGRESS";
    case ECONNRESET: return "ECONNRESET";
    case ECONNABORTED: return "ECONNABORTED";
    case EPROTO: return "EPROTO";
    case ENOBUFS: return "ENOBUFS";
    default: return strerror(e);
    }
}

/* The scenario's user NAME: its uid (root is 0, the others 1001, 1002, ...). */
static uid_t uid_of(const char *name) {
    if (strcmp(name, "root") == 0) return 0;
    for (int i = 0; i < NUSERS; i++)
        if (strcmp(USER_NAMES[i], name) == 0) return 1001 + i;
    snprintf(USER_NAMES[NUSERS], sizeof USER_NAMES[0], "%s", name);
    return 1001 + NUSERS++;
}

/* Runs as `uid` until `as_root()`: the kernel checks the caller's uid and
 * privileges in socket() and bind(). Only real root can switch. */
static int as_user(uid_t uid) {
    if (uid == 0) return 0;
    return setresuid((uid_t)-1, uid, (uid_t)-1) == 0 ? 0 : errno;
}
static void as_root(void) { (void)setresuid((uid_t)-1, 0, (uid_t)-1); }

int do_user(const char *name) {
    uid_t uid = uid_of(name);
    if (uid != 0 && (getuid() != 0 || USERNS)) {
        snprintf(SKIP_WHY, sizeof SKIP_WHY, "other users need real root on Linux");
        return -1;
    }
    USER_UID = uid;
    return 0;
}

int do_socket(const char *name, int family, int type) {
    if (NSOCKS == MAX_SOCKETS) return EMFILE;
    int e = as_user(USER_UID);
    if (e) return e;
    int fd = socket(family, type, 0);
    e = fd < 0 ? errno : 0;
    as_root();
    if (e) return e;
    struct sock *s = find(name);
    if (s) close(s->fd), s->fd = -1; /* the scenario reuses the name */
    s = &SOCKS[NSOCKS++];
    memset(s, 0, sizeof *s);
    snprintf(s->name, sizeof s->name, "%s", name);
    s->fd = fd;
    s->owner = USER_UID;
    s->udp = type == SOCK_DGRAM;
    return 0;
}

int do_set(const char *name, const char *option, int value) {
    struct sock *s = find(name);
    if (!s) return EBADF;
    int level = SOL_SOCKET, opt = -1;
    if (strcmp(option, "SO_REUSEADDR") == 0) opt = SO_REUSEADDR;
#ifdef SO_REUSEPORT
    else if (strcmp(option, "SO_REUSEPORT") == 0) opt = SO_REUSEPORT;
#endif
#ifdef SO_REUSEPORT_LB
    else if (strcmp(option, "SO_REUSEPORT_LB") == 0) opt = SO_REUSEPORT_LB;
#endif
    else if (strcmp(option, "IPV6_V6ONLY") == 0) level = IPPROTO_IPV6, opt = IPV6_V6ONLY;
#ifdef IP_MULTICAST_ALL
    else if (strcmp(option, "IP_MULTICAST_ALL") == 0) level = IPPROTO_IP, opt = IP_MULTICAST_ALL;
#endif
    if (opt < 0) return ENOPROTOOPT; /* the option does not exist on this OS */
    return setsockopt(s->fd, level, opt, &value, sizeof value) == 0 ? 0 : errno;
}

/* host:port as a socket address (IPv6 when the host has a colon). */
static socklen_t address(const char *host, int port, struct sockaddr_storage *ss) {
    memset(ss, 0, sizeof *ss);
    if (strchr(host, ':')) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
        a->sin6_family = AF_INET6;
        a->sin6_port = htons((uint16_t)port);
        inet_pton(AF_INET6, host, &a->sin6_addr);
        return sizeof *a;
    }
    struct sockaddr_in *a = (struct sockaddr_in *)ss;
    a->sin_family = AF_INET;
    a->sin_port = htons((uint16_t)port);
    inet_pton(AF_INET, host, &a->sin_addr);
    return sizeof *a;
}

int port_of(const char *name) {
    struct sock *s = find(name);
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (!s || getsockname(s->fd, (struct sockaddr *)&ss, &len) != 0) return 0;
    if (ss.ss_family == AF_INET6) return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

int do_bind(const char *name, const char *host, int port) {
    struct sock *s = find(name);
    if (!s) return EBADF;
    struct sockaddr_storage ss;
    socklen_t len = address(host, port, &ss);
    int e = as_user(s->owner);
    if (e) return e;
    e = bind(s->fd, (struct sockaddr *)&ss, len) == 0 ? 0 : errno;
    as_root();
    return e;
}

int do_listen(const char *name) {
    struct sock *s = find(name);
    if (!s) return EBADF;
    if (listen(s->fd, 128) != 0) return errno;
    s->listening = 1;
    return 0;
}

/* connect() to a ready address, bounded to 3 s (a timeout stops the run). */
static int connect_addr(int fd, struct sockaddr_storage *ss, socklen_t len) {
    struct timeval tv = {3, 0};
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    int e = connect(fd, (struct sockaddr *)ss, len) == 0 ? 0 : errno;
    if (e == EINPROGRESS || e == EAGAIN) e = ETIMEDOUT;
    return e;
}

/* A blocking connect() to host:port, as the scenario's own call. */
static int connect_to(int fd, const char *host, int port) {
    struct sockaddr_storage ss;
    socklen_t len = address(host, port, &ss);
    return connect_addr(fd, &ss, len);
}

/* The loopback interface's index: groups are joined on it, and a peer
 * reaches a link-local address through it. */
static unsigned loopback_index(void) {
#ifdef __linux__
    return if_nametoindex("lo");
#else
    return if_nametoindex("lo0");
#endif
}

/* Where a peer sends or connects: a peer on the link reaches a link-local
 * address (fe80::/10) through loopback's zone, which a scenario's own calls
 * never name. */
static socklen_t peer_target(const char *host, int port, struct sockaddr_storage *ss) {
    socklen_t len = address(host, port, ss);
    struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
    if (ss->ss_family == AF_INET6 && IN6_IS_ADDR_LINKLOCAL(&a->sin6_addr))
        a->sin6_scope_id = loopback_index();
    return len;
}

static int connect_peer(int fd, const char *host, int port) {
    struct sockaddr_storage ss;
    socklen_t len = peer_target(host, port, &ss);
    return connect_addr(fd, &ss, len);
}

/* accept() as the listener's owner, as its program would: the kernel gives
 * the new socket the uid of the one that accepts it. */
static int accept_as_owner(struct sock *s) {
    int e = as_user(s->owner);
    if (e) { errno = e; return -1; }
    int c = accept(s->fd, NULL, NULL);
    e = errno;
    as_root();
    errno = e;
    return c;
}

/* Accepts on every listener of `port` to see which took the new connections;
 * they wait in a stash for later `accept` steps. */
static void set_taken(const int *counts);
static void drain(int port, int expect) {
    int got = 0;
    int taken[MAX_SOCKETS] = {0};
    for (int round = 0; round < 100 && got < expect; round++) {
        for (int i = 0; i < NSOCKS; i++) {
            struct sock *s = &SOCKS[i];
            if (s->fd < 0 || !s->listening || port_of(s->name) != port) continue;
            struct pollfd p = {s->fd, POLLIN, 0};
            while (poll(&p, 1, 0) == 1 && (p.revents & POLLIN)) {
                int c = accept_as_owner(s);
                if (c < 0) break;
                if (s->nstash < MAX_STASH) s->stash[s->nstash++] = c;
                taken[i]++;
                got++;
            }
        }
        if (got < expect) usleep(10000);
    }
    set_taken(taken);
}

int do_connect(const char *name, const char *host, int port) {
    struct sock *s = find(name);
    if (!s) return EBADF;
    int e = connect_to(s->fd, host, port);
    if (!e) drain(port, 1);
    return e;
}

int do_accept(const char *name, const char *new_name) {
    struct sock *s = find(name);
    if (!s) return EBADF;
    int c;
    if (s->nstash > 0) {
        c = s->stash[0];
        memmove(s->stash, s->stash + 1, sizeof(int) * (size_t)--s->nstash);
    } else {
        /* Not listening: accept() itself says why (EINVAL; EOPNOTSUPP for UDP). */
        struct pollfd p = {s->fd, POLLIN, 0};
        if (s->listening && poll(&p, 1, 0) != 1) return EAGAIN;
        c = accept_as_owner(s);
        if (c < 0) return errno;
    }
    if (NSOCKS == MAX_SOCKETS) return EMFILE;
    struct sock *n = &SOCKS[NSOCKS++];
    memset(n, 0, sizeof *n);
    snprintf(n->name, sizeof n->name, "%s", new_name);
    n->fd = c;
    n->owner = s->owner;
#ifdef __linux__
    /* Linux gives an accepted socket the uid of the process that accepts it
     * (sock_graft). Accepted above as the listener's owner, it becomes the
     * step's user's as an accept by that user would make it: fchown() sets
     * that uid too. The BSDs keep the listener's owner. */
    if (USER_UID != s->owner) {
        if (fchown(c, USER_UID, (gid_t)-1) != 0) return errno;
        n->owner = USER_UID;
    }
#endif
    return 0;
}

int do_close(const char *name) {
    struct sock *s = find(name);
    if (!s) return EBADF;
    for (int i = 0; i < s->nstash; i++) {
        /* What the kernel does to connections still queued: a reset. */
        struct linger l = {1, 0};
        setsockopt(s->stash[i], SOL_SOCKET, SO_LINGER, &l, sizeof l);
        close(s->stash[i]);
    }
    /* A TCP connection's close is given 20 ms for its FIN to be acknowledged:
     * bindlab's steps take no time and see the end as a TIME_WAIT (or
     * FIN_WAIT_2), where right after close() it is still a full socket. */
    int type = 0;
    socklen_t tl = sizeof type;
    struct sockaddr_storage peer;
    socklen_t pl = sizeof peer;
    int settle = s->fd >= 0
        && getsockopt(s->fd, SOL_SOCKET, SO_TYPE, &type, &tl) == 0 && type == SOCK_STREAM
        && getpeername(s->fd, (struct sockaddr *)&peer, &pl) == 0;
    close(s->fd);
    s->fd = -1;
    if (settle) usleep(20000);
    return 0;
}

/* `count` peers connect to host:port. On Linux (in the namespace) they come
 * from 203.0.113.x / 2001:db8::x, as bindlab's predictions name them. */
int do_client(const char *host, int port, int count) {
    int first_error = 0, ok = 0, v6 = strchr(host, ':') != NULL;
    for (int i = 0; i < count; i++) {
        int k = NEXT_CLIENT++;
        int c = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
#ifdef __linux__
        if (NETNS) {
            int one = 1;
            char src[64];
            if (v6) {
                setsockopt(c, IPPROTO_IPV6, 78 /* IPV6_FREEBIND */, &one, sizeof one);
                snprintf(src, sizeof src, "2001:db8::%x", k % 250 + 1);
            } else {
                setsockopt(c, IPPROTO_IP, IP_FREEBIND, &one, sizeof one);
                snprintf(src, sizeof src, "203.0.113.%d", k % 250 + 1);
            }
            struct sockaddr_storage ss;
            socklen_t len = address(src, 40000 + k / 250, &ss);
            bind(c, (struct sockaddr *)&ss, len);
        }
#endif
        int e = connect_peer(c, host, port);
        if (e) {
            if (!first_error) first_error = e;
            close(c);
        } else {
            ok++; /* the peer stays open */
        }
    }
    if (ok) drain(port, ok);
    return first_error;
}

/* "A=3 B=1" (sorted by name) from counts per socket. */
static void set_taken(const int *counts) {
    TAKEN[0] = 0;
    HAVE_TAKEN = 1;
    int done[MAX_SOCKETS] = {0};
    for (;;) {
        int best = -1;
        for (int i = 0; i < NSOCKS; i++)
            if (counts[i] && !done[i] && (best < 0 || strcmp(SOCKS[i].name, SOCKS[best].name) < 0)) best = i;
        if (best < 0) break;
        done[best] = 1;
        snprintf(TAKEN + strlen(TAKEN), sizeof TAKEN - strlen(TAKEN), "%s%s=%d", TAKEN[0] ? " " : "",
                 SOCKS[best].name, counts[best]);
    }
}

/* Where bindlab's k-th peer sends from (as its predictions name them): the
 * host itself for a loopback destination, else 203.0.113.x / 2001:db8::x. */
static int peer_address(int k, const char *host, char *src, size_t size) {
    int v6 = strchr(host, ':') != NULL;
    if (strncmp(host, "127.", 4) == 0 || strcmp(host, "::1") == 0) {
        snprintf(src, size, "%s", v6 ? "::1" : "127.0.0.1");
        return 40000 + k % 25000;
    }
    if (v6) snprintf(src, size, "2001:db8::%x", k % 250 + 1);
    else snprintf(src, size, "203.0.113.%d", k % 250 + 1);
    return 40000 + k / 250;
}

/* `count` peers each send one UDP datagram to host:port (sendto()); then
 * every UDP socket of the scenario reads what it got (recv() until EAGAIN):
 * who received how many. The rest were dropped. */
int do_datagram(const char *host, int port, int count) {
    if (strncmp(host, "::ffff:", 7) == 0 && strchr(host + 7, '.')) host += 7; /* an IPv4 peer */
    int v6 = strchr(host, ':') != NULL;
    struct sockaddr_storage to;
    socklen_t to_len = peer_target(host, port, &to);
    for (int i = 0; i < count; i++) {
        int k = NEXT_CLIENT++;
        int c = socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM, 0);
        if (c < 0) return errno;
#ifdef __linux__
        if (NETNS) {
            int one = 1;
            char src[64];
            if (v6) setsockopt(c, IPPROTO_IPV6, 78 /* IPV6_FREEBIND */, &one, sizeof one);
            else setsockopt(c, IPPROTO_IP, IP_FREEBIND, &one, sizeof one);
            int sport = peer_address(k, host, src, sizeof src);
            struct sockaddr_storage ss;
            socklen_t len = address(src, sport, &ss);
            bind(c, (struct sockaddr *)&ss, len);
        }
#endif
        int e = sendto(c, "bindlab", 7, 0, (struct sockaddr *)&to, to_len) < 0 ? errno : 0;
        close(c);
        if (e) return e;
    }
    usleep(50000);
    int got[MAX_SOCKETS] = {0};
    char buf[2048];
    for (int i = 0; i < NSOCKS; i++) {
        if (SOCKS[i].fd < 0 || !SOCKS[i].udp) continue;
        for (;;) {
            ssize_t n = recv(SOCKS[i].fd, buf, sizeof buf, MSG_DONTWAIT);
            if (n >= 0) got[i]++;
            else if (errno != EINTR && errno != ECONNREFUSED) break; /* EAGAIN: no more */
        }
    }
    set_taken(got);
    return 0;
}

/* IP_ADD_MEMBERSHIP (IPV6_JOIN_GROUP for a v6 group) on the loopback interface. */
int do_join(const char *name, const char *group) {
    struct sock *s = find(name);
    if (!s) return EBADF;
    if (strchr(group, ':')) {
        struct ipv6_mreq m;
        memset(&m, 0, sizeof m);
        inet_pton(AF_INET6, group, &m.ipv6mr_multiaddr);
        m.ipv6mr_interface = loopback_index();
        return setsockopt(s->fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &m, sizeof m) == 0 ? 0 : errno;
    }
    struct ip_mreq m;
    memset(&m, 0, sizeof m);
    inet_pton(AF_INET, group, &m.imr_multiaddr);
    inet_pton(AF_INET, "127.0.0.1", &m.imr_interface);
    return setsockopt(s->fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &m, sizeof m) == 0 ? 0 : errno;
}

int do_wait(double seconds) {
    if (seconds > 5 && !YES) {
        char answer[16] = "";
        printf("The scenario waits %g s (for TIME_WAIT to end). Wait? [Y/n] ", seconds);
        fflush(stdout);
        if (fgets(answer, sizeof answer, stdin) && (answer[0] == 'n' || answer[0] == 'N')) {
            snprintf(SKIP_WHY, sizeof SKIP_WHY, "wait declined; later steps may differ");
            return -1;
        }
    }
    usleep((useconds_t)(seconds * 1e6));
    return 0;
}

/* --- where the scenario's addresses live on this machine ------------------ */
static void sh(const char *cmd) {
    char full[512];
    snprintf(full, sizeof full, "%s >/dev/null 2>&1", cmd);
    if (system(full) != 0) { /* best effort, as the Python export does */ }
}

static void setup_addresses(void) {
#ifdef __linux__
    if (!NETNS) return;
    sh("ip link set lo up");
    sh("ip link set lo multicast on");
    sh("ip route add 224.0.0.0/4 dev lo");
    sh("ip route add local 203.0.113.0/24 dev lo");
    sh("ip -6 route add local 2001:db8::/64 dev lo");
    for (int i = 0; IFACES[i]; i++) {
        char cmd[400];
        if (strchr(IFACES[i], ':'))
            snprintf(cmd, sizeof cmd, "ip -6 addr add %s/128 dev lo nodad; "
                     /* its route comes from queued DAD work, even with nodad */
                     "for i in $(seq 300); do ip -6 route get %s >/dev/null 2>&1 && exit 0; sleep 0.01; done",
                     IFACES[i], IFACES[i]);
        else
            snprintf(cmd, sizeof cmd, "ip addr add %s/32 dev lo", IFACES[i]);
        sh(cmd);
    }
    /* A host with an IPv4 address outside 127/8 has a route to broadcast (as bindlab assumes). */
    for (int i = 0; IFACES[i]; i++)
        if (!strchr(IFACES[i], ':') && strncmp(IFACES[i], "127.", 4) != 0) {
            sh("ip route add 255.255.255.255/32 dev lo");
            break;
        }
    /* One with an IPv6 address outside ::1 has the route every interface but loopback gets (as bindlab assumes). */
    for (int i = 0; IFACES[i]; i++)
        if (strchr(IFACES[i], ':') && strcmp(IFACES[i], "::1") != 0) {
            sh("ip -6 route add multicast ff00::/8 dev lo table local");
            break;
        }
#else
    if (IFACES[0]) {
        printf("bindlab: this scenario uses more addresses than loopback; the C export maps none.\n"
               "Run it on Linux, or use the Python export, which maps them to loopback aliases.\n");
        exit(2);
    }
#endif
}

/* Linux: run again inside a private network namespace. */
static void reexec_in_netns(char **argv) {
#ifdef __linux__
    const char *env = getenv("BINDLAB_NETNS");
    NETNS = env && strcmp(env, "1") == 0;
    env = getenv("BINDLAB_USERNS");
    USERNS = env && strcmp(env, "1") == 0;
    if (NETNS) return;
    for (char **a = argv; *a; a++)
        if (strcmp(*a, "--no-netns") == 0) return;
    int root = geteuid() == 0;
    setenv("BINDLAB_NETNS", "1", 1);
    setenv("BINDLAB_USERNS", root ? "0" : "1", 1);
    static char self[4096];
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    if (len <= 0) return;
    self[len] = 0;
    char *args[64] = {"unshare", root ? "-n" : "-rn", "--", self};
    int n = 4;
    for (char **a = argv + 1; *a && n < 63; a++) args[n++] = *a;
    args[n] = NULL;
    fflush(stdout);
    execvp("unshare", args);
    printf("bindlab: cannot run `unshare` (%s); running in the current namespace\n", strerror(errno));
    unsetenv("BINDLAB_NETNS");
#else
    (void)argv;
#endif
}

/* --- the run ---------------------------------------------------------------- */
static const struct prediction *PREDICTED;
static int W, MATCHED, DIFFER, SKIPPED, STOPPED, STEP_INDEX;

/* Text padded to `width` characters (UTF-8 aware). */
static void pad(const char *s, int width) {
    int n = 0;
    for (const char *p = s; *p; p++) n += (*p & 0xC0) != 0x80;
    fputs(s, stdout);
    for (; n < width; n++) putchar(' ');
}

static int routes_sum(const char *r) {
    int sum = 0;
    for (const char *p = r; (p = strchr(p, '=')) != NULL; p++) sum += atoi(p + 1);
    return sum;
}

/* Every name in `routes` ("A=3 B=1") is among `candidates` ("A B"). */
static int routes_within(const char *routes, const char *candidates) {
    char copy[256];
    snprintf(copy, sizeof copy, "%s", routes);
    for (char *tok = strtok(copy, " "); tok; tok = strtok(NULL, " ")) {
        *strchr(tok, '=') = 0;
        char c[256];
        snprintf(c, sizeof c, " %s ", candidates);
        char want[80];
        snprintf(want, sizeof want, " %s ", tok);
        if (!strstr(c, want)) return 0;
    }
    return 1;
}

/* "ok → A×3 B×1": a result and where the connections went. */
static void shown(char *out, size_t size, const char *result, const char *routes) {
    size_t n = (size_t)snprintf(out, size, "%s%s", result, routes && routes[0] ? " →" : "");
    for (const char *r = routes; r && *r && n + 8 < size; r++) {
        if (r == routes || r[-1] == ' ') out[n++] = ' ';
        if (*r == '=') memcpy(out + n, "×", 2), n += 2;
        else if (*r != ' ') out[n++] = *r;
    }
    out[n] = 0;
}

int begin_step(void) {
    HAVE_TAKEN = 0;
    SKIP_WHY[0] = 0;
    return !STOPPED;
}

/* One row: the real outcome beside the prediction. `e` is 0, an errno, or
 * -1 when the step was not run (SKIP_WHY says why). */
void report(int line, const char *text, int e) {
    const struct prediction *p = &PREDICTED[STEP_INDEX++];
    char real[300], want[300];
    const char *mark;
    printf("%4d  ", line);
    pad(text, W);
    if (STOPPED || e < 0) {
        snprintf(real, sizeof real, "%s", STOPPED ? "not run" : "skipped");
        SKIPPED++;
        printf("  ");
        pad(real, 22);
        printf("  ");
        pad(p->result, 22);
        if (!STOPPED) printf("  ?  (%s)\n", SKIP_WHY); else printf("  ?\n");
        if (e < 0) STOPPED = 1;
        return;
    }
    const char *name = error_name(e);
    int same = strcmp(name, p->result) == 0;
    if (same && HAVE_TAKEN && e == 0 && p->routes) {
        if (p->candidates && p->candidates[0])
            same = routes_within(TAKEN, p->candidates) && routes_sum(TAKEN) == routes_sum(p->routes);
        else
            same = strcmp(TAKEN, p->routes) == 0;
    }
    if (e == ETIMEDOUT) STOPPED = 1; /* the kernel keeps trying for minutes */
    shown(real, sizeof real, name, HAVE_TAKEN ? TAKEN : NULL);
    shown(want, sizeof want, p->result, p->routes);
    mark = same ? "✓" : "✗";
    same ? MATCHED++ : DIFFER++;
    printf("  ");
    pad(real, 22);
    printf("  ");
    pad(want, 22);
    printf("  %s\n", mark);
}

int main(int argc, char **argv) {
    ARG0 = argv[0];
    for (int i = 1; i < argc; i++) YES |= strcmp(argv[i], "--yes") == 0;
    if (!isatty(0)) YES = 1;
    reexec_in_netns(argv);
    setup_addresses();
    PREDICTED = strcmp(THIS_OS, "linux") == 0 ? PREDICTED_LINUX
              : strcmp(THIS_OS, "macos") == 0 ? PREDICTED_MACOS
                                              : PREDICTED_FREEBSD;
    struct utsname u;
    uname(&u);
    printf("%s\nOn %s %s, bindlab predicts the column on the right.\n\n", TITLE, u.sysname, u.release);
    W = 4;
    for (int i = 0; STEP_TEXTS[i]; i++) {
        int n = 0;
        for (const char *p = STEP_TEXTS[i]; *p; p++) n += (*p & 0xC0) != 0x80;
        if (n > W) W = n;
    }
    printf("line  ");
    pad("step", W);
    printf("  ");
    pad("real outcome", 22);
    printf("  ");
    pad("bindlab", 22);
    printf("  match\n");
    run_scenario();
    printf("\n%d matched, %d differ", MATCHED, DIFFER);
    if (SKIPPED) printf(", %d skipped", SKIPPED);
    printf("\n");
    return DIFFER == 0 ? 0 : 1;
}
