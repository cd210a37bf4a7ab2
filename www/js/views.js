// Pieces shared by the stochastic and training pages (stochastic.html,
// training.html) and their embeds: field errors, the hash mirror, the share
// buttons and PNG export. Like common.js, nothing here puts text from a URL
// or a user into the page as HTML.

import { copyText, describeErrors, downloadBlob, escapeAttribute } from './common.js';

export const $ = (id) => document.getElementById(id);

/** Which view a hash names with `view=…` (default: the landscape). */
export function viewOfHash(hash) {
  const text = String(hash || '').replace(/^#/, '');
  for (const part of text.split('&')) {
    if (part.startsWith('view=')) return part.slice(5);
  }
  return 'landscape';
}

/** Show (or clear) a setter's message next to its control; true when clear. */
export function setFieldError(errorEl, inputs, message) {
  const text = typeof message === 'string' ? message : '';
  if (errorEl) errorEl.textContent = text;
  for (const input of [].concat(inputs || [])) {
    if (!input) continue;
    if (text) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
  }
  return text === '';
}

/** Clear every field error on the page (after loading a link). */
export function clearFieldErrors() {
  for (const el of document.querySelectorAll('.field-error')) el.textContent = '';
  for (const el of document.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
}

/** Put a value in an input unless the user is typing in it. */
export function setValue(input, value) {
  if (input && document.activeElement !== input) input.value = String(value ?? '');
}

/** Fill a select with names (once) and select `value`. */
export function fillSelect(select, names, value, labels = {}) {
  if (select.options.length !== names.length) {
    select.replaceChildren();
    for (const name of names) {
      const option = document.createElement('option');
      option.value = String(name);
      option.textContent = String(labels[name] ?? name);
      select.append(option);
    }
  }
  select.value = String(value);
}

/** Mirror the state into the address bar, batched (browsers throttle history calls). */
export function hashMirror(getHash) {
  let timer = 0;
  return (now = false) => {
    clearTimeout(timer);
    const write = () => {
      timer = 0;
      const hash = getHash();
      if (typeof hash === 'string' && `#${hash}` !== location.hash) history.replaceState(null, '', `#${hash}`);
    };
    if (now) write();
    else timer = setTimeout(write, 150);
  };
}

/** The message box under the header. */
export function say(text, isError = false) {
  const box = $('messages');
  if (!box) return;
  box.textContent = text;
  box.classList.toggle('is-error', isError);
}

/**
 * Say which parts of a link were not used (`json`: from load_errors() or
 * load_hash()); with none, say `loadedMessage` if there is one.
 */
export function reportLinkErrors(json, loadedMessage = '') {
  const errors = describeErrors(json);
  if (errors.length) say(`Some parts of the link were not used:\n${errors.join('\n')}`, true);
  else if (loadedMessage) say(loadedMessage);
}

/** Checkboxes for the controls an embed may hide (each label gets `className`). */
export function buildEmbedOptions(hideable, labels = {}, className = '') {
  const box = $('embed-hide');
  if (!box) return;
  box.replaceChildren();
  for (const name of hideable || []) {
    const label = document.createElement('label');
    if (className) label.className = className;
    const input = document.createElement('input');
    input.type = 'checkbox';
    input.value = String(name);
    input.id = `embed-hide-${String(name).replace(/[^A-Za-z0-9_-]/g, '_')}`;
    label.append(input, document.createTextNode(` ${labels[name] ?? name}`));
    box.append(label);
  }
}

/**
 * Wire "Copy link" and "Copy embed code". `embedHash(autoplay, hide)` comes
 * from Rust; `guard` (optional) wraps both handlers.
 */
export function wireShare({ syncHash, embedHash, title, guard = (fn) => fn }) {
  $('copy-link').addEventListener('click', guard(async () => {
    syncHash(true);
    const ok = await copyText(location.href, $('share-fallback'), $('share-fallback-label'));
    say(ok ? 'Link copied: it reproduces this exact run, seed included.' : 'Copying was refused; select the text below and copy it.');
  }));
  $('copy-embed').addEventListener('click', guard(async () => {
    const hide = [...document.querySelectorAll('#embed-hide input:checked')].map((i) => i.value).join(',');
    const url = new URL('embed.html', location.href);
    url.hash = embedHash($('embed-autoplay').checked, hide);
    const snippet = `<iframe src="${escapeAttribute(url.href)}" title="${escapeAttribute(title)}" width="800" height="450" style="border:0;max-width:100%;aspect-ratio:16/9" loading="lazy"></iframe>`;
    const ok = await copyText(snippet, $('share-fallback'), $('share-fallback-label'));
    say(ok ? 'Embed code copied: paste it into your slides or notes.' : 'Copying was refused; select the text below and copy it.');
  }));
}

/** Save canvases side by side (or stacked on each other with `stack`) as one PNG. */
export function exportCanvases(canvases, filename, { stack = false } = {}) {
  const list = canvases.filter((c) => c && c.width && c.height);
  if (!list.length) return;
  const out = document.createElement('canvas');
  out.width = stack ? list[0].width : list.reduce((s, c) => s + c.width, 0);
  out.height = stack ? list[0].height : Math.max(...list.map((c) => c.height));
  const ctx = out.getContext('2d');
  let x = 0;
  for (const canvas of list) {
    if (stack) ctx.drawImage(canvas, 0, 0, out.width, out.height);
    else {
      ctx.drawImage(canvas, x, 0);
      x += canvas.width;
    }
  }
  out.toBlob((blob) => blob && downloadBlob(blob, filename), 'image/png');
}

/** Save text as a file. */
export function exportText(text, type, filename) {
  downloadBlob(new Blob([text], { type }), filename);
}
