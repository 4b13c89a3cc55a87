// "Paste a socket table" in Debian's Chromium: a real `ss -tanpe` capture
// read in the page, the bind asked about answered per option set with the
// rule, garbage refused with a message, nothing sent anywhere, axe-clean and
// at phone width.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { serve, launch, openPage, overflowing, live } from './harness.mjs';

const capture = (name) => fs.readFileSync(new URL(`../../crates/sockets/src/testdata/${name}`, import.meta.url), 'utf8');
const SS = capture('ss-tanpe.txt');

let server, browser;
before(async () => {
  server = await serve({ csp: true });
  browser = await launch();
});
after(async () => {
  try { await browser?.close(); } finally { await server?.close(); }
});

for (const [size, viewport] of [['wide', { width: 1280, height: 900 }], ['phone', { width: 390, height: 844 }]]) {
  test(`a pasted ss table answers "what if I bind" (${size})`, async () => {
    const { page, context, problems, urls } = await openPage(browser, server.origin + '/#/guides', { viewport, isMobile: size === 'phone' });
    try {
      // Reached from the guides' index.
      await page.locator('.guides-page a[href="paste/"]').click();
      await page.waitForSelector('.paste-page textarea');
      assert.equal(await page.title(), 'Paste a socket table — bindlab');
      await page.fill('#paste-table', SS);
      await page.waitForSelector('.paste-answer');
      assert.equal(await page.locator('.paste-read').innerText(), 'Read 7 TCP sockets from ss (Linux).');
      // No port asked: the first listener's port, on every address.
      assert.equal(await page.locator('#paste-answer-h').innerText(), 'What if I bind 0.0.0.0:9090 on Linux?');
      // The empty box shows that address, not an example nobody asked.
      assert.equal(await page.locator('#paste-bind').getAttribute('placeholder'), '0.0.0.0:9090');
      await page.fill('#paste-bind', '0.0.0.0:8080');
      await page.waitForFunction(() => document.querySelector('#paste-answer-h')?.textContent === 'What if I bind 0.0.0.0:8080 on Linux?');
      // The listener, its connection and its TIME_WAIT, named after the program.
      assert.equal(await page.locator('.paste-sockets tbody tr').count(), 3);
      assert.match(await page.locator('.paste-sockets tbody tr').first().innerText(), /python3_4701[\s\S]*LISTEN 0\.0\.0\.0:8080[\s\S]*python3 \(pid 4701\); user root; SO_REUSEADDR unknown/);
      const verdicts = await page.locator('.paste-verdicts li').allInnerTexts();
      assert.equal(verdicts.length, 8); // four option sets, unknowns off and on
      // The table's sockets were rebuilt as they are: no notice.
      assert.equal(await page.locator('.paste-rebuilt').count(), 0);
      assert.match(verdicts[0], /^no option \(unknown options off\): bind fails with EADDRINUSE: .*python3_4701.* linux\.bind\.in-use$/);
      assert.ok(verdicts.every((v) => /fails with EADDRINUSE/.test(v)), verdicts.join('\n'));
      assert.match(await page.locator('.advice').innerText(), /no socket option helps while python3_4701 \(pid 4701, python3\) holds the port/);
      // The same state as a live scenario, with the bind: fails on Linux.
      await page.locator('.paste-page .bindlab-widget button', { hasText: 'Run all' }).click();
      const last = page.locator('.paste-page tr', { has: page.locator('.step', { hasText: 'bind myapp 0.0.0.0:8080' }) });
      assert.match(await last.locator('td[data-os="Linux"]').innerText(), /EADDRINUSE/);
      // A live scenario of the site's own (as a chapter's): its rule links stay in this tab.
      assert.deepEqual(await page.locator('.paste-page .bindlab-widget a.rule-link').evaluateAll((as) => [...new Set(as.map((a) => a.target))]), ['']);
      // The SO_REUSEPORT listener's port: SO_REUSEPORT works if it set it.
      await page.fill('#paste-bind', '127.0.0.1:9090');
      await page.waitForFunction(() => document.querySelector('#paste-answer-h')?.textContent.includes('127.0.0.1:9090'));
      // As another user than the listener's (root), Linux refuses to share.
      assert.match((await page.locator('.paste-verdicts li').allInnerTexts()).join('\n'),
        /SO_REUSEPORT \(unknown options on\): bind fails with EADDRINUSE: python3_4701 on 127\.0\.0\.1:9090 has SO_REUSEPORT but belongs to root, and myapp to me.* linux\.bind\.reuseport-other-user/);
      // As root, SO_REUSEPORT works if the listener set it too; but that
      // listener is a running server, so stopping it comes first (sharing
      // its port splits its clients: a reader's review, 2026-12-08).
      await page.fill('#paste-user', 'root');
      await page.waitForFunction(() => [...document.querySelectorAll('.paste-verdicts li')].some((li) => li.textContent.startsWith('SO_REUSEPORT (unknown options on): bind and listen work.')));
      assert.match(await page.locator('.advice').innerText(), /^What would make it work:\s*python3_4701 \(pid 4701, python3\) is a running server on this port: stop it, or use another port\. \(SO_REUSEPORT on the new socket would let it bind only if that server set it too/);
      // Another OS for the same table.
      await page.selectOption('#paste-os', 'windows');
      await page.waitForFunction(() => document.querySelector('#paste-answer-h')?.textContent.endsWith('on Windows?'));
      assert.match(await page.locator('.paste-read').innerText(), /answering for Windows/);
      if (size === 'phone') assert.deepEqual(await overflowing(page), []);
      // Garbage: a message that says what to paste; nothing breaks.
      await page.fill('#paste-table', 'hello\nworld');
      await page.fill('#paste-bind', '');
      assert.equal(await page.locator('#paste-bind').getAttribute('placeholder'), '0.0.0.0:8080');
      assert.match(await page.locator('.paste-page [role=alert]').innerText(), /^This does not look like a socket table: paste the output of ss -tanpe/);
      assert.equal(await page.locator('.paste-page [role=alert] code').first().innerText(), 'ss -tanpe');
      await page.fill('#paste-table', 'State Recv-Q Send-Q Local Address:Port Peer Address:Port\nLISTEN 0 128 nonsense 0.0.0.0:*\n');
      assert.match(await page.locator('.paste-page [role=alert]').innerText(), /^Line 2: cannot read/);
      // One line it cannot read among good ones: left out and named; the
      // rest is answered (found by a reader on 2026-12-05).
      await page.fill('#paste-table', 'State Recv-Q Send-Q Local Address:Port Peer Address:Port\nLISTEN 0 128 0.0.0.0:8080 0.0.0.0:*\nLISTEN 0 128 nonsense 0.0.0.0:*\n');
      await page.locator('.paste-unreadable').waitFor();
      assert.match(await page.locator('.paste-unreadable').innerText(), /^1 line could not be read and is left out; the answers are for the rest:\s+Line 3: cannot read LISTEN 0 128 nonsense 0\.0\.0\.0:\* as a line of ss$/);
      assert.match(await page.locator('.paste-read').innerText(), /^Read 1 TCP socket from ss/);
      assert.deepEqual(problems, []);
      // Nothing pasted leaves the page.
      assert.deepEqual(urls.filter((u) => !u.startsWith(server.origin)), []);
      assert.ok(!urls.some((u) => /python3|nonsense|hello/.test(decodeURIComponent(u))), urls.join('\n'));
    } finally { await context.close(); }
  });
}

const SS_UDP = fs.readFileSync(new URL('../../crates/sockets/src/testdata/ss-uanpe.txt', import.meta.url), 'utf8');

test('a pasted ss -uanpe table: UDP receivers, who gets a datagram, and a UDP bind', async () => {
  const { page, context, problems } = await openPage(browser, server.origin + '/#/paste');
  try {
    await page.waitForSelector('.paste-page textarea');
    await page.fill('#paste-table', SS_UDP);
    await page.waitForSelector('.paste-answer');
    assert.equal(await page.locator('.paste-read').innerText(), 'Read 8 UDP sockets from ss (Linux).');
    // Only UDP in the table: the question is a UDP bind of the first receiver's port.
    assert.equal(await page.locator('#paste-answer-h').innerText(), 'What if I bind UDP 0.0.0.0:5000 on Linux?');
    // The two receivers on 0.0.0.0:5000, oldest (bound first) first.
    const rows = await page.locator('.paste-sockets tbody tr').allInnerTexts();
    assert.equal(rows.length, 2, rows.join('\n'));
    assert.match(rows[0], /python3_15079\s[\s\S]*UNCONN 0\.0\.0\.0:5000/);
    // Who receives a datagram now, both ways: options unknown.
    const now = await page.locator('.paste-now li').allInnerTexts();
    assert.equal(now.length, 2, now.join('\n'));
    assert.match(now[1], /^Now \(unknown options on\): each datagram to 127\.0\.0\.1:5000 goes to one of python3_15079, python3_15079_2, chosen by a hash of its sender.* linux\.udp\.deliver\.reuseport-hash$/);
    const verdicts = await page.locator('.paste-verdicts li').allInnerTexts();
    assert.equal(verdicts.length, 8, verdicts.join('\n'));
    assert.match(verdicts[0], /^no option \(unknown options off\): bind fails with EADDRINUSE: /);
    // The two could not share the port with their options off: the page
    // says the table itself shows some are on.
    assert.match(await page.locator('.paste-rebuilt').innerText(),
      /^With every unknown option off, these sockets could not all be as the table shows them: some of them must set an option, so the answers with unknown options on are the likelier ones\.\s+bind python3_15079_2 0\.0\.0\.0:5000 fails with EADDRINUSE$/);
    // Sharing through SO_REUSEADDR, the new socket (the newest) takes every datagram;
    // as another user than root it cannot join their SO_REUSEPORT group.
    assert.equal(verdicts[3], 'SO_REUSEADDR (unknown options on): bind works. Then myapp gets every datagram to 127.0.0.1:5000.');
    assert.match(verdicts[5], /^SO_REUSEPORT \(unknown options on\): bind fails with EADDRINUSE: .*belongs to root and myapp to me.* linux\.udp\.bind\.in-use$/);
    assert.ok(!verdicts.some((v) => /listen/.test(v)), verdicts.join('\n'));
    // As root it joins the group: each datagram to one member, by hash.
    await page.fill('#paste-user', 'root');
    await page.waitForFunction(() => [...document.querySelectorAll('.paste-verdicts li')].some((li) =>
      li.textContent.startsWith('SO_REUSEPORT (unknown options on): bind works.')));
    const asRoot = await page.locator('.paste-verdicts li').allInnerTexts();
    assert.match(asRoot[5], /^SO_REUSEPORT \(unknown options on\): bind works\. Then each datagram to 127\.0\.0\.1:5000 goes to one of python3_15079, python3_15079_2, myapp, chosen by a hash/, asRoot.join('\n'));
    // The live scenario ends on the datagram, after the bind.
    await page.locator('.paste-page .bindlab-widget button', { hasText: 'Run all' }).click();
    const last = page.locator('.paste-page tr', { has: page.locator('.step', { hasText: 'datagram 127.0.0.1:5000' }) });
    assert.match(await last.locator('td[data-os="Linux"]').innerText(), /^ok/);
    // A specific address of the host: answered too (its datagram did not
    // parse, so there were no verdicts, and the advice said "nothing to
    // change" though the bind fails).
    await page.fill('#paste-user', '');
    await page.fill('#paste-bind', '10.0.0.5:5000');
    await page.waitForFunction(() => document.querySelector('#paste-answer-h')?.textContent === 'What if I bind UDP 10.0.0.5:5000 on Linux?');
    const specific = await page.locator('.paste-verdicts li').allInnerTexts();
    assert.equal(specific.length, 8, specific.join('\n'));
    assert.match(specific[0], /^no option \(unknown options off\): bind fails with EADDRINUSE: /);
    assert.doesNotMatch(await page.locator('.paste-answer').innerText(), /nothing to change/i);
    // Port 0: the bind takes a port nothing holds. It had no verdict (its
    // datagram to port 0 did not parse), and the advice was to wait for
    // TIME_WAITs, which UDP has none of.
    await page.fill('#paste-bind', '0.0.0.0:0');
    await page.waitForFunction(() => document.querySelector('#paste-answer-h')?.textContent === 'What if I bind UDP 0.0.0.0:0 on Linux?');
    const zero = await page.locator('.paste-verdicts li').allInnerTexts();
    assert.equal(zero.length, 4, zero.join('\n'));
    assert.ok(zero.every((v) => / bind works\.$/.test(v)), zero.join('\n'));
    assert.match(await page.locator('.paste-answer').innerText(), /nothing to change: the bind works as it is\./i);
    assert.doesNotMatch(await page.locator('.paste-answer').innerText(), /TIME_WAIT/);
    // Asked as TCP, the table has nothing on the port.
    await page.fill('#paste-bind', '0.0.0.0:5000');
    await page.selectOption('#paste-proto', 'tcp');
    await page.waitForFunction(() => document.querySelector('#paste-answer-h')?.textContent === 'What if I bind 0.0.0.0:5000 on Linux?');
    assert.match(await page.locator('.paste-answer').innerText(), /No TCP socket in the table uses port 5000\./);
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

// What the Windows guides tell the reader to run: findstr keeps the rows
// and drops netstat's header (a reader's review, 2026-12-08: refused).
const FINDSTR = `  TCP    0.0.0.0:8080           0.0.0.0:0              LISTENING       15432
  TCP    127.0.0.1:8080         127.0.0.1:50312        ESTABLISHED     15432
  TCP    127.0.0.1:50312        127.0.0.1:8080         ESTABLISHED     9876
  TCP    [::]:8080              [::]:0                 LISTENING       15432
`;

test("an address asked about before any table says what is missing; the guides' `netstat -ano | findstr` rows are read without their header", async () => {
  const { page, context, problems } = await openPage(browser, server.origin + '/paste/');
  try {
    await page.waitForSelector('.paste-page textarea');
    await page.fill('#paste-bind', '0.0.0.0:8080');
    await page.press('#paste-bind', 'Enter');
    await page.getByText('Paste a table above first (or try the sample)').waitFor();
    await page.fill('#paste-table', FINDSTR);
    await page.waitForSelector('.paste-answer');
    assert.equal(await page.locator('#paste-answer-h').innerText(), 'What if I bind 0.0.0.0:8080 on Windows?');
    assert.match(await page.locator('.paste-read').innerText(), /from netstat -ano \(Windows\)/);
    assert.equal(await page.getByText('Paste a table above first').count(), 0);
    // The answer comes first, right under the question; the verdicts after.
    assert.equal(await page.evaluate(() => {
      const [h, advice, verdicts] = ['#paste-answer-h', '.advice', '.paste-verdicts'].map((s) => document.querySelector(s));
      return h.nextElementSibling === advice && !!(advice.compareDocumentPosition(verdicts) & Node.DOCUMENT_POSITION_FOLLOWING);
    }), true);
    // A running server holds the port: stopping it comes first, not sharing.
    assert.match(await page.locator('.advice').innerText(), /^What would make it work:\s*pid15432 \(pid 15432\), pid15432_\d \(pid 15432\) are running servers on this port: stop them, or use another port\./);
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

// sockstat (FreeBSD): a forked server's listener once per process, and a
// TIME_WAIT between two local addresses, which FreeBSD 14 does not keep.
const SOCKSTAT = `USER     COMMAND    PID   FD PROTO  LOCAL ADDRESS         FOREIGN ADDRESS
www      nginx      1235  6  tcp4   *:8080                *:*
root     nginx      1234  6  tcp4   *:8080                *:*
?        ?          ?     ?  tcp4   127.0.0.1:8080        127.0.0.1:50001
`;

test('a pasted sockstat table: one socket per forked listener, and what the rebuild could not make is said', async () => {
  const { page, context, problems } = await openPage(browser, server.origin + '/paste/', { viewport: { width: 390, height: 844 }, isMobile: true });
  try {
    await page.waitForSelector('.paste-page textarea');
    await page.fill('#paste-table', SOCKSTAT);
    await page.waitForSelector('.paste-answer');
    assert.equal(await page.locator('#paste-answer-h').innerText(), 'What if I bind 0.0.0.0:8080 on FreeBSD?');
    const rows = await page.locator('.paste-sockets tbody tr').allInnerTexts();
    assert.equal(rows.length, 2, rows.join('\n'));
    // Both PIDs: stopping the worker alone frees nothing (a reader's review, 2026-12-08).
    assert.match(rows[0], /nginx \(pids 1234, 1235; each holds it\); user root/);
    const notes = await page.locator('.paste-rebuilt').allInnerTexts();
    assert.equal(notes.length, 1, notes.join('\n')); // the same with unknown options off and on
    assert.match(notes[0], /^bindlab could not rebuild these sockets exactly as the table shows them, so the answers may be off:\s+close tw keeps no TIME_WAIT: FreeBSD ends a connection between two of its own addresses at once \(net\.inet\.tcp\.nolocaltimewait, on by default since 14\.0\)\./);
    assert.deepEqual(await overflowing(page), []);
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

// A new reader's review, 2026-12-06, on tables captured here with Python:
// a server that closed its connections and exited left several TIME_WAITs
// on one address; each was rebuilt with a stand-in server of its own, which
// the earlier ones refused (a warning and eight lines of noise), and the
// answers named a peer port the table did not have.
test('several TIME_WAITs of a gone server rebuild as one server\'s, and the stand-in peers are said to be bindlab\'s (phone)', async () => {
  const { page, context, problems } = await openPage(browser, server.origin + '/paste/', { viewport: { width: 390, height: 844 }, isMobile: true });
  try {
    await page.waitForSelector('.paste-page textarea');
    await page.fill('#paste-table', capture('ss-tanp-time-waits.txt'));
    await page.fill('#paste-bind', '127.0.0.1:9090');
    await page.waitForFunction(() => document.querySelector('#paste-answer-h')?.textContent.includes('127.0.0.1:9090'));
    assert.equal(await page.locator('.paste-sockets tbody tr').count(), 6);
    assert.equal(await page.locator('.paste-rebuilt').count(), 0);
    assert.match(await page.locator('.paste-stand-ins').innerText(), /rebuilt from stand-in clients: the peer an answer names for one \(127\.0\.0\.1 or ::1 from port 40000 up/);
    const verdicts = (await page.locator('.paste-verdicts li').allInnerTexts()).join('\n');
    assert.match(verdicts, /SO_REUSEADDR \(unknown options on\): bind and listen work\./);
    assert.deepEqual(await overflowing(page), []);
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

// A new reader's review, 2026-12-06: `ss -tanp` (no -e) of nginx's 0.0.0.0
// and v6-only [::] listeners (captured here with Python): the [::] one was
// taken as dual-stack, the rebuild failed and the page said options must be
// on, offering SO_REUSEPORT.
test('a [::] listener beside 0.0.0.0 in ss -tanp is taken as IPV6_V6ONLY, and the page says so (phone)', async () => {
  const { page, context, problems } = await openPage(browser, server.origin + '/paste/', { viewport: { width: 390, height: 844 }, isMobile: true });
  try {
    await page.waitForSelector('.paste-page textarea');
    await page.fill('#paste-table', capture('ss-tanp-v6only.txt'));
    await page.fill('#paste-bind', '0.0.0.0:8080');
    await page.waitForFunction(() => document.querySelector('.paste-read')?.textContent.startsWith('Read 2 TCP sockets'));
    assert.equal(await page.locator('.paste-rebuilt').count(), 0);
    assert.match(await page.locator('.paste-v6only').innerText(), /^The table does not show IPV6_V6ONLY \(ss -tanpe shows it, as v6only:1\)\. On Linux a \[::\] socket without it holds the port's IPv4 addresses too, so python3_11106_2, beside the port's IPv4 sockets, is taken to set it/);
    const off = (await page.locator('.paste-verdicts li').allInnerTexts()).filter((v) => /unknown options off/.test(v));
    assert.equal(off.length, 4);
    assert.ok(off.every((v) => /bind fails with EADDRINUSE/.test(v)), off.join('\n'));
    assert.deepEqual(await overflowing(page), []);
    // With -e the table says it: nothing is taken.
    await page.fill('#paste-table', capture('ss-tanpe-v6only.txt'));
    await page.waitForFunction(() => !document.querySelector('.paste-v6only'));
    assert.equal(await page.locator('.paste-rebuilt').count(), 0);
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

test('an empty box offers a sample table, which answers at once; the button goes once there is text', async () => {
  const { page, context, problems } = await openPage(browser, server.origin + '/paste/');
  try {
    await page.waitForSelector('.paste-page textarea');
    await page.getByRole('button', { name: 'Try a sample table' }).click();
    await page.waitForFunction(() => document.querySelector('#paste-answer-h')?.textContent === 'What if I bind 0.0.0.0:8080 on Linux?');
    assert.equal(await page.locator('#paste-bind').inputValue(), '0.0.0.0:8080');
    assert.match(await page.locator('#paste-table').inputValue(), /^State +Recv-Q/);
    assert.equal(await page.getByRole('button', { name: 'Try a sample table' }).count(), 0);
    // ss -e names the owner (root: no uid shown).
    assert.match(await page.locator('.paste-sockets tbody tr').first().innerText(), /user root/);
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

test('the pasted table and the question survive a reload, Back from a rule and the language switch, in this tab only', async () => {
  const { page, context, problems } = await openPage(browser, server.origin + '/paste/', { viewport: { width: 390, height: 844 }, isMobile: true });
  try {
    await live(page);
    // On a phone the box comes before the page's long print: that waits
    // behind a disclosure after the form.
    const box = await page.locator('#paste-table').boundingBox();
    assert.ok(box.y < 844, `the box starts at ${box.y}px`);
    const more = page.locator('details.paste-more');
    assert.equal(await more.getAttribute('open'), null);
    assert.match(await more.locator('summary').innerText(), /How bindlab reads your table/);
    assert.equal(await page.locator('.paste-kept').count(), 0);
    await page.fill('#paste-table', SS);
    await page.fill('#paste-bind', '0.0.0.0:8080');
    await page.waitForFunction(() => document.querySelector('#paste-answer-h')?.textContent === 'What if I bind 0.0.0.0:8080 on Linux?');
    assert.equal(await page.locator('.paste-kept').innerText(), 'Kept in this tab (not sent anywhere) until you close it.');
    // A reload.
    await page.reload();
    await live(page);
    await page.waitForFunction(() => document.querySelector('#paste-answer-h')?.textContent === 'What if I bind 0.0.0.0:8080 on Linux?');
    assert.equal(await page.locator('#paste-table').inputValue(), SS);
    // A rule's page, then Back.
    await page.locator('.paste-verdicts a.rule-link').first().click();
    await page.waitForURL(/\/rules\//);
    await page.goBack();
    await live(page);
    await page.waitForFunction(() => document.querySelector('#paste-answer-h')?.textContent === 'What if I bind 0.0.0.0:8080 on Linux?');
    // The language switch.
    await page.goto(server.origin + '/zh-CN/paste/');
    await live(page);
    await page.waitForFunction(() => document.querySelector('#paste-table')?.value.startsWith('State'));
    assert.equal(await page.locator('#paste-bind').inputValue(), '0.0.0.0:8080');
    // Emptied, it is forgotten.
    await page.fill('#paste-table', '');
    await page.reload();
    await live(page);
    await page.waitForTimeout(200);
    assert.equal(await page.locator('#paste-table').inputValue(), '');
    // Another tab of the same browser (sharing its localStorage, not this
    // tab's sessionStorage) starts empty though this one holds a table.
    await page.fill('#paste-table', SS);
    await page.waitForSelector('.paste-answer');
    const other = await context.newPage();
    await other.goto(server.origin + '/paste/');
    await live(other);
    await other.waitForTimeout(200);
    assert.equal(await other.locator('#paste-table').inputValue(), '');
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

test('a long table is answered once the typing pauses, at once when pasted, or at Enter or leaving the box; a short one at every key', async () => {
  // 1,207 sockets: past the 1,000 lines from which the page waits for a
  // pause (30,000 connections were ~0.7 s a key natively).
  let long = SS;
  for (let i = 0; i < 1200; i++) long += `ESTAB 0 0 127.0.0.1:8080 127.0.0.1:${40000 + i} users:(("python3",pid=4701,fd=${10 + i}))\n`;
  const { page, context, problems } = await openPage(browser, server.origin + '/paste/');
  try {
    await live(page);
    await page.fill('#paste-table', long);
    const heading = () => page.locator('#paste-answer-h').textContent();
    await page.waitForFunction(() => document.querySelector('#paste-answer-h')?.textContent === 'What if I bind 0.0.0.0:9090 on Linux?');
    assert.equal(await page.locator('.paste-read').innerText(), 'Read 1207 TCP sockets from ss (Linux).');
    // The page's clock stands still: only the page's own timer, the pause,
    // can answer what is typed (nothing here measures how fast).
    await page.clock.install();
    await page.clock.pauseAt(Date.now() + 60_000);
    // A long table is read after the page has painted that it is being
    // read (an animation frame, then a timeout): the clock is moved a frame
    // at a time, never as far as the pause (250 ms), so an answer at Enter
    // or on leaving a box is not the pause's.
    const until = async (what, ok) => {
      let ran = 0;
      for (let i = 0; i < 300 && !(await ok()); i++) {
        if (ran < 160) { await page.clock.runFor(16); ran += 16; }
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.ok(await ok(), what);
    };
    // The status is there from the start, empty, so a screen reader
    // announces what it says.
    const busy = page.locator('.paste-busy[role=status]');
    assert.equal(await busy.count(), 1);
    assert.equal(await busy.innerText(), '');
    const verdicts = () => page.locator('.paste-verdicts').innerText();
    const retype = async (sel, value) => {
      await page.locator(sel).click();
      await page.keyboard.press('Control+A');
      await page.keyboard.type(value);
      assert.equal(await page.locator(sel).inputValue(), value);
    };
    // Typed key by key: every key shows in the box, and the answer stays
    // the last one (no "“1” is not an address" at the first key) …
    await retype('#paste-bind', '127.0.0.1:9090');
    assert.equal(await heading(), 'What if I bind 0.0.0.0:9090 on Linux?');
    assert.equal(await page.locator('.paste-page [role=alert]').count(), 0);
    // … until the pause. Then the page says it is reading, the last
    // answer still there and marked old, and answers at the next frame.
    assert.equal(await busy.innerText(), '');
    await page.clock.runFor(250);
    await page.waitForFunction(() => document.querySelector('.paste-busy').textContent !== '');
    assert.equal(await busy.innerText(), 'Reading 1208 lines… the answers below are to your previous question.');
    assert.equal(await page.locator('.paste-results').getAttribute('aria-busy'), 'true');
    assert.equal(await heading(), 'What if I bind 0.0.0.0:9090 on Linux?');
    await until('answered after the pause', async () => (await heading()) === 'What if I bind 127.0.0.1:9090 on Linux?');
    assert.equal(await busy.innerText(), '', 'no longer reading');
    assert.equal(await page.locator('.paste-results').getAttribute('aria-busy'), null);
    assert.match(await verdicts(), /python3_4701 on 127\.0\.0\.1:9090 has SO_REUSEPORT but belongs to root, and myapp to me/);
    // Leaving the box answers at once.
    await retype('#paste-user', 'root');
    assert.match(await verdicts(), /belongs to root, and myapp to me/);
    await page.keyboard.press('Tab');
    await until('answered on leaving the box', async () => /SO_REUSEPORT \(unknown options on\): bind and listen work\./.test(await verdicts()));
    // So does Enter.
    await retype('#paste-bind', '0.0.0.0:8080');
    assert.equal(await heading(), 'What if I bind 127.0.0.1:9090 on Linux?');
    await page.keyboard.press('Enter');
    await until('answered at Enter', async () => (await heading()) === 'What if I bind 0.0.0.0:8080 on Linux?');
    // A table pasted in (a real paste, from the clipboard) is whole: it
    // is read without waiting for the pause, the clock still standing.
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.origin });
    const longer = `${long}ESTAB 0 0 127.0.0.1:8080 127.0.0.1:39999 users:(("python3",pid=4701,fd=9))\n`;
    await page.evaluate((t) => navigator.clipboard.writeText(t), longer);
    await page.locator('#paste-table').click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Control+V');
    // The page says it is reading first, as after a pause.
    await until('reading said at once', async () => /^Reading 1209 lines…/.test(await busy.innerText()));
    await until('a pasted table read without the pause', async () => /^Read 1208 TCP sockets/.test(await page.locator('.paste-read').innerText()));
    assert.equal(await heading(), 'What if I bind 0.0.0.0:8080 on Linux?');
    // The port's 1,200-odd sockets: the table states its size and builds
    // the rows near the screen only, as the outcome table does.
    const sockets = page.locator('table.paste-sockets');
    assert.ok(Number(await sockets.getAttribute('aria-rowcount')) > 1200);
    const built = await sockets.locator('tr[aria-rowindex]').count();
    assert.ok(built >= 32 && built <= 256, `${built} rows built`);
    await sockets.locator('tbody').last().scrollIntoViewIfNeeded();
    await page.clock.runFor(100);
    await until('the last rows built once scrolled to', async () => (await sockets.locator('tbody').last().locator('tr[aria-rowindex]').count()) > 0);
    // The host as a live scenario runs on the table's OS only (each OS
    // runs every socket's steps), and its note says so.
    const compared = () => page.locator('.paste-page .bindlab-widget table.outcomes thead th').allInnerTexts();
    assert.deepEqual(await compared(), ['Line and step', 'Linux']);
    assert.equal(await page.locator('.paste-page .lab-note').innerText(), 'Run on Linux only, the table\'s OS: each OS runs every socket\'s steps again, and a table this long takes seconds an OS.');
    // A short table follows every key, the clock still standing.
    await page.fill('#paste-table', SS);
    await until('the short table read', async () => /^Read 7 TCP sockets/.test(await page.locator('.paste-read').innerText()));
    assert.deepEqual(await compared(), ['Line and step', 'Linux', 'FreeBSD', 'macOS', 'Windows'], 'a short table: every OS');
    assert.equal(await page.locator('.paste-page .lab-note').count(), 0);
    await retype('#paste-bind', '127.0.0.1:9090');
    await until('answered at the last key', async () => (await heading()) === 'What if I bind 127.0.0.1:9090 on Linux?');
    await page.clock.resume();
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

test('axe: the paste page with an answer, light and dark', async () => {
  for (const colorScheme of ['light', 'dark']) {
    const { page, context } = await openPage(browser, server.origin + '/#/paste', { colorScheme });
    try {
      await page.waitForSelector('.paste-page textarea');
      await page.fill('#paste-table', SS);
      await page.waitForSelector('.paste-answer');
      const result = await new AxeBuilder({ page }).analyze();
      const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      assert.deepEqual(serious.map((v) => `${colorScheme}: ${v.id}: ${v.nodes[0]?.target}`), []);
    } finally { await context.close(); }
  }
});
