// The one control-panel renderer: draws any widget's panel from the schema
// its Rust link table describes. Every label, limit, option, default and
// rule comes from the schema; `edit(key, value)` sends what the user typed
// to Rust and returns "" or the message to show beside the control.

let uid = 0;
const node = (tag, props = {}, ...children) => {
  const n = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') n.className = v;
    else if (k === 'text') n.textContent = v;
    else n.setAttribute(k, v);
  }
  n.append(...children);
  return n;
};

/** A labelled field: label, input, help and a slot for its error. */
function field(control, input, edit, read = () => input.value) {
  const id = `sgdlab-${(uid += 1)}`;
  input.id = id;
  const error = node('span', { class: 'field-error', id: `${id}-error`, 'aria-live': 'polite' });
  input.setAttribute('aria-describedby', `${id}-error`);
  // Enter commits, and so does the change event when the field then loses
  // focus (also when a rebuild removes it): send each value once.
  let sent = read();
  const commit = () => {
    if (read() === sent) return;
    sent = read();
    const message = edit(control.key, sent);
    error.textContent = message;
    input.setAttribute('aria-invalid', String(Boolean(message)));
  };
  input.addEventListener('change', commit);
  if (input.tagName === 'INPUT' && input.type === 'text') {
    input.addEventListener('keydown', (e) => e.key === 'Enter' && commit());
  }
  const label = node('label', { for: id, text: control.label });
  if (control.help) label.title = control.help;
  return node('div', { class: 'field', 'data-key': control.key }, label, input, error);
}

const text = (value, props = {}) => {
  const input = node('input', { type: 'text', spellcheck: 'false', autocomplete: 'off', ...props });
  input.value = value ?? '';
  return input;
};

/** A range slider beside a number box, on a log scale when the schema says so. */
function number(control, edit) {
  const box = text(control.value, { inputmode: 'decimal' });
  const wrap = field(control, box, edit);
  const low = control.log ? Math.max(control.min, 1e-6) : control.min;
  const finite = Number.isFinite(control.max) && control.max - low > 0 && control.max <= 1e6;
  if (finite && control.kind !== 'seed') {
    const to = (v) => (control.log ? Math.log10(v) : v);
    const from = (v) => (control.log ? 10 ** v : v);
    const slider = node('input', { type: 'range', 'aria-label': control.label, tabindex: '-1' });
    slider.min = String(to(low));
    slider.max = String(to(control.max));
    slider.step = control.kind === 'count' ? '1' : 'any';
    slider.value = String(to(Math.max(low, Number(control.value))));
    slider.addEventListener('change', () => {
      const v = from(Number(slider.value));
      box.value = control.kind === 'count' ? String(Math.round(v)) : String(Number(v.toPrecision(3)));
      box.dispatchEvent(new Event('change'));
    });
    wrap.insertBefore(slider, box.nextSibling);
  }
  return wrap;
}

function select(control, options, value, edit) {
  const input = node('select');
  for (const o of options) {
    input.append(node('option', { value: o.value, text: `${o.value} — ${o.label}` }));
  }
  input.value = value;
  return field(control, input, edit);
}

/** The racing optimizers: each with its settings, and add / copy / remove. */
function racers(control, edit) {
  const list = node('div', { class: 'racers', 'data-key': control.key });
  const error = node('span', { class: 'field-error', 'aria-live': 'polite' });
  const send = (key, value) => {
    error.textContent = edit(key, value);
  };
  control.items.forEach((item, i) => {
    const card = node('fieldset', { class: 'racer' });
    card.append(node('legend', { text: `${i + 1}. ${item.optimizer}` }));
    const kind = { key: `${control.key}.${i}`, label: control.item };
    card.append(select(kind, control.optimizers, item.optimizer, edit));
    for (const [key, value] of Object.entries(item.settings ?? {})) {
      const sub = { key: `${control.key}.${i}.${key}`, label: key };
      if (typeof value === 'boolean') {
        const box = node('input', { type: 'checkbox' });
        box.checked = value;
        card.append(field(sub, box, edit, () => String(box.checked)));
      } else if (typeof value === 'number' || typeof value === 'string') {
        card.append(field(sub, text(String(value), { inputmode: 'decimal' }), edit));
      }
    }
    if (item.rule) card.append(node('pre', { class: 'rule', text: item.rule }));
    const copy = node('button', { type: 'button', text: 'Copy' });
    copy.addEventListener('click', () => send(`${control.key}*`, String(i)));
    const remove = node('button', { type: 'button', text: 'Remove' });
    remove.addEventListener('click', () => send(`${control.key}-`, String(i)));
    card.append(node('div', { class: 'row' }, copy, remove));
    list.append(card);
  });
  const pick = node('select', { 'aria-label': `${control.item} to add` });
  for (const o of control.optimizers) {
    pick.append(node('option', { value: o.value, text: o.value, title: o.label }));
  }
  const add = node('button', { type: 'button', text: 'Add' });
  add.addEventListener('click', () => send(`${control.key}+`, pick.value));
  list.append(node('div', { class: 'row' }, pick, add), error);
  return list;
}

/** One control from its schema entry. */
function control(c, edit) {
  switch (c.kind) {
    case 'count':
    case 'real':
    case 'seed':
      return number(c, edit);
    case 'flag': {
      const box = node('input', { type: 'checkbox' });
      box.checked = Boolean(c.value);
      return field(c, box, edit, () => (box.checked ? '1' : '0'));
    }
    case 'choice':
      return select(c, c.options, c.value, edit);
    case 'pair':
      return field(c, text(c.value, { inputmode: 'decimal' }), edit);
    case 'params': {
      const group = node('div', { class: 'params', 'data-key': c.key });
      for (const p of c.params) {
        const input = text(p.value, { inputmode: 'decimal' });
        const param = { key: c.key, label: p.key, help: c.help };
        group.append(field(param, input, edit, () => `${p.key}:${input.value}`));
      }
      return group;
    }
    case 'racers':
      return racers(c, edit);
    default: {
      const input = text(c.value, { maxlength: String(c.max_len ?? 4096) });
      if (c.kind === 'formula') input.classList.add('formula');
      const wrap = field(c, input, edit);
      if (c.suggestions) {
        const list = node('datalist', { id: `${input.id}-list` });
        for (const s of c.suggestions) list.append(node('option', { value: s }));
        input.setAttribute('list', list.id);
        wrap.append(list);
      }
      return wrap;
    }
  }
}

/**
 * The panel for `schema`: its groups in order, each with its controls;
 * groups named in `schema.hide` are left out. With `schema.bare` the
 * controls come without group headings (the minimal bar).
 */
export function renderPanel(schema, edit) {
  const hidden = new Set(schema.hide ?? []);
  const panel = node('div', { class: schema.bare ? 'panel bare' : 'panel' });
  const groups = schema.bare ? [{ name: null }] : schema.groups;
  for (const group of groups) {
    if (group.name && hidden.has(group.name)) continue;
    const inGroup = (c) => group.name === null || c.group === group.name;
    const members = schema.controls.filter((c) => inGroup(c) && c.shown !== false && !hidden.has(c.group));
    if (!members.length) continue;
    const legend = node('legend', { text: group.label });
    const box = schema.bare ? panel : node('fieldset', { class: 'group', 'data-group': group.name }, legend);
    for (const c of members) box.append(control(c, edit));
    if (!schema.bare) panel.append(box);
  }
  return panel;
}
