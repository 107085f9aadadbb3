// The five headline sliders as one control whose values flow while a thumb is held.
//
// Streamlit calls the default export when the control mounts and again each time the
// page sends new data ({applied, values, fields}); the element and what we keep on it
// survive between calls. Flow control: one message in flight at a time. A message is
// {seq, name, value, final}; the page echoes the seq it last handled as data.applied,
// and only then is the next value sent, so reruns neither pile up nor starve. Values
// wait per slider, newest only, so the value at release (final: true) always goes out
// last. Values are snapped to the slider's grid here and checked again by the page.

const RETRY_MS = 3000; // send anyway when an echo has not come back by then
const ROUND_TRIP = "whatif-live-round-trip"; // a performance measure per applied value
const STEPS = { ArrowRight: 1, ArrowUp: 1, ArrowLeft: -1, ArrowDown: -1 };
const NUMBER = new Intl.NumberFormat("en-US", { maximumFractionDigits: 4 });

function gridValue(field, steps) {
  const value = field.min + steps * field.step;
  return Math.min(field.max, Math.max(field.min, Number(value.toFixed(field.decimals))));
}

function snap(field, value) {
  return gridValue(field, Math.round((value - field.min) / field.step));
}

// The value `count` steps away in `direction`; from a value between steps, the next one
// in that direction counts as the first.
function stepped(field, value, direction, count) {
  const steps = (value - field.min) / field.step;
  const from = direction > 0 ? Math.floor(steps + 1e-6) : Math.ceil(steps - 1e-6);
  return gridValue(field, from + direction * count);
}

function keyed(field, value, key) {
  if (key === "Home") return field.min;
  if (key === "End") return field.max;
  const page = Math.max(1, Math.round((field.max - field.min) / field.step / 10));
  if (key === "PageUp") return stepped(field, value, 1, page);
  if (key === "PageDown") return stepped(field, value, -1, page);
  if (key in STEPS) return stepped(field, value, STEPS[key], 1);
  return null;
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

class LiveSliders {
  constructor(root, data) {
    this.seq = Number.isInteger(data.applied) ? data.applied : 0;
    this.inflight = null; // {seq, name, at}
    this.retry = null; // the timer that sends anyway when an echo is overdue
    this.waiting = new Map(); // name -> {value, final}, not sent yet
    this.last = new Map(); // name -> {value, final}, the newest queued or sent
    this.held = null; // the name of the slider whose thumb is held
    this.sliders = new Map();
    const grid = element("div", "live");
    for (const field of data.fields) grid.appendChild(this.slider(field));
    root.appendChild(grid);
  }

  slider(field) {
    const cell = element("div", "field");
    const head = element("div", "head");
    const label = element("label", "label", field.label);
    label.htmlFor = `live-${field.name}`;
    const help = element("span", "help", "?");
    help.tabIndex = 0;
    help.setAttribute("role", "img");
    help.setAttribute("aria-label", `About ${field.label}`);
    const tip = element("span", "tip");
    tip.setAttribute("role", "tooltip");
    tip.id = `tip-${field.name}`;
    tip.append(element("span", "", field.help), element("strong", "", "Source: "));
    tip.append(field.source);
    help.setAttribute("aria-describedby", tip.id);
    help.appendChild(tip);
    const shown = element("output", "value");
    shown.htmlFor = label.htmlFor;
    head.append(label, help, shown);
    const input = element("input");
    input.type = "range";
    input.id = label.htmlFor;
    input.min = String(field.min);
    input.max = String(field.max);
    input.step = "any"; // snapped here instead, so values between steps can be shown
    input.setAttribute("aria-label", field.label);
    input.dataset.field = field.name;
    const ends = element("div", "ends");
    ends.append(element("span", "", NUMBER.format(field.min)));
    ends.append(element("span", "", NUMBER.format(field.max)));
    cell.append(head, input, ends);
    this.sliders.set(field.name, { field, input, shown });
    this.listen(field, input);
    return cell;
  }

  listen(field, input) {
    const name = field.name;
    input.addEventListener("pointerdown", () => (this.held = name));
    input.addEventListener("input", () => {
      const value = snap(field, Number(input.value));
      this.show(name, value);
      this.send(name, value, this.held !== name);
    });
    input.addEventListener("change", () => {
      this.held = null;
      this.send(name, snap(field, Number(input.value)), true);
    });
    for (const end of ["pointerup", "pointercancel"]) {
      input.addEventListener(end, () => {
        if (this.held !== name) return;
        this.held = null;
        this.send(name, snap(field, Number(input.value)), true);
      });
    }
    input.addEventListener("keydown", (event) => {
      const value = keyed(field, Number(input.value), event.key);
      if (value === null) return;
      event.preventDefault();
      this.show(name, value);
      this.send(name, value, true);
    });
  }

  show(name, value) {
    const { field, input, shown } = this.sliders.get(name);
    input.value = String(value);
    const text = NUMBER.format(value);
    shown.textContent = text;
    input.setAttribute("aria-valuetext", `${text} ${field.unit}`);
    const share = field.max > field.min ? (value - field.min) / (field.max - field.min) : 0;
    input.style.setProperty("--fill", `${(share * 100).toFixed(2)}%`);
  }

  send(name, value, final) {
    // A release reports its value once, though both pointerup and change announce it.
    const last = this.last.get(name);
    if (final && last && last.final && last.value === value) return;
    this.last.set(name, { value, final });
    this.waiting.delete(name);
    this.waiting.set(name, { value, final });
    this.pump();
  }

  pump() {
    if (this.waiting.size === 0 || !this.setStateValue) return;
    const waited = this.inflight ? performance.now() - this.inflight.at : RETRY_MS;
    if (waited < RETRY_MS) {
      // Come back when the echo is overdue, in case it never arrives (a lost rerun).
      this.retry ??= setTimeout(() => {
        this.retry = null;
        this.pump();
      }, RETRY_MS - waited);
      return;
    }
    if (this.inflight) performance.clearMarks(`whatif-live-sent-${this.inflight.seq}`);
    const [name, { value, final }] = this.waiting.entries().next().value;
    this.waiting.delete(name);
    this.seq += 1;
    this.inflight = { seq: this.seq, name, at: performance.now() };
    performance.mark(`whatif-live-sent-${this.seq}`);
    this.setStateValue("value", { seq: this.seq, name, value, final });
  }

  receive(data, setStateValue) {
    this.setStateValue = setStateValue;
    if (this.inflight && data.applied === this.inflight.seq) {
      // How long the page took to apply a value: the round trip the flow control waits on.
      const sent = `whatif-live-sent-${this.inflight.seq}`;
      performance.measure(ROUND_TRIP, sent);
      performance.clearMarks(sent);
      if (performance.getEntriesByName(ROUND_TRIP).length > 1000) {
        performance.clearMeasures(ROUND_TRIP); // a long session keeps a bounded record
      }
      this.inflight = null;
    }
    for (const [name, value] of Object.entries(data.values)) {
      const busy = this.held === name || this.waiting.has(name) || this.inflight?.name === name;
      if (busy || !this.sliders.has(name)) continue;
      this.show(name, value);
      this.last.delete(name);
    }
    this.pump();
  }
}

export default function (component) {
  const { parentElement, data, setStateValue } = component;
  parentElement.whatifLive ??= new LiveSliders(parentElement, data);
  parentElement.whatifLive.receive(data, setStateValue);
}
