// The course's pages in Simplified Chinese (issue #17): their interface
// strings, links and files in the page's language; a translation that
// cannot be fetched shows the English one under a notice, never silently;
// the glossary's terms keep their English anchors; the rules' explanations
// come from i18n/zh-CN/rule-texts.tsv.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, openPage } from './harness.mjs';

let server;
let browser;
before(async () => {
  server = await serve({ csp: true });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

const NOT_TRANSLATED = '本页尚未翻译，以下为英文原文。';

test('a zh-CN chapter speaks Chinese around the lesson, and its links stay in zh-CN', async () => {
  const { page, context, problems } = await openPage(browser, `${server.origin}/zh-CN/learn/time-wait/`);
  try {
    await page.waitForSelector('.lesson .predict');
    assert.match(await page.locator('.chapter-no').innerText(), /^第 \d+ 章，共 \d+ 章/);
    assert.equal(await page.locator('.pager a[href="zh-CN/learn/"]').innerText(), '目录');
    assert.equal(await page.locator('.pager a[rel="next"]').getAttribute('href'), 'zh-CN/learn/linux-both/');
    const p = page.locator('.predict').first();
    assert.equal(await p.locator('h2').innerText(), '预测');
    for (const os of ['linux', 'macos', 'windows']) await p.locator(`input[name="time-wait-p0-${os}"][value$="ok"]`).check();
    await p.getByRole('button', { name: '检查我的预测' }).click();
    const answers = await p.locator('.truths').innerText();
    assert.match(answers, /Linux：/);
    // A full-width colon carries its own space: none is added after it.
    assert.doesNotMatch(answers, /： /);
    assert.match(await p.locator('.the-step').innerText(), /^这一步：第 \d+ 行：\S/);
    assert.match(answers, /(正确|不太对)/);
    // A rule link goes to the Chinese rules page.
    const rule = await p.locator('a.rule-link').first().getAttribute('href');
    assert.match(rule, /^zh-CN\/rules\/#?/);
    assert.match(await page.locator('footer.bottom').innerText(), /^键盘（在文本框外）：/);
    assert.equal(await page.locator('.not-translated').count(), 0);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('a zh-CN chapter whose translation cannot be fetched shows the English under a notice', async () => {
  const { page, context } = await openPage(browser, `${server.origin}/zh-CN/learn/`);
  try {
    await page.waitForSelector('.chapters');
    await page.route('**/content/zh-CN/lessons/02-wildcard.md', (r) => r.fulfill({ status: 404, body: 'gone' }));
    await page.goto(`${server.origin}/zh-CN/learn/wildcard/`);
    await page.waitForSelector('.not-translated');
    assert.equal(await page.locator('.not-translated').innerText(), NOT_TRANSLATED);
    // Below it, the English chapter, marked as English; around it, Chinese.
    const english = page.locator('.fallback[lang="en"]');
    await english.locator('.predict').first().waitFor();
    assert.match(await english.locator('.prose').first().innerText(), /\bthe\b/);
    assert.equal(await page.locator('.pager a[href="zh-CN/learn/"]').innerText(), '目录');
  } finally {
    await context.close();
  }
});

test('the zh-CN glossary keeps the English anchors and never shows {#id}', async () => {
  const { page, context, problems } = await openPage(browser, `${server.origin}/zh-CN/glossary/#time-wait`);
  try {
    await page.waitForSelector('.glossary .prose h2');
    assert.equal(await page.locator('h1').innerText(), '术语表');
    assert.equal(await page.locator('h2#time-wait').count(), 1);
    assert.equal(await page.locator('h2#five-tuple').innerText(), '五元组');
    assert.doesNotMatch(await page.locator('.glossary').innerText(), /\{#/);
    // No "no such entry" notice for a term the Chinese glossary has.
    assert.equal(await page.locator('.notice').count(), 0);
    // Its links to chapters stay in Chinese.
    const hrefs = await page.locator('.glossary .prose a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.ok(hrefs.length > 5);
    for (const h of hrefs.filter((h) => !/^https?:/.test(h))) assert.match(h, /^zh-CN\//, h);
    // An unknown term is said in Chinese.
    await page.goto(`${server.origin}/zh-CN/glossary/#no-such-term`);
    await page.waitForSelector('.glossary .prose h2');
    assert.match(await page.locator('.notice').innerText(), /术语表里没有“no-such-term”/);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('the zh-CN rules page reads its explanations from i18n/zh-CN/rule-texts.tsv, the English ones under a notice without it', async () => {
  const { page, context, urls } = await openPage(browser, `${server.origin}/zh-CN/rules/`);
  try {
    await page.waitForSelector('.rule p:not(.explanation-pending) >> nth=2');
    assert.ok(urls.some((u) => u.endsWith('/i18n/zh-CN/rule-texts.tsv')), 'the Chinese explanations are fetched');
    assert.ok(!urls.some((u) => u.endsWith('/static/rule-texts.tsv')), 'not the English ones');
    assert.equal(await page.locator('h1').innerText(), '规则');
    assert.equal(await page.locator('.not-translated').count(), 0);
    const first = page.locator('.rule').first();
    assert.match(await first.innerText(), /\p{Script=Han}{10}/u);
    assert.match(await page.locator('.rules-tools [role="status"]').innerText(), /^\d+\/\d+ 条规则$/);
    await page.fill('#rule-filter', 'TIME_WAIT');
    assert.ok((await page.locator('.rule').count()) > 0);
    // A Chinese error message (glibc's zh_CN words) finds what its English does.
    const ids = () => page.locator('.rule > p:first-of-type > code').allInnerTexts();
    await page.fill('#rule-filter', 'Address already in use');
    const english = await ids();
    await page.fill('#rule-filter', 'OSError: [Errno 98] 地址已在使用');
    assert.deepEqual(await ids(), english);
    assert.ok(english.includes('linux.bind.in-use'), english.join(' '));
  } finally {
    await context.close();
  }
  const second = await openPage(browser, `${server.origin}/zh-CN/learn/`);
  try {
    await second.page.waitForSelector('.chapters');
    await second.page.route('**/i18n/zh-CN/rule-texts.tsv', (r) => r.fulfill({ status: 404, body: 'gone' }));
    await second.page.goto(`${server.origin}/zh-CN/rules/`);
    await second.page.waitForSelector('.not-translated');
    assert.equal(await second.page.locator('.not-translated').innerText(), NOT_TRANSLATED);
    await second.page.waitForSelector('.rule p:not(.explanation-pending) >> nth=2');
    assert.ok(second.urls.some((u) => u.endsWith('/static/rule-texts.tsv')));
  } finally {
    await second.context.close();
  }
});

test('the zh-CN progress panel, paste and runtimes pages speak Chinese, their errors too', async () => {
  const { page, context, problems } = await openPage(browser, `${server.origin}/zh-CN/learn/`);
  try {
    await page.waitForSelector('.progress-panel');
    assert.equal(await page.locator('#h-progress').innerText(), '你的进度');
    await page.fill('#import-code', 'BL1-nonsense');
    await page.getByRole('button', { name: '导入', exact: true }).click();
    assert.match(await page.locator('.progress-panel .message').innerText(), /^无法导入这个进度码：.+。你的进度没有改变。$/);
    // A stored record that cannot be read is explained in Chinese too, its
    // reason included (the import form's words).
    await page.evaluate(() => localStorage.setItem('bindlab.progress', 'BL1-AAAAAAAA'));
    await page.reload();
    await page.waitForSelector('.progress-panel');
    assert.match(
      await page.locator('.notice.error[role=alert]').innerText(),
      /^无法读取你保存的进度（进度码已损坏：有字符缺失或输错），课程将从头开始。/,
    );

    await page.goto(`${server.origin}/zh-CN/paste/`);
    await page.waitForSelector('#paste-table');
    assert.equal(await page.locator('label[for="paste-table"]').innerText(), '你的套接字表');
    await page.fill('#paste-table', 'State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process\nLISTEN 0      4096   0.0.0.0:8080       0.0.0.0:*\n');
    await page.waitForSelector('.paste-answer');
    assert.match(await page.locator('.paste-read').innerText(), /^从 ss（Linux）的输出中读到 1 个 TCP 套接字。$/);
    await page.fill('#paste-bind', 'web:8080');
    assert.match(await page.locator('.notice.error').innerText(), /^“web:8080”不是地址加端口/);

    await page.goto(`${server.origin}/zh-CN/runtimes/`);
    await page.waitForSelector('table.runtimes');
    assert.deepEqual(
      (await page.locator('table.runtimes thead th').allInnerTexts()).slice(0, 2),
      ['运行时和调用', '套接字'],
    );
    assert.equal(await page.locator('.rt-langs a').first().innerText(), '全部语言');
    assert.match(await page.locator('.rt-langs a').nth(1).getAttribute('href'), /^zh-CN\/runtimes\//);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('zh-CN: the runtimes table\'s notes and reasons, a guide\'s restart sentences and its messages\' descriptions are Chinese', async () => {
  const { page, context, problems } = await openPage(browser, `${server.origin}/zh-CN/runtimes/`);
  try {
    await page.waitForSelector('table.runtimes');
    assert.match(await page.locator('#rt-go-listener .rt-note').innerText(), /^在 Unix 的监听套接字上设置 SO_REUSEADDR/);
    const dotnet = await page.locator('#rt-dotnet-listener td.rt-cell').first().locator('.rt-source p').textContent();
    assert.match(dotnet, /这里没有 \.NET 运行时/);
    assert.doesNotMatch(dotnet, /was not read/);
    // A citation's words in Chinese; its sources, code and quotes as written.
    const cite = await page.locator('#rt-c-listener td.rt-cell').nth(1).locator('.rt-source p').textContent();
    assert.match(cite, /你的程序自己发出的调用/);
    assert.doesNotMatch(cite, /your program's own calls/);
    const go = await page.locator('#rt-go-listener td.rt-cell').first().locator('.rt-source p').textContent();
    assert.match(go, /golang\/go@519474451a44 src\/net\/sockopt_linux\.go setDefaultListenerSockopts：/);
    for (const text of await page.locator('.rt-source p').allTextContents()) {
      assert.match(text, /[\u4e00-\u9fff]/, `a source in English only: ${text}`);
    }
    for (const note of await page.locator('.rt-note').allInnerTexts()) {
      assert.match(note, /[\u4e00-\u9fff]/, `an English note: ${note}`);
    }

    await page.goto(`${server.origin}/zh-CN/guides/address-in-use-after-restart/`);
    await page.waitForSelector('.runtime-defaults li');
    const restart = await page.locator('.runtime-defaults').innerText();
    assert.match(restart, /Go（Go net）：这样重启在 Linux、macOS 和 FreeBSD 上直接可行/);
    assert.doesNotMatch(restart, /this restart|sets SO_REUSEADDR/);
    assert.equal(await page.locator('.runtime-defaults a').last().getAttribute('href'), 'zh-CN/runtimes/');
    const rows = page.locator('table.messages tbody tr');
    assert.match(await rows.last().locator('td').innerText(), /^按 bindlab 对 Microsoft 文档的解读，没有错误：重启后立即绑定成功（除非新旧服务器都使用 SO_EXCLUSIVEADDRUSE/);
    // What the OS prints stays as printed.
    assert.equal(await rows.nth(1).locator('td').innerText(), 'OSError: [Errno 98] Address already in use');
    assert.equal(await rows.nth(1).locator('th').innerText(), 'Python，Linux');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('zh-CN: a challenge\'s check details, the paste page\'s sentences and the cheat sheet\'s cells speak Chinese', async () => {
  const { page, context, problems } = await openPage(browser, `${server.origin}/zh-CN/learn/windows/`);
  try {
    // The challenge's start is wrong: the tool shares the address. Its
    // details come from content/zh-CN/goal.txt.
    await page.waitForSelector('.lesson .challenge');
    const c = page.locator('.challenge');
    await c.getByRole('button', { name: '检查', exact: true }).click();
    const unmet = await c.locator('.checklist li.unmet .detail').allInnerTexts();
    assert.equal(unmet.length, 2);
    // A list of names as Chinese writes one (engine::lists), never "server, tool".
    assert.match(unmet[0], /连接 127\.0\.0\.1:8888 的客户端可能到达 server 和 tool 中的任意一个（操作系统未定义到达哪一个）/);
    assert.doesNotMatch(await c.locator('.verdict').innerText(), /a client to|may reach/);
    await c.locator('textarea').fill('os windows\nsocket server tcp\nset server SO_REUSEADDR\nbind server 127.0.0.1:8888\nlisten server\nsocket tool tcp\nset tool SO_REUSEADDR\n');
    await c.getByRole('button', { name: '检查', exact: true }).click();
    assert.match(await c.locator('.verdict').innerText(), /场景里没有 bind tool 127\.0\.0\.1:8888 这一步/);

    // The cheat sheet: Windows leaves the UDP receiver undefined, "或".
    await page.goto(`${server.origin}/zh-CN/learn/cheat-sheet/`);
    await page.waitForSelector('.cheatsheet table');
    const udp = await page.locator('.cheatsheet table').nth(5).locator('tr', { hasText: '两个套接字都设置 SO_REUSEADDR' }).locator('td').allInnerTexts();
    assert.deepEqual(udp.slice(0, 4).map((t) => t.trim()), ['ok → second×4', 'EADDRINUSE', 'EADDRINUSE', 'ok → first 或 second? ×4']);

    // The paste page: a table that cannot be read, the advice, the
    // scenario's title, from content/zh-CN/sockets.txt.
    await page.goto(`${server.origin}/zh-CN/paste/`);
    await page.waitForSelector('#paste-table');
    await page.fill('#paste-table', 'hello');
    assert.match(await page.locator('.notice.error').innerText(), /^这看起来不像套接字表：请粘贴 ss -tanpe（Linux）/);
    await page.fill('#paste-table', 'State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process\nLISTEN 0      4096   0.0.0.0:8080       0.0.0.0:*\n');
    await page.waitForSelector('.paste-answer');
    assert.match(await page.locator('.advice').innerText(), /^怎样才能成功：\s*sock 是这个端口上正在运行的服务器：停止它，或者换一个端口。（只有那个服务器也设置了 SO_REUSEPORT，新套接字设置 SO_REUSEPORT 才能绑定成功，而任何表都显示不出它设置了没有；那样的话两者还会分摊这个端口的客户端。）$/);
    assert.match(await page.locator('.paste-page textarea').nth(1).inputValue(), /^title 这台主机端口 8080 上的套接字\n/);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('zh-CN: the sandbox\'s examples menu, its footer and the Windows owner speak Chinese; a missing translation falls back to the English list', async () => {
  const { page, context, problems, urls } = await openPage(browser, `${server.origin}/zh-CN/`);
  try {
    await page.waitForSelector('#app[data-live]');
    assert.match(await page.locator('footer .shortcuts').innerText(), /^键盘（在文本框外）：Alt\+Shift\+→ 单步/);
    await page.locator('details.examples > summary', { hasText: '示例' }).click();
    const items = page.locator('.examples-list li a');
    await items.first().waitFor();
    assert.ok(urls.some((u) => u.endsWith('/content/zh-CN/examples.txt')));
    assert.equal(await items.count(), 8);
    assert.match(await items.first().innerText(), /^两个服务器，一个端口/);
    // A link to this page's fragment (the page's <base> is the site's
    // root: a bare `#…` would open the English sandbox).
    assert.ok((await items.first().getAttribute('href')).startsWith(`${server.origin}/zh-CN/#v1/`));
    await items.filter({ hasText: 'Windows：同一用户的另一个程序抢走你的端口' }).click();
    await page.waitForURL(/\/zh-CN\/#v1\//);
    await page.waitForFunction(() => document.querySelector('#scenario-text')?.value.startsWith('title Windows：'));
    await page.getByRole('button', { name: /全部运行/ }).click();
    // The host view on Windows: the format's default user is not "root".
    await page.selectOption('.host-head select', 'windows');
    const owners = page.locator('table.twin td[data-label="所属用户"]');
    await owners.first().waitFor();
    assert.deepEqual([...new Set(await owners.allInnerTexts())], ['默认用户']);
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
  // Without the translation, the English list (a file the page can read).
  const second = await openPage(browser, `${server.origin}/zh-CN/`);
  try {
    await second.page.waitForSelector('#app[data-live]');
    await second.page.route('**/content/zh-CN/examples.txt', (r) => r.fulfill({ status: 404, body: 'no' }));
    await second.page.click('details.examples > summary');
    await second.page.locator('.examples-list li a').first().waitFor();
    assert.match(await second.page.locator('.examples-list li a').first().innerText(), /^Two servers, one port/);
  } finally { await second.context.close(); }
});

test("the host's table as cards on a phone labels each line with a full-width colon in Chinese, a colon and a space in English", async () => {
  for (const [path, label] of [['/zh-CN/', '"状态："'], ['/', '"State: "']]) {
    const { page, context, problems } = await openPage(browser, `${server.origin}${path}`, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    try {
      await page.waitForSelector('#app[data-live]');
      await page.locator('#run .stepper button', { hasText: /全部运行|Run all/ }).click();
      await page.waitForSelector('table.twin td[data-label]');
      const content = await page.evaluate(() => getComputedStyle(document.querySelector('table.twin td[data-label]'), '::before').content);
      assert.equal(content, label);
      assert.deepEqual(problems, []);
    } finally { await context.close(); }
  }
});
