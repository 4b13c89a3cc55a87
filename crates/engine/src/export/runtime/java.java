    // -----------------------------------------------------------------------
    // How this program works (the same on every scenario bindlab exports)
    // -----------------------------------------------------------------------
    // A socket the scenario listens on is a ServerSocketChannel, a UDP one a
    // DatagramChannel (a MulticastChannel: join), any other a SocketChannel;
    // options go through setOption(StandardSocketOptions...). A `datagram`
    // step is peers' DatagramChannel.send and receive on every UDP socket.
    // Java turns SO_REUSEADDR on for every ServerSocketChannel by itself; the
    // socket step sets it back to the scenario's (the OS's) default. Where
    // Java's API cannot take a step (a server socket bound without listening,
    // IPV6_V6ONLY, another user), the program says so at that step and stops
    // there. Each outcome is recorded as the error's name (EADDRINUSE, ...)
    // and printed beside bindlab's prediction for this OS. Exit status 0
    // only when every checked step matches.
    //
    // Linux: the program re-runs itself in a private network namespace
    // (`unshare -n`, or `unshare -rn` when not root) where the scenario's
    // addresses exist on loopback. Options: --yes, --no-netns.

    /** What one step gave: an error name (null: ok), who took the connections, or why it did not run. */
    record Outcome(String error, Map<String, Integer> routes, String skip) {
        static final Outcome OK = new Outcome(null, null, null);
    }

    /** A step Java's API cannot take: the run says so and stops there. */
    static final class NotExpressible extends RuntimeException {
        NotExpressible(String why) {
            super("not expressible in Java: " + why);
        }
    }

    /** The real call of one step. */
    interface Call {
        Outcome run() throws Exception;
    }

    interface Calls {
        Outcome[] run() throws Exception;
    }

    /** One socket of the scenario. */
    static final class Sock {
        final NetworkChannel channel;
        final Deque<SocketChannel> stash = new ArrayDeque<>(); // connections already accepted, in order
        boolean listening;
        boolean closedByJava; // a SocketChannel whose connect failed

        Sock(NetworkChannel channel) {
            this.channel = channel;
        }
    }

    static final class Run {
        final Map<String, Sock> socks = new HashMap<>();
        final List<SocketChannel> clients = new ArrayList<>();
        final List<MembershipKey> memberships = new ArrayList<>();
        int nextClient;
        boolean yes, netns;
        Prediction[] predicted;
        int width, index, matched, differ, skipped;
        boolean stopped;

        Sock sock(String name) throws IOException {
            Sock s = socks.get(name);
            if (s == null) {
                throw new ClosedChannelException();
            }
            if (s.closedByJava) {
                throw new NotExpressible("Java closes a SocketChannel whose connect failed");
            }
            return s;
        }

        Outcome notExpressible(String why) {
            return new Outcome(null, null, "not expressible in Java: " + why);
        }

        Outcome serverSocket(String name, ProtocolFamily family) throws IOException {
            ServerSocketChannel ch = ServerSocketChannel.open(family);
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, false); // Java's own default is on
            socks.put(name, new Sock(ch));
            return Outcome.OK;
        }

        Outcome socket(String name, ProtocolFamily family) throws IOException {
            socks.put(name, new Sock(SocketChannel.open(family)));
            return Outcome.OK;
        }

        Outcome datagramSocket(String name, ProtocolFamily family) throws IOException {
            socks.put(name, new Sock(DatagramChannel.open(family)));
            return Outcome.OK;
        }

        /** MulticastChannel.join on the loopback interface (IP_ADD_MEMBERSHIP / IPV6_JOIN_GROUP). */
        Outcome join(String name, String group) throws IOException {
            Sock s = sock(name);
            if (!(s.channel instanceof MulticastChannel ch)) {
                return notExpressible("only a DatagramChannel (a MulticastChannel) can join a group");
            }
            InetAddress g = InetAddress.getByName(group);
            for (MembershipKey k : memberships) {
                if (k.channel() == ch && k.group().equals(g)) {
                    return new Outcome("EADDRINUSE", null, null); // Java returns the key it has; the kernel refuses a second join
                }
            }
            memberships.add(ch.join(g, NetworkInterface.getByName("lo")));
            return Outcome.OK;
        }

        /**
         * count peers each send one UDP datagram to host:port; then every UDP socket reads what it got.
         * jdkDiffers: on Linux, the JDK's IP_MULTICAST_ALL off (on every DatagramChannel) changes who gets these.
         */
        Outcome datagram(String host, int port, int count, boolean jdkDiffers) throws Exception {
            if (jdkDiffers && System.getProperty("os.name").equals("Linux")) {
                return notExpressible("the JDK turns IP_MULTICAST_ALL off on every DatagramChannel on Linux, and these datagrams go where it is on");
            }
            InetAddress dst = InetAddress.getByName(host); // Java reads ::ffff:a.b.c.d as a.b.c.d: an IPv4 peer
            for (int i = 0; i < count; i++) {
                int k = nextClient++;
                try (DatagramChannel c = DatagramChannel.open(dst instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET)) {
                    if (netns) {
                        // Where bindlab's k-th peer sends from, as its predictions name them.
                        if (dst.isLoopbackAddress()) {
                            c.bind(new InetSocketAddress(dst instanceof Inet6Address ? "::1" : "127.0.0.1", 40000 + k % 25000));
                        } else if (dst instanceof Inet4Address) {
                            c.bind(new InetSocketAddress(InetAddress.getByName("203.0.113." + (k % 250 + 1)), 40000 + k / 250));
                        } else {
                            c.bind(new InetSocketAddress(InetAddress.getByName("2001:db8::" + Integer.toHexString(k % 250 + 1)), 40000 + k / 250));
                        }
                    }
                    c.send(ByteBuffer.wrap("bindlab".getBytes(StandardCharsets.US_ASCII)), new InetSocketAddress(dst, port));
                }
            }
            Thread.sleep(50);
            Map<String, Integer> got = new TreeMap<>();
            ByteBuffer buf = ByteBuffer.allocate(2048);
            for (Map.Entry<String, Sock> e : socks.entrySet()) {
                if (!(e.getValue().channel instanceof DatagramChannel ch) || !ch.isOpen()) {
                    continue;
                }
                ch.configureBlocking(false);
                while (true) {
                    buf.clear();
                    try {
                        if (ch.receive(buf) == null) {
                            break;
                        }
                        got.merge(e.getKey(), 1, Integer::sum);
                    } catch (PortUnreachableException unreachable) {
                        // an earlier datagram's ICMP error on a connected socket
                    }
                }
                ch.configureBlocking(true);
            }
            return new Outcome(null, got, null);
        }

        Outcome option(String name, SocketOption<Boolean> option, boolean on) throws IOException {
            sock(name).channel.setOption(option, on);
            return Outcome.OK;
        }

        int portOf(String name) {
            try {
                SocketAddress a = sock(name).channel.getLocalAddress();
                return a == null ? 0 : ((InetSocketAddress) a).getPort();
            } catch (IOException e) {
                return 0;
            }
        }

        Outcome bind(String name, String host, int port) throws IOException {
            Sock s = sock(name);
            if (s.channel instanceof ServerSocketChannel) {
                return notExpressible("a ServerSocketChannel binds and listens in one call");
            }
            s.channel.bind(new InetSocketAddress(InetAddress.getByName(host), port));
            return Outcome.OK;
        }

        /** ServerSocketChannel.bind: bind and listen in one call; a failure names the call it came from. */
        Outcome[] bindAndListen(String name, String host, int port) throws IOException {
            Sock s = sock(name);
            if (!(s.channel instanceof ServerSocketChannel ch)) {
                throw new IllegalStateException(name + " is not a server socket");
            }
            try {
                ch.bind(new InetSocketAddress(InetAddress.getByName(host), port), 128);
            } catch (IOException e) {
                for (StackTraceElement f : e.getStackTrace()) {
                    if (f.getMethodName().startsWith("listen")) {
                        return new Outcome[] {Outcome.OK, failure(e)};
                    }
                }
                // bind failed: listen binds to the wildcard and an ephemeral port, as the kernel does
                Outcome bindFailed = failure(e);
                Outcome listened;
                try {
                    listened = listen(name);
                } catch (IOException again) {
                    listened = failure(again);
                }
                return new Outcome[] {bindFailed, listened};
            }
            s.listening = true;
            return new Outcome[] {Outcome.OK, Outcome.OK};
        }

        /** A listen step without a bind: Java binds to the wildcard and an ephemeral port, as listen() does. */
        Outcome listen(String name) throws IOException {
            Sock s = sock(name);
            if (!(s.channel instanceof ServerSocketChannel ch)) {
                return notExpressible("a " + kind(s.channel) + " has no listen()");
            }
            if (s.listening) {
                return notExpressible("a ServerSocketChannel cannot listen again");
            }
            ch.bind(null, 128);
            s.listening = true;
            return Outcome.OK;
        }

        /** Accepts on every listener of port to see which took the new connections; they wait in a stash. */
        Map<String, Integer> drain(int port, int expect) throws IOException, InterruptedException {
            Map<String, Integer> taken = new TreeMap<>();
            int got = 0;
            long deadline = System.nanoTime() + 1_000_000_000L;
            while (got < expect && System.nanoTime() < deadline) {
                for (Map.Entry<String, Sock> e : socks.entrySet()) {
                    Sock s = e.getValue();
                    if (!s.listening || portOf(e.getKey()) != port) {
                        continue;
                    }
                    ServerSocketChannel ch = (ServerSocketChannel) s.channel;
                    ch.configureBlocking(false);
                    SocketChannel c;
                    while ((c = ch.accept()) != null) {
                        c.configureBlocking(true);
                        s.stash.add(c);
                        taken.merge(e.getKey(), 1, Integer::sum);
                        got++;
                    }
                    ch.configureBlocking(true);
                }
                if (got < expect) {
                    Thread.sleep(10);
                }
            }
            return taken;
        }

        Outcome connect(String name, String host, int port) throws Exception {
            Sock s = sock(name);
            if (s.channel instanceof DatagramChannel d) {
                if (d.isConnected()) {
                    return notExpressible("a connected DatagramChannel cannot connect again (disconnect first would give up an autobound port)");
                }
                d.connect(new InetSocketAddress(InetAddress.getByName(host), port));
                return Outcome.OK;
            }
            if (!(s.channel instanceof SocketChannel ch)) {
                return notExpressible("a ServerSocketChannel cannot connect");
            }
            // A blocking connect, bounded to 3 s (a timeout stops the run).
            try {
                ch.socket().connect(new InetSocketAddress(InetAddress.getByName(host), port), 3000);
            } catch (IOException e) {
                s.closedByJava = !ch.isOpen();
                throw e;
            }
            return new Outcome(null, drain(port, 1), null);
        }

        Outcome accept(String name, String newName) throws IOException {
            Sock s = sock(name);
            if (!(s.channel instanceof ServerSocketChannel ch)) {
                return notExpressible("a " + kind(s.channel) + " cannot accept");
            }
            SocketChannel c = s.stash.poll();
            if (c == null) {
                ch.configureBlocking(false);
                c = ch.accept();
                ch.configureBlocking(true);
                if (c == null) {
                    return new Outcome(s.listening ? "EAGAIN" : "EINVAL", null, null);
                }
            }
            socks.put(newName, new Sock(c));
            return Outcome.OK;
        }

        Outcome close(String name) throws IOException {
            Sock s = socks.get(name);
            if (s == null) {
                throw new ClosedChannelException();
            }
            socks.remove(name);
            for (SocketChannel c : s.stash) {
                c.setOption(StandardSocketOptions.SO_LINGER, 0); // what the kernel does to queued connections: a reset
                c.close();
            }
            s.channel.close();
            return Outcome.OK;
        }

        /** count peers connect to host:port; on Linux (in the namespace) IPv4 peers come from 203.0.113.x. */
        Outcome client(String host, int port, int count) throws Exception {
            InetAddress dst = InetAddress.getByName(host);
            IOException first = null;
            int ok = 0;
            for (int i = 0; i < count; i++) {
                int k = nextClient++;
                SocketChannel c = SocketChannel.open(dst instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
                try {
                    if (netns && dst instanceof Inet4Address) {
                        c.bind(new InetSocketAddress(InetAddress.getByName("203.0.113." + (k % 250 + 1)), 40000 + k / 250));
                    }
                    c.socket().connect(new InetSocketAddress(dst, port), 3000);
                    clients.add(c); // the peer stays open
                    ok++;
                } catch (IOException e) {
                    if (first == null) {
                        first = e;
                    }
                    c.close();
                }
            }
            Map<String, Integer> taken = ok > 0 ? drain(port, ok) : new TreeMap<>();
            if (first != null) {
                throw first;
            }
            return new Outcome(null, taken, null);
        }

        Outcome waitFor(Duration d) throws InterruptedException, IOException {
            if (d.toSeconds() > 5 && !yes) {
                System.out.printf("The scenario waits %d s (for TIME_WAIT to end). Wait? [Y/n] ", d.toSeconds());
                String answer = new BufferedReader(new InputStreamReader(System.in)).readLine();
                if (answer != null && answer.trim().toLowerCase().startsWith("n")) {
                    return new Outcome(null, null, "wait declined; later steps may differ");
                }
            }
            Thread.sleep(d.toMillis());
            return Outcome.OK;
        }

        /** Runs one step (unless the run has stopped) and prints its row. */
        void step(int line, String text, Call call) {
            report(line, text, () -> {
                try {
                    return call.run();
                } catch (NotExpressible e) {
                    return new Outcome(null, null, e.getMessage());
                } catch (Exception e) {
                    return failure(e);
                }
            });
        }

        /** Runs steps one Java call performs together and prints their rows. */
        void group(int[] lines, String[] texts, Calls calls) {
            Outcome[][] outs = {null};
            for (int i = 0; i < lines.length; i++) {
                int at = i;
                report(lines[i], texts[i], () -> {
                    if (outs[0] == null) {
                        try {
                            outs[0] = calls.run();
                        } catch (NotExpressible e) {
                            outs[0] = new Outcome[lines.length];
                            java.util.Arrays.fill(outs[0], new Outcome(null, null, e.getMessage()));
                        } catch (Exception e) {
                            outs[0] = new Outcome[lines.length];
                            java.util.Arrays.fill(outs[0], failure(e));
                        }
                    }
                    return outs[0][at];
                });
            }
        }

        void report(int line, String text, java.util.function.Supplier<Outcome> f) {
            Prediction p = predicted[index++];
            if (stopped) {
                skipped++;
                System.out.printf("%4d  %s  %s  %s  ?%n", line, pad(text, width), pad("not run", 22), pad(p.result(), 22));
                return;
            }
            Outcome o = f.get();
            if (o.skip() != null) {
                skipped++;
                stopped = true;
                System.out.printf("%4d  %s  %s  %s  ?  (%s)%n", line, pad(text, width), pad("skipped", 22), pad(p.result(), 22), o.skip());
                return;
            }
            String real = o.error() == null ? "ok" : o.error();
            if (real.equals("ETIMEDOUT")) {
                stopped = true; // the kernel keeps trying for minutes
            }
            boolean same = real.equals(p.result());
            String got = o.error() == null && o.routes() != null ? routesText(o.routes()) : null;
            if (same && got != null && p.routes() != null) {
                if (p.candidates().isEmpty()) {
                    same = got.equals(p.routes());
                } else {
                    List<String> cands = List.of(p.candidates().split(" "));
                    same = cands.containsAll(o.routes().keySet()) && sum(got) == sum(p.routes());
                }
            }
            if (same) {
                matched++;
            } else {
                differ++;
            }
            System.out.printf("%4d  %s  %s  %s  %s%n", line, pad(text, width), pad(shown(real, got), 22), pad(shown(p.result(), p.routes()), 22), same ? "✓" : "✗");
        }
    }

    static String kind(NetworkChannel c) {
        return c instanceof DatagramChannel ? "DatagramChannel" : c instanceof SocketChannel ? "SocketChannel" : "ServerSocketChannel";
    }

    /** The error's name, from the exception Java made of it. */
    static Outcome failure(Exception e) {
        if (e instanceof AlreadyBoundException) {
            return new Outcome("EINVAL", null, null);
        }
        if (e instanceof AlreadyConnectedException) {
            return new Outcome("EISCONN", null, null);
        }
        if (e instanceof ClosedChannelException) {
            return new Outcome("EBADF", null, null);
        }
        if (e instanceof SocketTimeoutException) {
            return new Outcome("ETIMEDOUT", null, null);
        }
        if (e instanceof UnsupportedOperationException || e instanceof UnsupportedAddressTypeException) {
            return new Outcome("ENOPROTOOPT", null, null);
        }
        String m = String.valueOf(e.getMessage());
        String[][] names = {
            {"Address already in use", "EADDRINUSE"}, {"Cannot assign requested address", "EADDRNOTAVAIL"},
            {"Permission denied", "EACCES"}, {"Invalid argument", "EINVAL"}, {"Connection refused", "ECONNREFUSED"},
            {"Network is unreachable", "ENETUNREACH"}, {"No route to host", "EHOSTUNREACH"},
            {"Operation not supported", "EOPNOTSUPP"}, {"Protocol not available", "ENOPROTOOPT"},
            {"already connected", "EISCONN"}, {"Connection timed out", "ETIMEDOUT"},
            {"Address family not supported", "EAFNOSUPPORT"}, {"Connection reset", "ECONNRESET"},
            {"No buffer space available", "ENOBUFS"},
        };
        for (String[] n : names) {
            if (m.contains(n[0])) {
                return new Outcome(n[1], null, null);
            }
        }
        return new Outcome(e.getClass().getSimpleName() + ": " + m, null, null);
    }

    static String routesText(Map<String, Integer> m) {
        StringBuilder b = new StringBuilder();
        new TreeMap<>(m).forEach((k, v) -> {
            if (v > 0) {
                b.append(b.length() > 0 ? " " : "").append(k).append('=').append(v);
            }
        });
        return b.toString();
    }

    static int sum(String routes) {
        int n = 0;
        for (String kv : routes.split(" ")) {
            int i = kv.indexOf('=');
            if (i >= 0) {
                n += Integer.parseInt(kv.substring(i + 1));
            }
        }
        return n;
    }

    static String pad(String s, int w) {
        int n = s.codePointCount(0, s.length());
        return n >= w ? s : s + " ".repeat(w - n);
    }

    static String shown(String result, String routes) {
        return routes == null || routes.isEmpty() ? result : result + " → " + routes.replace('=', '×');
    }

    /** Linux: run again inside a private network namespace (nothing on the real network is touched). */
    static void reexecInNetns(String[] args) throws Exception {
        if (!System.getProperty("os.name").equals("Linux") || "1".equals(System.getenv("BINDLAB_NETNS"))
                || List.of(args).contains("--no-netns")) {
            return;
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        ProcessHandle.Info info = ProcessHandle.current().info();
        List<String> cmd = new ArrayList<>(List.of("unshare", root ? "-n" : "-rn", "--", info.command().orElse("java")));
        cmd.addAll(List.of(info.arguments().orElse(new String[0])));
        ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
        pb.environment().put("BINDLAB_NETNS", "1");
        pb.environment().put("BINDLAB_USERNS", root ? "0" : "1");
        try {
            System.exit(pb.start().waitFor());
        } catch (IOException e) {
            System.out.println("bindlab: cannot run `unshare` (" + e.getMessage() + "); running in the current namespace");
        }
    }

    static void ip(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
    }

    static void setupAddresses(boolean netns) throws Exception {
        if (!netns) {
            if (IFACES.length > 0) {
                System.out.println("bindlab: this scenario uses addresses besides loopback; run it on Linux (in a namespace), or use the Python export, which maps them to loopback aliases.");
                System.exit(2);
            }
            return;
        }
        ip("link", "set", "lo", "up");
        ip("link", "set", "lo", "multicast", "on");
        ip("route", "add", "224.0.0.0/4", "dev", "lo");
        ip("route", "add", "local", "203.0.113.0/24", "dev", "lo");
        ip("-6", "route", "add", "local", "2001:db8::/64", "dev", "lo");
        for (String a : IFACES) {
            if (a.contains(":")) {
                ip("-6", "addr", "add", a + "/128", "dev", "lo", "nodad");
                // Its route comes from queued DAD work, even with nodad.
                for (int i = 0; i < 300; i++) {
                    Process p = new ProcessBuilder("ip", "-6", "route", "get", a).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                    if (p.waitFor() == 0) break;
                    Thread.sleep(10);
                }
            } else {
                ip("addr", "add", a + "/32", "dev", "lo");
            }
        }
        // A host with an IPv4 address outside 127/8 has a route to broadcast (as bindlab assumes).
        if (java.util.Arrays.stream(IFACES).anyMatch(a -> !a.contains(":") && !a.startsWith("127."))) {
            ip("route", "add", "255.255.255.255/32", "dev", "lo");
        }
        // One with an IPv6 address outside ::1 has the route every interface but loopback gets (as bindlab assumes).
        if (java.util.Arrays.stream(IFACES).anyMatch(a -> a.contains(":") && !a.equals("::1"))) {
            ip("-6", "route", "add", "multicast", "ff00::/8", "dev", "lo", "table", "local");
        }
    }

    public static void main(String[] args) throws Exception {
        reexecInNetns(args);
        Run r = new Run();
        r.netns = "1".equals(System.getenv("BINDLAB_NETNS"));
        setupAddresses(r.netns);
        r.yes = List.of(args).contains("--yes") || System.console() == null;
        String os = System.getProperty("os.name").toLowerCase();
        r.predicted = os.contains("linux") ? PREDICTED_LINUX : os.contains("mac") ? PREDICTED_MACOS
                : os.contains("windows") ? PREDICTED_WINDOWS : PREDICTED_FREEBSD;
        r.width = 4;
        for (String t : STEP_TEXTS) {
            r.width = Math.max(r.width, t.codePointCount(0, t.length()));
        }
        System.out.printf("%s%nOn %s %s, bindlab predicts the column on the right.%n%n", TITLE, System.getProperty("os.name"), System.getProperty("os.version"));
        System.out.printf("line  %s  %s  %s  match%n", pad("step", r.width), pad("real outcome", 22), pad("bindlab", 22));
        runScenario(r);
        System.out.printf("%n%d matched, %d differ%s%n", r.matched, r.differ, r.skipped > 0 ? ", " + r.skipped + " skipped" : "");
        System.exit(r.differ == 0 ? 0 : 1);
    }
}
