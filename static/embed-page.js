// embed.html: one widget for hosts that allow iframes but not scripts.
//   <iframe src="https://YOUR-BINDLAB-SITE/embed.html?os=linux,windows&layout=compact&theme=light&lang=zh-CN&title=...#v1/..." title="..."></iframe>
// The fragment is a bindlab permalink; the query takes the widget's options
// (lang= as <bind-lab lang>: zh-CN for Simplified Chinese, English otherwise).
// The page reports its height to the parent, so the host can size the frame:
//   window.addEventListener('message', (e) => { if (e.data?.type === 'bindlab-height') frame.style.height = e.data.height + 'px'; });
import './bindlab-embed.js';

const q = new URLSearchParams(location.search);
const el = document.createElement('bind-lab');
// title= names the frame's document and heads the widget; theme= pins it.
if (q.get('title')) {
  document.title = q.get('title');
  el.setAttribute('heading', q.get('title'));
}
if (['light', 'dark'].includes(q.get('theme'))) document.documentElement.dataset.theme = q.get('theme');
el.setAttribute('permalink', location.hash.slice(1));
for (const a of ['os', 'step', 'layout', 'theme', 'lang']) if (q.get(a)) el.setAttribute(a, q.get(a));
// The frame's document takes the language the widget speaks (English when
// lang= names another language or its file could not be loaded).
el.addEventListener('bindlab-ready', () => {
  const spoken = el.shadowRoot?.querySelector('.bindlab-widget')?.lang;
  if (spoken) document.documentElement.lang = spoken;
});
if (q.has('readonly')) el.setAttribute('readonly', '');
// No permalink after `#`: the frame's author forgot it. Say so on the page,
// not only in the console, and where to get one.
if (!location.hash.slice(1)) {
  const note = document.createElement('p');
  note.className = 'notice error embed-missing';
  const zh = (q.get('lang') || '').toLowerCase().startsWith('zh');
  note.textContent = zh
    ? '这个页面显示一个 bindlab 场景：把它的永久链接放在地址的 # 之后（沙盒的“复制链接”会给出一个），例如 embed.html#v1/linux/0/…'
    : 'This page shows one bindlab scenario: put its permalink after # in the address (the sandbox\'s Copy link gives one), e.g. embed.html#v1/linux/0/…';
  document.getElementById('embed').append(note);
}
document.getElementById('embed').append(el);

let last = 0;
function reportHeight() {
  const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
  if (height !== last && window.parent !== window) {
    last = height;
    window.parent.postMessage({ type: 'bindlab-height', height }, '*');
  }
}
new ResizeObserver(reportHeight).observe(document.body);
// A frame off screen is not rendered, and its ResizeObserver waits until it
// is scrolled to; reading the layout works all the same, so the widget's
// own events report the height too, and the host can size every frame at once.
for (const ev of ['bindlab-ready', 'bindlab-step', 'bindlab-error']) el.addEventListener(ev, reportHeight);
// Its stylesheet may arrive after it is ready: look again a little later.
el.addEventListener('bindlab-ready', () => { for (const ms of [250, 1000, 3000]) setTimeout(reportHeight, ms); });
