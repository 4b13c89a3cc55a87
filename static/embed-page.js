// embed.html: one widget for hosts that allow iframes but not scripts.
//   <iframe src="https://YOUR-BINDLAB-SITE/embed.html?os=linux,windows&layout=compact&title=...#v1/..." title="..."></iframe>
// The fragment is a bindlab permalink; the query takes the widget's options.
// The page reports its height to the parent, so the host can size the frame:
//   window.addEventListener('message', (e) => { if (e.data?.type === 'bindlab-height') frame.style.height = e.data.height + 'px'; });
import './bindlab-embed.js';

const q = new URLSearchParams(location.search);
if (q.get('title')) document.title = q.get('title');
const el = document.createElement('bind-lab');
el.setAttribute('permalink', location.hash.slice(1));
for (const a of ['os', 'step', 'layout']) if (q.get(a)) el.setAttribute(a, q.get(a));
if (q.has('readonly')) el.setAttribute('readonly', '');
document.getElementById('embed').append(el);

let last = 0;
new ResizeObserver(() => {
  const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
  if (height !== last && window.parent !== window) {
    last = height;
    window.parent.postMessage({ type: 'bindlab-height', height }, '*');
  }
}).observe(document.body);
