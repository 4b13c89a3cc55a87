// ---------------------------------------------------------------------------
// How this program works (the same on every scenario bindlab exports)
// ---------------------------------------------------------------------------
// Node's `net` makes a socket inside one call: server.listen() creates,
// binds and listens; net.connect() creates, binds (localAddress) and
// connects. libuv, under Node, turns SO_REUSEADDR on for every socket it
// binds, and Node 20 has no SO_REUSEPORT. So where the scenario binds
// without SO_REUSEADDR, sets SO_REUSEPORT, binds without listening or
// connecting, or acts as another user, the program says "not expressible in
// Node" at that step and stops there. A bind and listen done by one call are
// one row's outcome: the first failure bindlab predicts for the two. Each
// outcome is the error's code (EADDRINUSE, ...) beside bindlab's prediction
// for this OS. Exit status 0 only when every checked step matches.
//
// UDP sockets are dgram sockets: created with their options
// (dgram.createSocket({ type, reuseAddr, ipv6Only })) and bound in the bind
// step; a `datagram` step sends from fresh dgram peers and counts the
// 'message' events of every UDP socket; `join` is addMembership on
// loopback. Node has no IP_MULTICAST_ALL and (Node 20) no reusePort; libuv
// binds an unbound socket to join: those steps are not expressible.
//
// Linux: the program re-runs itself in a private network namespace
// (`unshare -n`, or `unshare -rn` when not root) where the scenario's
// addresses exist on loopback. Options: --yes, --no-netns.

class NotExpressible extends Error {}

function notExpressibleError(why) {
  return new NotExpressible(`not expressible in Node: ${why}`);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

class Run {
  constructor(predicted, width, netns) {
    this.socks = new Map(); // name -> { family, reuseAddr, v6only, server, conn, stash }
    this.clients = [];
    this.nextClient = 0;
    this.predicted = predicted;
    this.width = width;
    this.netns = netns;
    this.index = 0;
    this.stopped = false;
    this.matched = 0;
    this.differ = 0;
    this.skipped = 0;
  }

  sock(name) {
    const s = this.socks.get(name);
    if (!s) throw Object.assign(new Error("no such socket"), { code: "EBADF" });
    return s;
  }

  notExpressible(why) {
    throw notExpressibleError(why);
  }

  socket(name, family, udp = false) {
    // Node creates the socket in listen(), connect() or (UDP) bind(), with the options recorded here.
    this.socks.set(name, { family, udp, reuseAddr: false, v6only: false, server: null, conn: null, dgram: null, got: 0, stash: [] });
  }

  reuseAddr(name, on) {
    const s = this.sock(name);
    if (s.dgram) throw notExpressibleError("dgram takes reuseAddr when it makes the socket, not after bind");
    s.reuseAddr = on;
  }

  /** A dgram socket made with the recorded options; it counts what it receives. */
  makeDgram(s) {
    const d = dgram.createSocket({ type: s.family === 6 ? "udp6" : "udp4", reuseAddr: s.reuseAddr, ipv6Only: s.v6only });
    d.on("message", () => s.got++);
    d.on("error", () => {});
    s.dgram = d;
    return d;
  }

  /** dgram socket.bind(): the socket is made here, with its options. */
  async bind(name, host, port) {
    const s = this.sock(name);
    if (s.dgram) throw notExpressibleError("a dgram socket binds once (libuv may have bound it already)");
    const d = this.makeDgram(s);
    try {
      await new Promise((resolve, reject) => {
        d.once("error", reject);
        d.bind({ address: host, port, exclusive: true }, resolve);
      });
    } catch (e) {
      s.dgram = null; // Node closed it; the scenario's socket is still unbound
      d.close?.call(d, () => {});
      throw e;
    }
  }

  /** addMembership on the loopback interface (IP_ADD_MEMBERSHIP / IPV6_JOIN_GROUP). */
  join(name, group) {
    const s = this.sock(name);
    if (!s.udp) throw notExpressibleError("only a dgram socket can join a group");
    if (!s.dgram) throw notExpressibleError("libuv binds an unbound socket to the wildcard before it joins");
    s.dgram.addMembership(group, group.includes(":") ? "::%lo" : "127.0.0.1");
  }

  /** `count` peers each send one datagram to host:port; who received how many ('message' events). */
  async datagram(host, port, count) {
    if (host.startsWith("::ffff:") && host.includes(".")) host = host.slice(7); // an IPv4 peer
    const v6 = host.includes(":");
    for (const s of this.socks.values()) s.got = 0;
    for (let i = 0; i < count; i++) {
      const k = this.nextClient++;
      const peer = dgram.createSocket(v6 ? "udp6" : "udp4");
      try {
        if (this.netns) {
          // Where bindlab's k-th peer sends from, as its predictions name them.
          const loopback = host.startsWith("127.") || host === "::1";
          const address = loopback ? (v6 ? "::1" : "127.0.0.1") : v6 ? `2001:db8::${((k % 250) + 1).toString(16)}` : `203.0.113.${(k % 250) + 1}`;
          const port = loopback ? 40000 + (k % 25000) : 40000 + Math.floor(k / 250);
          await new Promise((resolve, reject) => {
            peer.once("error", reject);
            peer.bind({ address, port }, resolve);
          });
        }
        await new Promise((resolve, reject) => peer.send("bindlab", port, peerHost(host), (e) => (e ? reject(e) : resolve())));
      } finally {
        peer.close();
      }
    }
    // 'message' events arrive on the event loop: wait at least 300 ms, then
    // until the count has settled for 200 ms (up to 2 s in all): a busy
    // machine delivers late, and a dropped datagram never arrives.
    const total = () => [...this.socks.values()].reduce((n, s) => n + s.got, 0);
    await sleep(300);
    let last = total();
    for (let waited = 300, still = 0; waited < 2000 && still < 200; waited += 50) {
      await sleep(50);
      const now = total();
      still = now === last ? still + 50 : 0;
      last = now;
    }
    const got = {};
    for (const [name, s] of this.socks) if (s.got > 0) got[name] = s.got;
    return got;
  }

  v6only(name, on) {
    const s = this.sock(name);
    if (s.family === 4) throw notExpressibleError("ipv6Only exists only for IPv6 servers");
    s.v6only = on;
  }

  portOf(name) {
    const s = this.socks.get(name);
    let a = s?.server?.address() ?? (s?.conn ? { port: s.conn.localPort } : null);
    if (s?.dgram) {
      try {
        a = s.dgram.address();
      } catch {
        a = null; // not bound
      }
    }
    return a?.port ?? 0;
  }

  /** server.listen(): socket, bind and listen in one call. */
  async listen(name, host, port) {
    const s = this.sock(name);
    if (s.udp) throw notExpressibleError("a dgram socket has no listen()");
    if (s.server) throw notExpressibleError("a net.Server cannot listen again");
    if (!s.reuseAddr) throw notExpressibleError("libuv turns SO_REUSEADDR on for every socket it binds; this one has it off");
    const server = net.createServer({ pauseOnConnect: true });
    server.on("connection", (c) => s.stash.push(c));
    await new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen({ host, port, backlog: 128, ipv6Only: s.v6only, exclusive: true }, resolve);
    });
    s.server = server;
  }

  /** Waits up to 1 s until `expect` more connections reached the servers on `port`; who took them. */
  async drain(port, expect, before) {
    const deadline = Date.now() + 1000;
    const counts = () => {
      const taken = {};
      let got = 0;
      for (const [name, s] of this.socks) {
        if (s.server && this.portOf(name) === port) {
          const n = s.stash.length - (before.get(name) ?? 0);
          if (n > 0) taken[name] = n;
          got += Math.max(n, 0);
        }
      }
      return [taken, got];
    };
    let [taken, got] = counts();
    while (got < expect && Date.now() < deadline) {
      await sleep(10);
      [taken, got] = counts();
    }
    return taken;
  }

  stashSizes() {
    return new Map([...this.socks].map(([name, s]) => [name, s.stash.length]));
  }

  /** net.connect(): socket, bind (localAddress) and connect in one call, bounded to 3 s. */
  async connect(name, host, port, localAddress, localPort) {
    const s = this.sock(name);
    if (s.udp) {
      if (localAddress !== undefined) await this.bind(name, localAddress, localPort);
      if (s.connected) throw notExpressibleError("a connected dgram socket must disconnect() first, which gives up an autobound port");
      const d = s.dgram ?? this.makeDgram(s);
      await new Promise((resolve, reject) => {
        d.once("error", reject);
        d.connect(port, host, (e) => (e ? reject(e) : resolve()));
      });
      s.connected = true;
      return;
    }
    if (s.conn) throw Object.assign(new Error("already connected"), { code: "EISCONN" });
    if (s.server) throw notExpressibleError("a net.Server cannot connect");
    if (localAddress !== undefined && !s.reuseAddr) {
      throw notExpressibleError("libuv turns SO_REUSEADDR on for every socket it binds; this one has it off");
    }
    const before = this.stashSizes();
    s.conn = await dial({ host, port, localAddress, localPort, family: s.family });
    return this.drain(port, 1, before);
  }

  async accept(name, newName) {
    const s = this.sock(name);
    if (s.udp) throw notExpressibleError("a dgram socket has no accept()");
    if (!s.server) return { error: "EINVAL" };
    await sleep(10); // let pending connections arrive as events
    const c = s.stash.shift();
    if (!c) return { error: "EAGAIN" };
    this.socks.set(newName, { family: s.family, reuseAddr: false, v6only: false, server: null, conn: c, stash: [] });
  }

  async close(name) {
    const s = this.sock(name);
    this.socks.delete(name);
    for (const c of s.stash) c.resetAndDestroy(); // what the kernel does to queued connections: a reset
    // server.close() stops listening now (its callback would wait for every accepted connection to end).
    if (s.server) s.server.close();
    if (s.dgram) s.dgram.close();
    await new Promise((resolve) => setImmediate(resolve));
    if (s.conn) s.conn.destroy();
  }

  /** `count` peers connect to host:port; on Linux (in the namespace) IPv4 peers come from 203.0.113.x. */
  async client(host, port, count) {
    const before = this.stashSizes();
    let firstError = null;
    let ok = 0;
    for (let i = 0; i < count; i++) {
      const k = this.nextClient++;
      const local = this.netns && !host.includes(":") ? { localAddress: `203.0.113.${(k % 250) + 1}` } : {};
      try {
        this.clients.push(await dial({ host: peerHost(host), port, ...local }));
        ok++;
      } catch (e) {
        firstError ??= e;
      }
    }
    const taken = ok > 0 ? await this.drain(port, ok, before) : {};
    if (firstError) throw firstError;
    return taken;
  }

  async wait(ms) {
    if (ms > 5000 && !YES) {
      const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
      const answer = await new Promise((resolve) => rl.question(`The scenario waits ${ms / 1000} s (for TIME_WAIT to end). Wait? [Y/n] `, resolve));
      rl.close();
      if (answer.trim().toLowerCase().startsWith("n")) throw Object.assign(notExpressibleError(""), { message: "wait declined; later steps may differ" });
    }
    await sleep(ms);
  }

  /** Runs one step (unless the run has stopped) and prints its row. */
  async step(line, text, call) {
    await this.group([line], [text], call);
  }

  /** Steps one Node call performs together: one outcome, against the first failure bindlab predicts among them. */
  async group(lines, texts, call) {
    const preds = this.predicted.slice(this.index, this.index + lines.length);
    this.index += lines.length;
    const p = preds.find((q) => q.result !== "ok") ?? preds[preds.length - 1];
    for (let i = 0; i < lines.length - 1; i++) {
      console.log(`${String(lines[i]).padStart(4)}  ${pad(texts[i], this.width)}  ${pad("(with the next line)", 22)}  ${pad(preds[i].result, 22)}  ·`);
    }
    const line = lines[lines.length - 1];
    const text = texts[texts.length - 1];
    if (this.stopped) {
      this.skipped++;
      console.log(`${String(line).padStart(4)}  ${pad(text, this.width)}  ${pad("not run", 22)}  ${pad(p.result, 22)}  ?`);
      return;
    }
    let real = "ok";
    let routes = null;
    try {
      const r = await call();
      if (r && r.error) real = r.error;
      else if (r && typeof r === "object") routes = r;
    } catch (e) {
      if (e instanceof NotExpressible) {
        this.skipped++;
        this.stopped = true;
        console.log(`${String(line).padStart(4)}  ${pad(text, this.width)}  ${pad("skipped", 22)}  ${pad(p.result, 22)}  ?  (${e.message})`);
        return;
      }
      real = e.code ?? String(e.message);
    }
    if (real === "ETIMEDOUT") this.stopped = true; // the kernel keeps trying for minutes
    const got = routes ? routesText(routes) : null;
    let same = real === p.result;
    if (same && got !== null && p.routes !== null) {
      if (p.candidates === "") same = got === p.routes;
      else {
        const cands = p.candidates.split(" ");
        same = Object.keys(routes).every((k) => cands.includes(k)) && sum(got) === sum(p.routes);
      }
    }
    if (same) this.matched++;
    else this.differ++;
    console.log(`${String(line).padStart(4)}  ${pad(text, this.width)}  ${pad(shown(real, got), 22)}  ${pad(shown(p.result, p.routes), 22)}  ${same ? "✓" : "✗"}`);
  }
}

/** net.connect, resolved once connected; a refusal or a 3 s timeout rejects. */

/** Where a peer connects: a peer on the link reaches a link-local address
 * (fe80::/10) through loopback's zone, which a scenario's own calls never name. */
function peerHost(host) {
  return /^fe[89ab][0-9a-f]:/i.test(host) ? `${host}%${process.platform === "linux" ? "lo" : "lo0"}` : host;
}

function dial(options) {
  return new Promise((resolve, reject) => {
    const c = net.connect(options);
    c.setTimeout(3000, () => {
      c.destroy();
      reject(Object.assign(new Error("timed out"), { code: "ETIMEDOUT" }));
    });
    c.once("connect", () => {
      c.setTimeout(0);
      resolve(c);
    });
    c.once("error", reject);
  });
}

function routesText(m) {
  return Object.keys(m)
    .sort()
    .filter((k) => m[k] > 0)
    .map((k) => `${k}=${m[k]}`)
    .join(" ");
}

function sum(routes) {
  return routes
    .split(" ")
    .map((kv) => Number(kv.split("=")[1] ?? 0))
    .reduce((a, b) => a + b, 0);
}

function pad(s, w) {
  const n = [...s].length;
  return n >= w ? s : s + " ".repeat(w - n);
}

function shown(result, routes) {
  return routes ? `${result} → ${routes.replaceAll("=", "×")}` : result;
}

/** Linux: run again inside a private network namespace (nothing on the real network is touched). */
function reexecInNetns() {
  if (process.platform !== "linux" || process.env.BINDLAB_NETNS === "1" || process.argv.includes("--no-netns")) return;
  const root = process.getuid() === 0;
  const r = spawnSync("unshare", [root ? "-n" : "-rn", "--", process.execPath, ...process.argv.slice(1)], {
    stdio: "inherit",
    env: { ...process.env, BINDLAB_NETNS: "1", BINDLAB_USERNS: root ? "0" : "1" },
  });
  if (r.error) {
    console.log(`bindlab: cannot run \`unshare\` (${r.error.message}); running in the current namespace`);
    return;
  }
  process.exit(r.status ?? 1);
}

function setupAddresses(netns) {
  if (!netns) {
    if (IFACES.length > 0) {
      console.log("bindlab: this scenario uses addresses besides loopback; run it on Linux (in a namespace), or use the Python export, which maps them to loopback aliases.");
      process.exit(2);
    }
    return;
  }
  const ip = (...args) => spawnSync("ip", args, { stdio: "ignore" });
  ip("link", "set", "lo", "up");
  ip("link", "set", "lo", "multicast", "on");
  ip("route", "add", "224.0.0.0/4", "dev", "lo");
  ip("route", "add", "local", "203.0.113.0/24", "dev", "lo");
  ip("-6", "route", "add", "local", "2001:db8::/64", "dev", "lo");
  for (const a of IFACES) {
    if (a.includes(":")) {
      ip("-6", "addr", "add", `${a}/128`, "dev", "lo", "nodad");
      // Its route comes from queued DAD work, even with nodad.
      for (let i = 0; i < 300 && ip("-6", "route", "get", a).status !== 0; i++) {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
      }
    } else ip("addr", "add", `${a}/32`, "dev", "lo");
  }
  // A host with an IPv4 address outside 127/8 has a route to broadcast (as bindlab assumes).
  if (IFACES.some((a) => !a.includes(":") && !a.startsWith("127."))) ip("route", "add", "255.255.255.255/32", "dev", "lo");
  // One with an IPv6 address outside ::1 has the route every interface but loopback gets (as bindlab assumes).
  if (IFACES.some((a) => a.includes(":") && a !== "::1")) ip("-6", "route", "add", "multicast", "ff00::/8", "dev", "lo", "table", "local");
}

const YES = process.argv.includes("--yes") || !process.stdin.isTTY;

async function main() {
  reexecInNetns();
  const netns = process.env.BINDLAB_NETNS === "1";
  setupAddresses(netns);
  const os = { linux: "linux", darwin: "macos", freebsd: "freebsd", win32: "windows" }[process.platform] ?? "linux";
  const width = Math.max(4, ...STEP_TEXTS.map((t) => [...t].length));
  const r = new Run(PREDICTED[os], width, netns);
  console.log(`${TITLE}\nOn ${process.platform} ${process.version}, bindlab predicts the column on the right.\n`);
  console.log(`line  ${pad("step", width)}  ${pad("real outcome", 22)}  ${pad("bindlab", 22)}  match`);
  await runScenario(r);
  console.log(`\n${r.matched} matched, ${r.differ} differ${r.skipped ? `, ${r.skipped} skipped` : ""}`);
  process.exit(r.differ === 0 ? 0 : 1);
}

await main();
