// callgate ops page: trunk health with an RTT sparkline, live calls,
// queues, agents by state, verification signals and pending callbacks,
// from GET /api/v1/trunks and GET /api/v1/ops/summary every few seconds.
// Both answer counts and names from the configuration only; values are
// written with textContent, the sparkline built with DOM calls. Polling
// does not keep the session alive: activity on the page does (common.js).
// Needs common.js (api, $, setupAuth).
"use strict";

const refreshEvery = 3000; // ms
const svgNS = "http://www.w3.org/2000/svg";

const verificationRows = [
  ["attempts", "Verification attempts"],
  ["failures", "Wrong entries"],
  ["failed_calls", "Calls that failed verification"],
  ["lockouts", "Calls locked out"],
  ["suspected_pretexting", "Suspected pretexting"],
];

let timer = null;
let generation = 0; // bumped by stop(): a refresh in flight then draws nothing

const auth = setupAuth({
  enter(me) {
    const ops = me.role === "ops" || me.role === "admin";
    $("notops").hidden = ops;
    $("board").hidden = !ops;
    if (ops) begin();
  },
  leave() {
    stop();
    clearBoard();
  },
});

function begin() {
  stop();
  refresh();
  timer = setInterval(refresh, refreshEvery);
}

function stop() {
  generation++;
  if (timer) { clearInterval(timer); timer = null; }
}

async function refresh() {
  const gen = generation;
  const [t, s] = await Promise.all([api("GET", "/api/v1/trunks"), api("GET", "/api/v1/ops/summary")]);
  if (gen !== generation) return;
  for (const r of [t, s]) {
    if (r.status === 401 || r.status === 423) {
      stop();
      await auth.handleAuthError(r.status);
      return;
    }
  }
  if (t.status === 200) renderTrunks(t.data.trunks || []);
  if (s.status === 200) renderSummary(s.data);
  const ok = t.status === 200 && s.status === 200;
  $("updated").textContent = ok ? "updated " + new Date().toLocaleTimeString() : "refresh failed (" + t.status + ", " + s.status + ")";
  $("updated").classList.toggle("stale", !ok);
  if (ok) $("board").dataset.generatedAt = s.data.generated_at;
}

function clearBoard() {
  $("trunks").tBodies[0].replaceChildren();
  $("queues").tBodies[0].replaceChildren();
  $("verification").tBodies[0].replaceChildren();
  for (const dd of document.querySelectorAll("#calls dd, #agents dd, #callbacks dd")) dd.textContent = "";
  $("unavailable").hidden = true;
  $("updated").textContent = "";
  delete $("board").dataset.generatedAt;
}

function cell(row, text, field) {
  const td = document.createElement("td");
  td.textContent = text;
  if (field) td.dataset.field = field;
  row.append(td);
  return td;
}

function badge(status) {
  const span = document.createElement("span");
  span.className = "badge " + status;
  span.textContent = status;
  return span;
}

function ms(v) {
  return v.toFixed(v < 10 ? 2 : 1) + " ms";
}

// ---- trunks ------------------------------------------------------------

function renderTrunks(trunks) {
  const body = $("trunks").tBodies[0];
  const rows = [];
  for (const tr of trunks) {
    const addrs = tr.addresses.length ? tr.addresses : [null];
    addrs.forEach((ad, i) => {
      const row = document.createElement("tr");
      row.dataset.trunk = tr.name;
      if (i === 0) {
        const span = addrs.length;
        cell(row, tr.name, "name").rowSpan = span;
        const st = cell(row, "", "status");
        st.rowSpan = span;
        st.dataset.status = tr.status;
        st.append(badge(tr.status));
        cell(row, tr.active_calls + (tr.max_calls ? " / " + tr.max_calls : ""), "calls").rowSpan = span;
      }
      if (!ad) {
        cell(row, "—", "address");
        rows.push(row);
        return;
      }
      row.dataset.address = ad.address;
      cell(row, ad.address, "address");
      const st = cell(row, "", "address-status");
      st.dataset.status = ad.status;
      st.append(badge(ad.status));
      cell(row, ad.last_code ? String(ad.last_code) : "none", "last-code");
      cell(row, ad.probes && ad.last_code ? ms(ad.rtt_ms) : "—", "rtt");
      cell(row, "", "history").append(sparkline(ad.rtt_history_ms || []));
      rows.push(row);
    });
  }
  body.replaceChildren(...rows);
  $("notrunks").hidden = trunks.length > 0;
  $("trunks").hidden = trunks.length === 0;
}

// sparkline draws round-trip times (oldest first) as an inline SVG line.
function sparkline(values) {
  const w = 120, h = 28, pad = 3;
  const svg = document.createElementNS(svgNS, "svg");
  svg.setAttribute("viewBox", "0 0 " + w + " " + h);
  svg.setAttribute("width", String(w));
  svg.setAttribute("height", String(h));
  svg.setAttribute("class", "spark");
  svg.setAttribute("role", "img");
  svg.dataset.points = String(values.length);
  const title = document.createElementNS(svgNS, "title");
  svg.append(title);
  if (values.length === 0) {
    title.textContent = "no answers yet";
    return svg;
  }
  const lo = Math.min(...values), hi = Math.max(...values);
  title.textContent = "last " + values.length + " answers: " + ms(lo) + " to " + ms(hi);
  svg.setAttribute("aria-label", title.textContent);
  const x = (i) => values.length === 1 ? w / 2 : pad + i * (w - 2 * pad) / (values.length - 1);
  const y = (v) => hi === lo ? h / 2 : h - pad - (v - lo) * (h - 2 * pad) / (hi - lo);
  if (values.length === 1) {
    const dot = document.createElementNS(svgNS, "circle");
    dot.setAttribute("cx", String(x(0)));
    dot.setAttribute("cy", String(y(values[0])));
    dot.setAttribute("r", "2");
    svg.append(dot);
    return svg;
  }
  const line = document.createElementNS(svgNS, "polyline");
  line.setAttribute("points", values.map((v, i) => x(i).toFixed(1) + "," + y(v).toFixed(1)).join(" "));
  line.setAttribute("fill", "none");
  svg.append(line);
  return svg;
}

// ---- summary -----------------------------------------------------------

function renderSummary(s) {
  const missing = new Set(s.unavailable || []);
  $("unavailable").hidden = missing.size === 0;
  $("unavailable").textContent = missing.size ? "The shared store did not answer for: " + [...missing].join(", ") + ". Those figures are not current." : "";

  for (const dd of document.querySelectorAll("#calls dd")) {
    dd.textContent = String(s.calls[dd.dataset.count]);
  }
  for (const dd of document.querySelectorAll("#agents dd")) {
    dd.textContent = missing.has("agents") ? "—" : String(s.agents[dd.dataset.state] || 0);
  }
  $("callbacks").querySelector("dd").textContent = missing.has("callbacks") ? "—" : String(s.callbacks.pending);

  const qrows = [];
  for (const q of s.queues) {
    const row = document.createElement("tr");
    row.dataset.queue = q.name;
    cell(row, q.name, "name");
    cell(row, missing.has("queues") ? "—" : String(q.depth), "depth");
    cell(row, missing.has("queues") || !q.depth ? "—" : duration(q.oldest_wait_seconds), "oldest");
    cell(row, String(q.last_5m.answered), "answered");
    cell(row, String(q.last_5m.abandoned), "abandoned");
    cell(row, String(q.last_5m.timed_out), "timed-out");
    cell(row, q.last_5m.answered ? duration(q.last_5m.avg_answer_seconds) : "—", "avg-answer");
    qrows.push(row);
  }
  $("queues").tBodies[0].replaceChildren(...qrows);

  const vrows = [];
  for (const [key, text] of verificationRows) {
    const c = s.verification[key];
    const row = document.createElement("tr");
    row.dataset.signal = key;
    const th = document.createElement("th");
    th.scope = "row";
    th.textContent = text;
    row.append(th);
    cell(row, String(c.last_5m), "5m");
    cell(row, String(c.last_60m), "60m");
    if (key !== "attempts" && c.last_5m > 0) row.className = "alert";
    vrows.push(row);
  }
  $("verification").tBodies[0].replaceChildren(...vrows);
}

function duration(seconds) {
  const s = Math.round(seconds);
  if (s < 60) return s + " s";
  const m = Math.floor(s / 60);
  if (m < 60) return m + " min " + (s % 60) + " s";
  return Math.floor(m / 60) + " h " + (m % 60) + " min";
}

auth.start();
