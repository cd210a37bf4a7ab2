// The site's pages (each view's full page and embed.html) are thin shells
// around one <sgdlab-widget>. This script keeps the page's URL hash and the
// widget's link in step, and wires "copy link" and "copy embed code".
// The view comes from the page (data-view on <body>) or, on embed.html,
// from `view=` in the hash.

import './../sgdlab-widget.js';

const widget = document.querySelector('sgdlab-widget');
const embed = document.body.dataset.page === 'embed';
const say = (text) => {
  const box = document.getElementById('messages');
  if (box) box.textContent = text;
};

/** The hash split into its view and the rest of the link. */
function readHash() {
  const parts = location.hash.replace(/^#/, '').split('&').filter(Boolean);
  const view = parts.find((p) => p.startsWith('view='))?.slice(5);
  return { view, link: parts.filter((p) => !p.startsWith('view=')).join('&') };
}

function writeHash(link) {
  const view = embed ? `view=${widget.getAttribute('view')}&` : '';
  history.replaceState(null, '', `#${view}${link}`);
}

/** On a view's own page, a link that names another view is read as this one's. */
function checkView(view) {
  const own = widget.getAttribute('view');
  say(view && view !== own ? `This page shows the ${own} view; view=${view.slice(0, 40)} was ignored.` : '');
}

const start = readHash();
if (embed) {
  widget.setAttribute('view', start.view || 'landscape');
  widget.dataset.fill = ''; // fill the frame at any aspect ratio
} else {
  checkView(start.view);
}
widget.setAttribute('link', start.link);

widget.addEventListener('sgdlab-change', (event) => writeHash(event.detail.link));
window.addEventListener('hashchange', () => {
  const { view, link } = readHash();
  if (!embed) checkView(view);
  else if (view && view !== widget.getAttribute('view')) widget.setAttribute('view', view);
  if (link !== widget.link) widget.link = link;
});

window.sgdlabReportBug = (text) => {
  const banner = document.getElementById('bug-banner');
  if (!banner) return;
  document.getElementById('bug-text').textContent = String(text).slice(0, 2000);
  banner.hidden = false;
};

/** Copies text; when the clipboard is refused, shows it to copy by hand. */
async function copy(text) {
  const fallback = document.getElementById('share-fallback');
  try {
    await navigator.clipboard.writeText(text);
    say('Copied.');
  } catch {
    fallback.value = text;
    fallback.hidden = false;
    fallback.select();
    say('Copy the text below.');
  }
}

widget.ready.then(() => {
  writeHash(widget.link);
  document.body.dataset.ready = 'true';
  const open = document.getElementById('open-full');
  if (open) {
    const page = JSON.parse(widget.wasm.views()).find((v) => v.name === widget.getAttribute('view'));
    if (page) open.href = `${page.page}#${widget.link}`;
  }
  document.getElementById('copy-link')?.addEventListener('click', () => copy(location.href));
  const options = document.getElementById('embed-hide');
  if (options) {
    const schema = JSON.parse(widget.handle.schema());
    const labels = new Map([...schema.groups, ...schema.panels].map((g) => [g.name, g.label]));
    labels.set('controls', 'All controls');
    for (const name of schema.hide_names) {
      const box = Object.assign(document.createElement('input'), { type: 'checkbox', value: name });
      const label = document.createElement('label');
      label.append(box, ` ${labels.get(name) ?? name}`);
      options.append(label);
    }
  }
  document.getElementById('copy-embed')?.addEventListener('click', () => {
    const hide = [...document.querySelectorAll('#embed-hide input:checked')].map((b) => b.value).join(',');
    const autoplay = document.getElementById('embed-autoplay')?.checked ?? true;
    const site = new URL('./', location.href).href;
    const answer = JSON.parse(widget.handle.embed(site, autoplay, hide, 'minimal'));
    if (answer.error) say(answer.error.message);
    else copy(`${answer.element}\n\n${answer.iframe}\n`);
  });
});
