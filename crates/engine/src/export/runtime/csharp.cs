    // -----------------------------------------------------------------------
    // How this program works (the same on every scenario bindlab exports)
    // -----------------------------------------------------------------------
    // Each step is the real call on System.Net.Sockets.Socket: new Socket,
    // SetSocketOption, Bind, Listen, Connect, Accept, Close. Its outcome is
    // recorded as the error's name (WSAEADDRINUSE on Windows, EADDRINUSE
    // elsewhere) and printed beside bindlab's prediction for this OS. .NET
    // has no SO_REUSEPORT option name, and on Linux and macOS its
    // ReuseAddress sets SO_REUSEPORT as well; another user cannot be acted
    // as: where a step cannot be expressed the program says so and stops.
    // Exit status 0 only when every checked step matches.
    //
    // Linux: run it in a private network namespace where the scenario's
    // addresses exist, e.g. sudo unshare -n sh -c 'ip link set lo up; mono Check.exe'
    // (the program adds the addresses itself when BINDLAB_NETNS=1).

    class NotExpressible : Exception
    {
        public NotExpressible(string why) : base("not expressible in C#: " + why) { }
    }

    class Sock
    {
        public Socket Socket;
        public bool Listening;
        public bool Udp; // a `datagram` step counts what it received
        public readonly Queue<Socket> Stash = new Queue<Socket>(); // connections already accepted, in order
    }

    // What a step gave besides ok or an exception: who took the connections.
    class Outcome
    {
        public SortedDictionary<string, int> Routes;
    }

    class Run
    {
        readonly Dictionary<string, Sock> socks = new Dictionary<string, Sock>();
        readonly List<Socket> clients = new List<Socket>();
        int nextClient;
        public bool Windows, Yes, Netns;
        public Prediction[] Predicted;
        public int Width, Index, Matched, Differ, Skipped;
        bool stopped;

        Sock Get(string name)
        {
            Sock s;
            if (!socks.TryGetValue(name, out s)) throw new SocketException((int)SocketError.NotSocket);
            return s;
        }

        public Outcome NotExpressible(string why) { throw new NotExpressible(why); }

        public Outcome NewSocket(string name, AddressFamily family, bool udp = false)
        {
            var s = udp ? new Socket(family, SocketType.Dgram, ProtocolType.Udp) : new Socket(family, SocketType.Stream, ProtocolType.Tcp);
            // Mono turns SO_REUSEADDR on for every socket it makes; the scenario's start with the OS's default, off.
            s.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, false);
            socks[name] = new Sock { Socket = s, Udp = udp };
            return null;
        }

        // IP_ADD_MEMBERSHIP (IPV6_JOIN_GROUP for a v6 group) on the loopback interface.
        public Outcome Join(string name, string group)
        {
            var s = Get(name);
            if (!s.Udp) return NotExpressible("SetSocketOption(AddMembership) is for UDP sockets only");
            var g = IPAddress.Parse(group);
            if (g.AddressFamily == AddressFamily.InterNetworkV6)
                s.Socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.AddMembership, new IPv6MulticastOption(g, LoopbackIndex()));
            else
                s.Socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(g, IPAddress.Loopback));
            return null;
        }

        static long LoopbackIndex()
        {
            foreach (var nic in System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces())
                if (nic.NetworkInterfaceType == System.Net.NetworkInformation.NetworkInterfaceType.Loopback && nic.Supports(System.Net.NetworkInformation.NetworkInterfaceComponent.IPv6))
                    return nic.GetIPProperties().GetIPv6Properties().Index;
            return 1;
        }

        // count peers each send one UDP datagram to host:port (SendTo); then every UDP socket reads what it got.
        public Outcome Datagram(string host, int port, int count)
        {
            var dst = IPAddress.Parse(host);
            if (dst.IsIPv4MappedToIPv6) dst = dst.MapToIPv4(); // an IPv4 peer
            bool v6 = dst.AddressFamily == AddressFamily.InterNetworkV6;
            for (int i = 0; i < count; i++)
            {
                int k = nextClient++;
                using (var c = new Socket(dst.AddressFamily, SocketType.Dgram, ProtocolType.Udp))
                {
                    if (Netns)
                    {
                        // Where bindlab's k-th peer sends from, as its predictions name them.
                        if (IPAddress.IsLoopback(dst)) c.Bind(new IPEndPoint(v6 ? IPAddress.IPv6Loopback : IPAddress.Loopback, 40000 + k % 25000));
                        else if (!v6) c.Bind(new IPEndPoint(IPAddress.Parse("203.0.113." + (k % 250 + 1)), 40000 + k / 250));
                        else c.Bind(new IPEndPoint(IPAddress.Parse("2001:db8::" + (k % 250 + 1).ToString("x")), 40000 + k / 250));
                    }
                    c.SendTo(System.Text.Encoding.ASCII.GetBytes("bindlab"), new IPEndPoint(PeerTarget(dst.ToString()), port));
                }
            }
            Thread.Sleep(50);
            var got = new SortedDictionary<string, int>();
            var buf = new byte[2048];
            foreach (var e in socks)
            {
                if (!e.Value.Udp) continue;
                var sock = e.Value.Socket;
                while (sock.Poll(0, SelectMode.SelectRead))
                {
                    try { sock.Receive(buf); }
                    catch (SocketException x) when (x.SocketErrorCode == SocketError.ConnectionRefused || x.SocketErrorCode == SocketError.ConnectionReset) { continue; }
                    catch (SocketException) { break; }
                    int n;
                    got.TryGetValue(e.Key, out n);
                    got[e.Key] = n + 1;
                }
            }
            return new Outcome { Routes = got };
        }

        public Outcome Set(string name, SocketOptionLevel level, SocketOptionName option, bool on)
        {
            Get(name).Socket.SetSocketOption(level, option, on);
            return null;
        }

        public int PortOf(string name)
        {
            Sock s;
            if (!socks.TryGetValue(name, out s)) return 0;
            var a = s.Socket.LocalEndPoint as IPEndPoint;
            return a == null ? 0 : a.Port;
        }

        public Outcome Bind(string name, string host, int port)
        {
            Get(name).Socket.Bind(new IPEndPoint(IPAddress.Parse(host), port));
            return null;
        }

        public Outcome Listen(string name)
        {
            var s = Get(name);
            s.Socket.Listen(128);
            s.Listening = true;
            return null;
        }

        // Accepts on every listener of port to see which took the new connections; they wait in a stash.
        SortedDictionary<string, int> Drain(int port, int expect)
        {
            var taken = new SortedDictionary<string, int>();
            int got = 0;
            var deadline = DateTime.UtcNow.AddSeconds(1);
            while (got < expect && DateTime.UtcNow < deadline)
            {
                foreach (var e in socks)
                {
                    if (!e.Value.Listening || PortOf(e.Key) != port) continue;
                    while (e.Value.Socket.Poll(0, SelectMode.SelectRead))
                    {
                        e.Value.Stash.Enqueue(e.Value.Socket.Accept());
                        int n;
                        taken.TryGetValue(e.Key, out n);
                        taken[e.Key] = n + 1;
                        got++;
                    }
                }
                if (got < expect) Thread.Sleep(10);
            }
            return taken;
        }

        // A blocking connect, bounded to 3 s (a timeout stops the run).
        static void ConnectTo(Socket s, string host, int port)
        {
            ConnectTo(s, IPAddress.Parse(host), port);
        }

        static void ConnectTo(Socket s, IPAddress host, int port)
        {
            var ar = s.BeginConnect(new IPEndPoint(host, port), null, null);
            if (!ar.AsyncWaitHandle.WaitOne(3000)) throw new SocketException((int)SocketError.TimedOut);
            s.EndConnect(ar);
        }

        public Outcome Connect(string name, string host, int port)
        {
            ConnectTo(Get(name).Socket, host, port);
            return new Outcome { Routes = Drain(port, 1) };
        }

        public Outcome Accept(string name, string newName)
        {
            var s = Get(name);
            Socket c;
            if (s.Stash.Count > 0) c = s.Stash.Dequeue();
            else if (!s.Socket.Poll(0, SelectMode.SelectRead)) throw new SocketException((int)(s.Listening ? SocketError.WouldBlock : SocketError.InvalidArgument));
            else c = s.Socket.Accept();
            socks[newName] = new Sock { Socket = c };
            return null;
        }

        public Outcome Close(string name)
        {
            var s = Get(name);
            socks.Remove(name);
            foreach (var c in s.Stash)
            {
                c.LingerState = new LingerOption(true, 0); // what the kernel does to queued connections: a reset
                c.Close();
            }
            s.Socket.Close();
            return null;
        }

        // Where a peer connects: a peer on the link reaches a link-local address
        // (fe80::/10) through loopback's zone, which a scenario's own calls never name.
        static IPAddress PeerTarget(string host)
        {
            var a = IPAddress.Parse(host);
            if (a.AddressFamily == AddressFamily.InterNetworkV6 && a.IsIPv6LinkLocal)
                a.ScopeId = System.Net.NetworkInformation.NetworkInterface.IPv6LoopbackInterfaceIndex;
            return a;
        }

        // count peers connect to host:port; on Linux (in the namespace) IPv4 peers come from 203.0.113.x.
        public Outcome Client(string host, int port, int count)
        {
            var dst = IPAddress.Parse(host);
            SocketException first = null;
            int ok = 0;
            for (int i = 0; i < count; i++)
            {
                int k = nextClient++;
                var c = new Socket(dst.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    if (Netns && dst.AddressFamily == AddressFamily.InterNetwork)
                        c.Bind(new IPEndPoint(IPAddress.Parse("203.0.113." + (k % 250 + 1)), 40000 + k / 250));
                    ConnectTo(c, PeerTarget(host), port);
                    clients.Add(c); // the peer stays open
                    ok++;
                }
                catch (SocketException e)
                {
                    if (first == null) first = e;
                    c.Close();
                }
            }
            var taken = ok > 0 ? Drain(port, ok) : new SortedDictionary<string, int>();
            if (first != null) throw first;
            return new Outcome { Routes = taken };
        }

        public Outcome Wait(TimeSpan t)
        {
            if (t.TotalSeconds > 5 && !Yes)
            {
                Console.Write("The scenario waits {0} s (for TIME_WAIT to end). Wait? [Y/n] ", t.TotalSeconds);
                var answer = Console.ReadLine() ?? "";
                if (answer.Trim().ToLowerInvariant().StartsWith("n")) throw new NotExpressible("wait declined");
            }
            Thread.Sleep(t);
            return null;
        }

        string Name(SocketException e)
        {
            var names = new Dictionary<SocketError, string> {
                {SocketError.AddressAlreadyInUse, "EADDRINUSE"}, {SocketError.AddressNotAvailable, "EADDRNOTAVAIL"},
                {SocketError.AccessDenied, "EACCES"}, {SocketError.InvalidArgument, "EINVAL"},
                {SocketError.ConnectionRefused, "ECONNREFUSED"}, {SocketError.WouldBlock, "EAGAIN"},
                {SocketError.IsConnected, "EISCONN"}, {SocketError.NotConnected, "ENOTCONN"},
                {SocketError.ProtocolOption, "ENOPROTOOPT"}, {SocketError.AddressFamilyNotSupported, "EAFNOSUPPORT"},
                {SocketError.NetworkUnreachable, "ENETUNREACH"}, {SocketError.HostUnreachable, "EHOSTUNREACH"},
                {SocketError.OperationNotSupported, "EOPNOTSUPP"}, {SocketError.TimedOut, "ETIMEDOUT"},
                {SocketError.NotSocket, "EBADF"}, {SocketError.AlreadyInProgress, "EALREADY"},
                {SocketError.ConnectionReset, "ECONNRESET"}, {SocketError.NoBufferSpaceAvailable, "ENOBUFS"},
            };
            string n;
            if (!names.TryGetValue(e.SocketErrorCode, out n)) return e.SocketErrorCode.ToString();
            if (!Windows) return n;
            if (n == "EAGAIN") return "WSAEWOULDBLOCK";
            return n == "EBADF" ? "WSAENOTSOCK" : "WSA" + n;
        }

        // Runs one step (unless the run has stopped) and prints its row.
        public void Step(int line, string text, Func<Outcome> call)
        {
            var p = Predicted[Index++];
            if (stopped)
            {
                Skipped++;
                Console.WriteLine("{0,4}  {1}  {2}  {3}  ?", line, text.PadRight(Width), "not run".PadRight(22), p.Result.PadRight(22));
                return;
            }
            string real = "ok";
            SortedDictionary<string, int> routes = null;
            try
            {
                var o = call();
                if (o != null) routes = o.Routes;
            }
            catch (NotExpressible e)
            {
                Skipped++;
                stopped = true;
                Console.WriteLine("{0,4}  {1}  {2}  {3}  ?  ({4})", line, text.PadRight(Width), "skipped".PadRight(22), p.Result.PadRight(22), e.Message);
                return;
            }
            catch (SocketException e)
            {
                real = Name(e);
            }
            catch (ObjectDisposedException)
            {
                real = Windows ? "WSAENOTSOCK" : "EBADF";
            }
            if (real.EndsWith("ETIMEDOUT")) stopped = true; // the kernel keeps trying for minutes
            string got = routes == null ? null : string.Join(" ", routes.Where(kv => kv.Value > 0).Select(kv => kv.Key + "=" + kv.Value));
            bool same = real == p.Result;
            if (same && got != null && p.Routes != null)
            {
                if (p.Candidates == "") same = got == p.Routes;
                else same = routes.Keys.All(k => p.Candidates.Split(' ').Contains(k)) && Sum(got) == Sum(p.Routes);
            }
            if (same) Matched++; else Differ++;
            Console.WriteLine("{0,4}  {1}  {2}  {3}  {4}", line, text.PadRight(Width), Shown(real, got).PadRight(22), Shown(p.Result, p.Routes).PadRight(22), same ? "✓" : "✗");
        }
    }

    static int Sum(string routes)
    {
        return routes.Split(' ').Where(kv => kv.Contains("=")).Sum(kv => int.Parse(kv.Split('=')[1]));
    }

    static string Shown(string result, string routes)
    {
        return string.IsNullOrEmpty(routes) ? result : result + " → " + routes.Replace('=', '×');
    }

    static bool Ip(string args)
    {
        try
        {
            using (var p = Process.Start(new ProcessStartInfo("ip", args) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true }))
            {
                p.WaitForExit();
                return p.ExitCode == 0;
            }
        }
        catch (Exception) { return false; }
    }

    public static int Main(string[] args)
    {
        Console.OutputEncoding = new System.Text.UTF8Encoding(false);
        var r = new Run();
        r.Netns = Environment.GetEnvironmentVariable("BINDLAB_NETNS") == "1";
        if (r.Netns)
        {
            Ip("link set lo up");
            Ip("link set lo multicast on");
            Ip("route add 224.0.0.0/4 dev lo");
            Ip("-6 route add local 2001:db8::/64 dev lo");
            Ip("route add local 203.0.113.0/24 dev lo");
            foreach (var a in IFACES)
            {
                Ip(a.Contains(":") ? "-6 addr add " + a + "/128 dev lo nodad" : "addr add " + a + "/32 dev lo");
                // An IPv6 address's route comes from queued DAD work, even with nodad.
                for (int i = 0; a.Contains(":") && i < 300 && !Ip("-6 route get " + a); i++)
                    System.Threading.Thread.Sleep(10);
            }
            // A host with an IPv4 address outside 127/8 has a route to broadcast (as bindlab assumes).
            if (IFACES.Any(a => !a.Contains(":") && !a.StartsWith("127.")))
                Ip("route add 255.255.255.255/32 dev lo");
            // One with an IPv6 address outside ::1 has the route every interface but loopback gets (as bindlab assumes).
            if (IFACES.Any(a => a.Contains(":") && a != "::1"))
                Ip("-6 route add multicast ff00::/8 dev lo table local");
        }
        r.Yes = args.Contains("--yes") || Console.IsInputRedirected;
        r.Windows = Environment.OSVersion.Platform == PlatformID.Win32NT;
        bool mac = File.Exists("/System/Library/CoreServices/SystemVersion.plist");
        bool linux = File.Exists("/proc/version");
        r.Predicted = r.Windows ? PREDICTED_WINDOWS : mac ? PREDICTED_MACOS : linux ? PREDICTED_LINUX : PREDICTED_FREEBSD;
        r.Width = Math.Max(4, STEP_TEXTS.Max(t => t.Length));
        Console.WriteLine("{0}\nOn {1}, bindlab predicts the column on the right.\n", TITLE, Environment.OSVersion);
        Console.WriteLine("line  {0}  {1}  {2}  match", "step".PadRight(r.Width), "real outcome".PadRight(22), "bindlab".PadRight(22));
        RunScenario(r);
        Console.WriteLine("\n{0} matched, {1} differ{2}", r.Matched, r.Differ, r.Skipped > 0 ? ", " + r.Skipped + " skipped" : "");
        return r.Differ == 0 ? 0 : 1;
    }
}
