// The headline as one control: five sliders, the KPI tiles and the payback curve, whose
// numbers follow a held thumb.
//
// Streamlit calls the default export when the control mounts and again each time the
// page sends new data ({applied, values, fields, rows, chart, large, view, keys, sweep});
// the element and what we keep on it survive between calls.
//
// Every text shown comes formatted from Python. `view` is what the page computed for
// the values it sent. A `sweep` holds the texts and curve at every grid point of one
// slider, every other field held; it is valid while `keys[slider]` equals its key. When
// a slider is grabbed or focused without a valid sweep, the control asks for one once
// ({name, n} as the state "sweep"). With a sweep, a moving thumb is drawn by looking its
// grid index up, and only the release goes to the page. Without one (first grab, a slow
// network), values flow as messages: one in flight at a time; a message is
// {seq, name, value, final}, the page echoes the seq it last handled as data.applied,
// and only then is the next value sent, so reruns neither pile up nor starve. Values
// wait per slider, newest only, so the value at release (final: true) always goes out
// last. Values are snapped to the slider's grid here and checked again by the page.
//
// In a meeting (data.room), the presenter's control relays its held thumb to the room
// (POST rooms/ID/drag with the room's drag token, one in flight, at most every DRAG_MS),
// and a follower's control listens to the room's feed (server-sent events from
// rooms/ID/events): a relayed thumb is looked up in the room's sweep along that slider
// (GET rooms/ID/sweeps/FIELD, kept only under the presenter's key), so the follower's
// tiles move with it; word that the room moved on, ended, paused or resumed reruns the
// control's fragment (the trigger "room"), which applies the room's scenario. A
// follower's own hand on a slider always wins over the presenter's.

const RETRY_MS = 3000; // send anyway when an echo has not come back by then
const SWEEP_RETRY_MS = 1000; // ask again for a sweep whose answer has not come by then
const ROUND_TRIP = "whatif-live-round-trip"; // a performance measure per applied value
const STEPS = { ArrowRight: 1, ArrowUp: 1, ArrowLeft: -1, ArrowDown: -1 };
const NUMBER = new Intl.NumberFormat("en-US", { maximumFractionDigits: 4 });
const SWIPE_PX = 8; // a touch must go this far sideways, before it goes as far up or down
const SVG = "http://www.w3.org/2000/svg";
// The payback curve's frame in CSS pixels: as wide as its figure, between `narrowest` and
// `width` (so its text stays 11 px on a phone), with room on the right for half of "Year 10".
const CHART = { width: 640, narrowest: 280, height: 240, left: 64, right: 24, top: 14, bottom: 30 };
const YEAR_LABEL_PX = 44; // the room one year's label takes on the time axis
const SWEEPS_KEPT = 16;
const STATUS_NAME = "KPIs at the released value";
const LEVELS = 1000; // a curve's values in steps of its axis' span (whatif/sweep.py)
const DRAG_MS = 50; // a presenter's held thumb goes to the room at most 20 times a second
// A follower shows a relayed thumb until the room's word comes (about 0.3 s after the
// release), or this long after the last one when none comes (released where it started).
const RELAYED_MS = 2000;
const ROOM_NEWS = ["moved", "ended", "paused", "resumed"];
const FEED_RETRY_MS = 2000; // a feed the browser gave up on (an error answer) is reopened

// A meeting's route beside the page (app/stream.py), wherever the page is served from.
function roomUrl(id, what) {
  return new URL(`rooms/${encodeURIComponent(id)}/${what}`, window.location.href).href;
}

function gridValue(field, steps) {
  const value = field.min + steps * field.step;
  return Math.min(field.max, Math.max(field.min, Number(value.toFixed(field.decimals))));
}

function gridIndex(field, value) {
  return Math.round((value - field.min) / field.step);
}

function snap(field, value) {
  return gridValue(field, gridIndex(field, value));
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

function drawn(tag, attributes, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

function helpIcon(id, about, parts) {
  const help = element("span", "help", "?");
  help.tabIndex = 0;
  help.setAttribute("role", "img");
  help.setAttribute("aria-label", `About ${about}`);
  const tip = element("span", "tip");
  tip.setAttribute("role", "tooltip");
  tip.id = id;
  tip.append(...parts);
  help.setAttribute("aria-describedby", tip.id);
  help.appendChild(tip);
  for (const shown of ["mouseenter", "focus"]) help.addEventListener(shown, () => keepOnScreen(tip));
  return { help, tip };
}

// A tip opens below its "?" and, where that would run past the window's edge (a slider or
// tile at the right of the row, any tile on a phone), slides back inside it.
function keepOnScreen(tip) {
  tip.style.transform = "";
  const box = tip.getBoundingClientRect();
  if (box.width === 0) return; // not shown
  const margin = 8;
  const past = box.right - (document.documentElement.clientWidth - margin);
  const shift = past > 0 ? -past : Math.max(0, margin - box.left);
  if (shift) tip.style.transform = `translateX(${shift}px)`;
}

// A sweep's columns as arrays by grid index. Each column comes as runs, [texts, lengths]:
// texts split by newlines, how many points in a row each holds split by spaces.
function unpack(sweep) {
  const columns = sweep.columns.map(([texts, lengths]) => {
    const counts = lengths.split(" ").map(Number);
    return texts.split("\n").flatMap((text, k) => new Array(counts[k]).fill(text));
  });
  return { ...sweep, columns };
}

// The view at grid index `i` of an unpacked sweep, in the shape of the page's own view.
function pointView(sweep, i) {
  const at = (column) => sweep.columns[column][i];
  const tiles = [];
  const tileColumns = sweep.columns.length - 2;
  for (let c = 0; c < tileColumns; c += sweep.parts) {
    const delta = at(c + 2);
    tiles.push({
      label: at(c),
      value: at(c + 1),
      delta: delta && delta + sweep.suffix,
      tone: at(c + 3),
      direction: at(c + 4),
    });
  }
  const curve = Math.floor(i / sweep.curve_every);
  return {
    tiles,
    caption: at(tileColumns),
    axis: sweep.axis,
    curve: sweep.curves[curve],
    payback: [sweep.paybacks[curve], at(tileColumns + 1)],
  };
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
    this.sweeps = new Map(); // key -> unpacked sweep
    this.asked = new Map(); // key -> when it was asked for
    this.touch = null; // the slider a finger is on
    this.asks = 0;
    this.local = false; // the tiles show a looked-up value the page has not confirmed
    this.announced = null; // the first view is not read out: nothing was changed yet
    this.feed = null; // a follower's EventSource on the room's feed
    this.claimed = false; // a reloaded presenter's tab asked for its room back
    this.feedId = null;
    this.relayedAt = -Infinity; // when a follower last drew the presenter's held thumb
    this.news = 0;
    this.outbox = null; // a presenter's newest held value, not relayed yet
    this.relayBusy = false;
    this.data = data;
    const grid = element("div", "live");
    for (const field of data.fields) grid.appendChild(this.slider(field));
    this.root = root;
    this.figure = null;
    this.tiles = element("div", "tiles");
    this.story = element("p", "story");
    this.status = element("div", "status");
    this.status.setAttribute("role", "status"); // polite: said after the current speech
    this.status.setAttribute("aria-label", STATUS_NAME);
    root.append(grid, this.tiles, this.status);
    this.tileNodes = [];
    this.layTiles(data);
  }

  // The presentation view (large tiles, no curve) and the page share one control; the
  // toggle between them changes its data, not the element.
  layOut(data) {
    this.tiles.classList.toggle("large", Boolean(data.large));
    for (const [name, { note }] of this.sliders) {
      const [short, full] = data.notes?.[name] ?? ["", ""];
      setText(note, short);
      note.title = full;
    }
    if (data.chart && !this.figure) {
      this.figure = this.chart();
      this.root.appendChild(this.figure);
    } else if (!data.chart && this.figure) {
      this.figure.remove();
      this.figure = null;
      this.curve = null;
      this.axisDrawn = null;
      this.resized?.disconnect();
    }
  }

  slider(field) {
    const cell = element("div", "field");
    const head = element("div", "head");
    const label = element("label", "label", field.label);
    label.htmlFor = `live-${field.name}`;
    const source = [element("span", "", field.help), element("strong", "", "Source: ")];
    const { help } = helpIcon(`tip-${field.name}`, field.label, [...source, field.source]);
    const shown = element("output", "value");
    shown.htmlFor = label.htmlFor;
    // An output is a polite live region; the slider's own value text is what is read out.
    shown.setAttribute("aria-live", "off");
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
    // Between the ends: what the value does not say by itself (how much capex is charged).
    const note = element("span", "note");
    ends.append(element("span", "", NUMBER.format(field.min)), note);
    ends.append(element("span", "", NUMBER.format(field.max)));
    cell.append(head, input, ends);
    this.sliders.set(field.name, { field, input, shown, note });
    this.listen(field, input);
    return cell;
  }

  listen(field, input) {
    const name = field.name;
    input.addEventListener("pointerdown", (event) => {
      this.want(name);
      this.relay(name, this.shownValue(name)); // followers fetch their sweep as it is grabbed
      if (event.pointerType === "touch") return this.touched(field, input, event);
      this.held = name;
    });
    input.addEventListener("focus", () => {
      this.want(name);
      this.relay(name, this.shownValue(name));
    });
    input.addEventListener("input", () => {
      // Under a finger the thumb follows `touched` only; undo the browser's own move.
      if (this.touch === name) return this.show(name, this.shownValue(name, true));
      const value = snap(field, Number(input.value));
      this.move(name, value, this.held !== name);
    });
    input.addEventListener("change", () => {
      if (this.touch === name) return;
      if (this.held === name) this.held = null;
      this.release(name, snap(field, Number(input.value)));
    });
    for (const end of ["pointerup", "pointercancel"]) {
      input.addEventListener(end, (event) => {
        if (event.pointerType === "touch" || this.held !== name) return;
        this.held = null;
        this.release(name, snap(field, Number(input.value)));
      });
    }
    input.addEventListener("keydown", (event) => {
      const value = keyed(field, Number(input.value), event.key);
      if (value === null) return;
      event.preventDefault();
      this.move(name, value, true);
    });
  }

  // A finger on a track: the page scrolls (touch-action: pan-y) unless the finger first
  // goes SWIPE_PX sideways before it goes as far up or down; only then does the thumb
  // follow it. The browser's own thumb drag is off for touch (see the CSS and the
  // preventDefault below), so a vertical swipe never moves a slider.
  touched(field, input, start) {
    const name = field.name;
    let dragging = false;
    this.touch = name;
    const at = (event) => {
      const box = input.getBoundingClientRect();
      const share = Math.min(1, Math.max(0, (event.clientX - box.left) / box.width));
      return snap(field, field.min + share * (field.max - field.min));
    };
    const moved = (event) => {
      if (event.pointerId !== start.pointerId) return;
      if (!dragging) {
        const across = Math.abs(event.clientX - start.clientX);
        const down = Math.abs(event.clientY - start.clientY);
        if (down >= SWIPE_PX && down >= across) return done(); // a scroll: let it go
        if (across < SWIPE_PX) return;
        dragging = true;
        this.held = name;
      }
      this.move(name, at(event), false);
    };
    const done = (event) => {
      input.removeEventListener("pointermove", moved);
      input.removeEventListener("pointerup", done);
      input.removeEventListener("pointercancel", done);
      // The browser's change event for this touch comes after; it is ignored until then.
      setTimeout(() => {
        if (this.touch === name) this.touch = null;
      }, 0);
      if (!dragging) return;
      if (this.held === name) this.held = null;
      this.release(name, event && event.type === "pointerup" ? at(event) : this.shownValue(name));
    };
    input.setPointerCapture?.(start.pointerId);
    input.addEventListener("pointermove", moved);
    input.addEventListener("pointerup", done);
    input.addEventListener("pointercancel", done);
  }

  // The slider's value as last shown (`drawn`) or as its input now holds it.
  shownValue(name, drawn = false) {
    const { field, input, shown } = this.sliders.get(name);
    return drawn ? Number(shown.dataset.value) : snap(field, Number(input.value));
  }

  // Ask the page, once, for a sweep along `name` unless a valid one is here (again only
  // if an answer is long overdue: a rerun that carried it may have been cut short).
  want(name) {
    const key = this.data.keys?.[name];
    if (!key || this.sweeps.has(key) || !this.setStateValue) return;
    if (performance.now() - (this.asked.get(key) ?? -Infinity) < SWEEP_RETRY_MS) return;
    this.asked.set(key, performance.now());
    this.asks += 1;
    this.setStateValue("sweep", { name, n: this.asks });
  }

  // A follower fetches the room's sweep along the presenter's slider (app/stream.py),
  // once per key (again only if long overdue): no rerun of its page, and one sweep made
  // on the server for the whole room. It is kept only if it is the one the drag names.
  fetchRoomSweep(drag) {
    if (performance.now() - (this.asked.get(drag.key) ?? -Infinity) < SWEEP_RETRY_MS) return;
    this.asked.set(drag.key, performance.now());
    fetch(roomUrl(this.data.room.id, `sweeps/${encodeURIComponent(drag.name)}`))
      .then((answer) => (answer.ok ? answer.json() : null))
      .then((sweep) => {
        if (sweep?.key !== drag.key || sweep.name !== drag.name) return;
        this.keep(sweep);
      })
      .catch(() => null); // the next drag asks again; the release's news updates the page anyway
  }

  keep(sweep) {
    this.sweeps.set(sweep.key, unpack(sweep));
    // A long session keeps the newest few; a sweep is about 100 KB.
    if (this.sweeps.size > SWEEPS_KEPT) this.sweeps.delete(this.sweeps.keys().next().value);
    this.markSwept();
  }

  // Whether each thumb is followed by look-up (a valid sweep is here), for tests to see.
  markSwept() {
    for (const [name, { input }] of this.sliders) {
      input.dataset.swept = String(this.sweeps.has(this.data.keys?.[name]));
    }
  }

  // The view at `value` from a valid sweep along `name`, or null.
  lookUp(name, value) {
    const sweep = this.sweeps.get(this.data.keys?.[name]);
    if (!sweep) return null;
    const i = gridIndex(this.sliders.get(name).field, value);
    return sweep.values[i] === value ? pointView(sweep, i) : null;
  }

  // The thumb is at `value`: drawn from the sweep when there is one (only a final value
  // then goes to the page), otherwise sent for the page to compute.
  move(name, value, final) {
    this.relayedAt = -Infinity; // this page's own hand: the presenter's thumb no longer shows
    this.show(name, value);
    const looked = this.lookUp(name, value);
    if (looked) {
      this.local = true;
      this.drawView(looked, { story: false });
      if (final) this.release(name, value);
      else this.relay(name, value);
      return;
    }
    this.send(name, value, final);
  }

  // The presenter's held thumb to the room: the newest value, one request in flight.
  relay(name, value) {
    const room = this.data.room;
    if (!room?.drag) return;
    this.outbox = { name, value, key: this.data.keys?.[name], token: room.drag };
    if (this.relayBusy) return;
    this.relayBusy = true;
    const next = () => {
      const drag = this.outbox;
      this.outbox = null;
      if (!drag) {
        this.relayBusy = false;
        return;
      }
      fetch(roomUrl(room.id, "drag"), {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(drag),
      })
        .catch(() => null) // the room missed one drag; the release is published anyway
        .finally(() => setTimeout(next, DRAG_MS));
    };
    next();
  }

  // The presenter's tab keeps its room's secret for itself (sessionStorage: this tab only,
  // kept across a reload); reloaded on the room link, it asks for the room back once.
  keepOrClaim(room) {
    if (!room) return;
    const kept = `whatif-room-${room.id}`;
    if (room.claim) {
      window.sessionStorage.setItem(kept, room.claim);
    } else if (room.follow && !this.claimed && this.setStateValue) {
      const secret = window.sessionStorage.getItem(kept);
      if (!secret) return;
      this.claimed = true;
      this.setStateValue("claim", { id: room.id, secret });
    }
  }

  // A follower listens to the room while it follows, and stops when it steps out.
  listenToRoom(room) {
    const id = room?.follow ? room.id : null;
    if (id === this.feedId) return;
    this.feed?.close();
    this.feed = null;
    this.feedId = id;
    this.relayedAt = -Infinity;
    if (!id) return;
    // One feed per page, even if Streamlit mounts the control afresh.
    window.whatifRoomFeed?.close();
    this.feed = new EventSource(roomUrl(id, "events"));
    window.whatifRoomFeed = this.feed;
    this.feed.addEventListener("error", () => {
      // The browser reconnects a dropped stream by itself, but not one that was answered
      // with an error (a replica restarting): reopen it while the page still follows.
      if (this.feed?.readyState !== EventSource.CLOSED) return;
      this.feed = null;
      this.feedId = null;
      setTimeout(() => this.listenToRoom(this.data.room), FEED_RETRY_MS);
    });
    this.feed.addEventListener("drag", (event) => this.relayed(JSON.parse(event.data)));
    for (const kind of ROOM_NEWS) {
      this.feed.addEventListener(kind, () => {
        this.relayedAt = -Infinity; // the page's next view is the room's settled scenario
        this.news += 1;
        this.setTriggerValue?.("room", this.news);
      });
    }
  }

  relaying() {
    return performance.now() - this.relayedAt < RELAYED_MS;
  }

  // The presenter's held thumb, drawn from this page's own sweep with the presenter's key.
  relayed(drag) {
    // This page's own hand wins: a thumb held, or a value of its own not yet applied.
    const own = this.held || this.touch || this.local || this.inflight || this.waiting.size;
    if (own || !this.sliders.has(drag.name)) return;
    const { field } = this.sliders.get(drag.name);
    const sweep = this.sweeps.get(drag.key);
    if (!sweep) return this.fetchRoomSweep(drag);
    const i = gridIndex(field, drag.value);
    if (sweep.values[i] !== drag.value) return;
    this.relayedAt = performance.now();
    this.show(drag.name, drag.value);
    this.drawView(pointView(sweep, i), { story: false });
    clearTimeout(this.relayTimer);
    this.relayTimer = setTimeout(() => this.restore(), RELAYED_MS + 50);
  }

  // Once a relayed thumb has gone quiet with no word from the room (released where it
  // started, or the release's relay lost), the page's own values and view again.
  restore() {
    if (this.relaying() || this.local) return;
    for (const [name, value] of Object.entries(this.data.values)) {
      if (this.sliders.has(name) && this.held !== name) this.show(name, value);
    }
    this.drawView(this.data.view, { story: true });
  }

  release(name, value) {
    this.relayedAt = -Infinity;
    this.show(name, value);
    this.relay(name, value); // the room's last drag is where the thumb was let go
    const looked = this.lookUp(name, value);
    if (looked) {
      this.local = true;
      this.drawView(looked, { story: false });
      this.announce(looked);
    }
    this.send(name, value, true);
  }

  show(name, value) {
    const { field, input, shown } = this.sliders.get(name);
    input.value = String(value);
    const text = NUMBER.format(value);
    shown.textContent = text;
    shown.dataset.value = String(value);
    input.setAttribute("aria-valuetext", `${text} ${field.unit}`);
    const share = field.max > field.min ? (value - field.min) / (field.max - field.min) : 0;
    input.style.setProperty("--fill", `${(share * 100).toFixed(2)}%`);
  }

  layTiles(data) {
    this.tiles.replaceChildren();
    this.tileNodes = [];
    let n = 0;
    data.rows.forEach((count, row) => {
      const line = element("div", "row");
      line.style.setProperty("--count", String(Math.max(...data.rows)));
      for (let k = 0; k < count; k += 1, n += 1) line.appendChild(this.tile(n));
      this.tiles.appendChild(line);
      if (row === 0) this.tiles.appendChild(this.story);
    });
    this.rows = data.rows.join(",");
  }

  tile(n) {
    const node = element("div", "tile");
    node.setAttribute("role", "group");
    const label = element("span", "tile-label");
    label.id = `tile-label-${n}`;
    node.setAttribute("aria-labelledby", label.id);
    const { help, tip } = helpIcon(`tile-tip-${n}`, "", []);
    const head = element("div", "tile-head");
    head.append(label, help);
    const value = element("div", "tile-value");
    const delta = element("div", "tile-delta");
    const arrow = element("span", "arrow");
    arrow.setAttribute("aria-hidden", "true");
    const deltaText = element("span", "delta-text");
    delta.append(arrow, deltaText);
    node.append(head, value, delta);
    this.tileNodes.push({ node, label, help, tip, value, delta, arrow, deltaText });
    return node;
  }

  drawView(view, { story }) {
    this.tileNodes.forEach((nodes, i) => {
      const tile = view.tiles[i];
      setText(nodes.label, tile.label);
      setText(nodes.value, tile.value);
      setText(nodes.deltaText, tile.delta ?? "");
      setText(nodes.arrow, tile.direction === "up" ? "↑" : tile.direction === "down" ? "↓" : "");
      const className = `tile-delta ${tile.tone}${tile.delta ? "" : " none"}`;
      if (nodes.delta.className !== className) nodes.delta.className = className;
      if (tile.help !== undefined) {
        setText(nodes.tip, tile.help);
        nodes.help.setAttribute("aria-label", `About ${tile.label}`);
      }
    });
    if (story) setText(this.story, view.story);
    this.story.classList.toggle("stale", !story);
    if (this.curve) this.drawCurve(view);
  }

  // Where each tick, curve point and the payback rule go; the texts come from Python.
  chart() {
    const figure = element("figure", "cash");
    this.width = CHART.width;
    this.svg = drawn("svg", {
      viewBox: `0 0 ${this.width} ${CHART.height}`,
      role: "img",
      "aria-label": "Payback: cumulative net cash by month",
    });
    this.axisGroup = drawn("g", { class: "axis" });
    this.curve = drawn("polyline", { class: "curve", fill: "none" });
    this.rule = drawn("line", { class: "payback" });
    this.ruleText = drawn("text", { class: "payback-label" });
    this.svg.append(this.axisGroup, this.curve, this.rule, this.ruleText);
    this.caption = element("figcaption", "caption");
    figure.append(element("div", "chart-title", "Payback"), this.svg, this.caption);
    // Drawn at the figure's own width: a viewBox squeezed onto a phone shrinks its text.
    this.resized = new ResizeObserver(() => {
      const width = Math.round(Math.min(CHART.width, Math.max(CHART.narrowest, figure.clientWidth)));
      if (width === this.width || !figure.clientWidth) return;
      this.width = width;
      this.svg.setAttribute("viewBox", `0 0 ${width} ${CHART.height}`);
      this.axisDrawn = null;
      if (this.drawnView) this.drawCurve(this.drawnView);
    });
    this.resized.observe(figure);
    return figure;
  }

  drawCurve(view) {
    this.drawnView = view;
    const { axis } = view;
    const plotWidth = this.width - CHART.left - CHART.right;
    const plotHeight = CHART.height - CHART.top - CHART.bottom;
    const x = (month) => CHART.left + (month / axis.last) * plotWidth;
    const y = (share) => CHART.top + (1 - share) * plotHeight;
    const span = axis.high - axis.low;
    if (this.axisDrawn !== axis) {
      this.axisDrawn = axis;
      const parts = [];
      for (const [tick, text] of axis.ticks) {
        const at = y((tick - axis.low) / span);
        const zero = tick === axis.zero ? " zero" : "";
        parts.push(drawn("line", { class: `grid${zero}`, x1: CHART.left, x2: x(axis.last), y1: at, y2: at }));
        parts.push(drawn("text", { class: "tick", x: CHART.left - 6, y: at + 4 }, text));
      }
      // Every year gets a tick; a narrow chart labels every second (or third) one.
      const every = Math.max(1, Math.ceil((axis.years.length * YEAR_LABEL_PX) / plotWidth));
      axis.years.forEach(([month, text], k) => {
        const at = x(month);
        const bottom = CHART.height - CHART.bottom;
        parts.push(drawn("line", { class: "grid", x1: at, x2: at, y1: bottom, y2: bottom + 4 }));
        if ((k + 1) % every === 0) parts.push(drawn("text", { class: "tick year", x: at, y: bottom + 18 }, text));
      });
      this.axisGroup.replaceChildren(...parts);
    }
    const points = view.curve.map((level, k) => `${x(axis.months[k]).toFixed(1)},${y(level / LEVELS).toFixed(1)}`);
    this.curve.setAttribute("points", points.join(" "));
    const [month, label] = view.payback;
    this.rule.style.display = month ? "" : "none";
    this.ruleText.style.display = month ? "" : "none";
    if (month) {
      const at = x(month).toFixed(1);
      for (const [name, value] of [["x1", at], ["x2", at], ["y1", CHART.top], ["y2", CHART.height - CHART.bottom]]) {
        this.rule.setAttribute(name, value);
      }
      this.ruleText.setAttribute("x", at);
      this.ruleText.setAttribute("y", CHART.top + 10);
      this.ruleText.setAttribute("text-anchor", month > axis.last / 2 ? "end" : "start");
      setText(this.ruleText, label);
    }
    setText(this.caption, view.caption);
    this.svg.setAttribute("aria-label", `Payback: cumulative net cash by month. ${view.caption}`);
  }

  // Said politely once a value is let go, never while a thumb moves.
  announce(view) {
    const text = view.tiles
      .slice(0, this.tileNodes.length)
      .map((tile) => `${tile.label}: ${tile.value}`)
      .join(". ");
    if (text === this.announced) return;
    const first = this.announced === null;
    this.announced = text;
    if (!first) this.status.textContent = text;
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

  receive(data, setStateValue, setTriggerValue) {
    this.setStateValue = setStateValue;
    this.setTriggerValue = setTriggerValue;
    this.data = data;
    this.keepOrClaim(data.room);
    this.listenToRoom(data.room);
    if (data.sweep) this.keep(data.sweep);
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
      const busy =
        this.held === name || this.waiting.has(name) || this.inflight?.name === name || this.relaying();
      if (busy || !this.sliders.has(name)) continue;
      this.show(name, value);
      this.last.delete(name);
    }
    this.markSwept();
    if (data.rows.join(",") !== this.rows) this.layTiles(data);
    this.layOut(data);
    // A looked-up value stays until the page has applied every value sent after it.
    const pending = this.held || this.waiting.size > 0 || this.inflight;
    if (!(this.local && pending) && !this.relaying()) {
      this.local = false;
      this.drawView(data.view, { story: true });
      if (!this.held) this.announce(data.view);
    }
    // A slider focused before its keys were known asks now.
    const focused = this.tiles.getRootNode().activeElement;
    if (focused?.dataset?.field) this.want(focused.dataset.field);
    this.pump();
  }
}

export default function (component) {
  const { parentElement, data, setStateValue, setTriggerValue } = component;
  parentElement.whatifLive ??= new LiveSliders(parentElement, data);
  parentElement.whatifLive.receive(data, setStateValue, setTriggerValue);
}
