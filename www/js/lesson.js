// Wiring for the lesson pages (lessons/*.html, written by sgdlab-site).
//
// Try buttons set their widget's link; the page hash keeps the links of the
// widgets the reader changed (#<id>=<encodeURIComponent(link)>&…) so a
// copied link reproduces the page; Reset puts a widget back to the lesson's
// link; the embed snippets follow the widget's current link. The element is
// <sgdlab-widget> (../sgdlab-widget.js). Text from the hash or a widget is
// only ever set as a property or a form value, never parsed as HTML.

const figures = () => document.querySelectorAll('figure.lesson-widget[data-widget]');

/** The <sgdlab-widget> with this id, or null. */
function widgetById(id) {
  const el = document.getElementById(id);
  return el && el.localName === 'sgdlab-widget' ? el : null;
}

/** The link the lesson gives this widget (its figure's data-link). */
function authoredLink(id) {
  const figure = widgetById(id)?.closest('figure.lesson-widget');
  return figure ? figure.dataset.link : '';
}

/** Links the reader changed, by widget id. */
const changed = new Map();

/** Parse #a=…&b=… into a Map of widget id → link (unknown ids are dropped). */
function readHash(hash) {
  const state = new Map();
  for (const part of String(hash).replace(/^#/, '').split('&')) {
    const cut = part.indexOf('=');
    if (cut <= 0) continue;
    const id = part.slice(0, cut);
    let link;
    try {
      link = decodeURIComponent(part.slice(cut + 1));
    } catch {
      continue;
    }
    if (widgetById(id)) state.set(id, link);
  }
  return state;
}

/** Write the changed links into the address bar, in page order. */
function writeHash() {
  const parts = [];
  for (const figure of figures()) {
    const id = figure.dataset.widget;
    if (changed.has(id)) parts.push(`${id}=${encodeURIComponent(changed.get(id))}`);
  }
  const url = parts.length ? `#${parts.join('&')}` : `${location.pathname}${location.search}`;
  history.replaceState(history.state, '', url);
}

/** Escape text for a double-quoted HTML attribute in a snippet. */
function escapeAttribute(text) {
  const entities = { '&': '&amp;', '"': '&quot;', '<': '&lt;', '>': '&gt;' };
  return String(text).replace(/[&"<>]/g, (c) => entities[c]);
}

/** Refill a widget's embed snippets for `link`, with absolute addresses. */
function updateSnippets(id, link) {
  const figure = widgetById(id)?.closest('figure.lesson-widget');
  if (!figure) return;
  const site = new URL('../', location.href).href;
  for (const area of figure.querySelectorAll('textarea[data-template]')) {
    area.value = area.dataset.template.replaceAll('{site}', site).replaceAll('{link}', escapeAttribute(link));
  }
}

/** Remember (or forget, when it is the lesson's own) a widget's link. */
function record(id, link) {
  if (link === authoredLink(id)) changed.delete(id);
  else changed.set(id, link);
  updateSnippets(id, link);
  writeHash();
}

/** Set a widget's link once it is mounted. */
async function setLink(id, link) {
  const el = widgetById(id);
  if (!el) return;
  await customElements.whenDefined('sgdlab-widget');
  await el.ready;
  el.link = link;
}

/** Apply a hash: widgets it names get its links, the others the lesson's. */
async function applyHash(hash) {
  const state = readHash(hash);
  const jobs = [];
  for (const figure of figures()) {
    const id = figure.dataset.widget;
    if (state.has(id)) {
      changed.set(id, state.get(id));
      jobs.push(setLink(id, state.get(id)));
      updateSnippets(id, state.get(id));
    } else if (changed.has(id)) {
      changed.delete(id);
      jobs.push(setLink(id, authoredLink(id)));
      updateSnippets(id, authoredLink(id));
    }
  }
  await Promise.all(jobs);
}

async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

function wireButtons() {
  document.addEventListener('click', async (event) => {
    const button = event.target.closest('button');
    if (!button) return;
    if (button.matches('button.try[data-try]')) {
      const { try: id, link } = button.dataset;
      record(id, link);
      await setLink(id, link);
      widgetById(id)?.closest('figure')?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
    } else if (button.matches('button.widget-reset[data-reset]')) {
      const id = button.dataset.reset;
      record(id, authoredLink(id));
      await setLink(id, authoredLink(id));
    } else if (button.matches('button.copy-embed')) {
      const area = button.previousElementSibling?.querySelector('textarea');
      if (area && !(await copyText(area.value))) area.select();
    } else if (button.id === 'copy-link') {
      const status = document.getElementById('copy-link-status');
      const fallback = document.getElementById('copy-link-fallback');
      if (await copyText(location.href)) {
        status.textContent = 'Link copied.';
        fallback.hidden = true;
      } else {
        status.textContent = 'Copy this link:';
        fallback.value = location.href;
        fallback.hidden = false;
        fallback.select();
      }
    }
  });
}

/** In-page links (the contents) scroll without replacing the state hash. */
function wireAnchors() {
  document.addEventListener('click', (event) => {
    const anchor = event.target.closest('a[href^="#"]');
    if (!anchor || changed.size === 0) return;
    let target = null;
    try {
      target = document.getElementById(decodeURIComponent(anchor.getAttribute('href').slice(1)));
    } catch {
      return;
    }
    if (!target) return;
    event.preventDefault();
    target.scrollIntoView();
  });
}

/** Print every answer open, and restore them afterwards. */
function wirePrint() {
  let closed = [];
  addEventListener('beforeprint', () => {
    closed = [...document.querySelectorAll('details.answer:not([open])')];
    for (const details of closed) details.open = true;
  });
  addEventListener('afterprint', () => {
    for (const details of closed) details.open = false;
    closed = [];
  });
}

function start() {
  document.addEventListener('sgdlab-change', (event) => {
    const el = event.target;
    if (el.localName === 'sgdlab-widget' && el.id && event.detail && typeof event.detail.link === 'string') {
      record(el.id, event.detail.link);
    }
  });
  addEventListener('hashchange', () => {
    if (location.hash.includes('=')) applyHash(location.hash);
  });
  wireButtons();
  wireAnchors();
  wirePrint();
  for (const figure of figures()) updateSnippets(figure.dataset.widget, figure.dataset.link);
  return applyHash(location.hash);
}

// For tests: resolves once the links from the hash are applied.
window.sgdlabLesson = { ready: start(), changed };
