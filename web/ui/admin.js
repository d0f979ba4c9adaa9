// callgate flow administration page. Everything it shows comes from the
// admin API (/api/v1/flows...); every value is written with textContent,
// and the graph is a server-drawn SVG shown as an <img>, so nothing from a
// flow source is ever parsed as markup here.
"use strict";

const enc = encodeURIComponent;

let current = null;   // the flow on screen: {id, live, liveSource, draftSHA, draftSource, draftAuthor, draftSaved}
let validateTimer = null;
let validateSeq = 0;
let badLines = new Set();

const newFlowTemplate = (id) => [
  "id: " + id,
  "description: A new call flow.",
  "entry: hello",
  "languages: [en]",
  "nodes:",
  "  hello:",
  "    kind: play",
  "    prompts: [welcome]",
  "    next: bye",
  "  bye:",
  "    kind: hangup",
  "    prompts: [goodbye]",
  "",
].join("\n");

// authOK sends the page back to sign-in or unlock when a call found the
// session gone or locked, and reports whether r may be used.
function authOK(r) {
  if (r.status === 401 || r.status === 423) {
    auth.handleAuthError(r.status);
    return false;
  }
  return true;
}

function errorText(r) {
  return (r.data && r.data.error) || ("HTTP " + r.status);
}

function when(iso) {
  return iso ? iso.replace("T", " ").replace(/\.\d+/, "").replace("Z", " UTC") : "";
}

// Sign-in, screen lock and sign-out are common.js's; the workspace is for
// admins only (anyone else sees #forbidden), and leaving it takes the
// flow off the page.
const auth = setupAuth({
  desk: "workspace",
  others: ["forbidden"],
  controlsOn: ["workspace", "forbidden", "locked"],
  async enter(me) {
    if (me.role !== "admin") {
      auth.show("forbidden");
      $("flow-rows").replaceChildren();
      return;
    }
    const flows = await loadList();
    if (!flows) return;
    const wanted = decodeURIComponent(location.hash.slice(1));
    const pick = flows.find((f) => f.id === wanted) || flows[0];
    if (pick && (!current || current.id !== pick.id)) await select(pick.id);
  },
  leave() {
    current = null;
    $("flow").hidden = true;
    $("flow-rows").replaceChildren();
    $("source").value = "";
  },
});

// ---- the flow list -----------------------------------------------------

// POLICY is the list's entry for the disclosure policy, which the same
// editor administers through /api/v1/policy (one document, no graph).
const POLICY = "disclosure-policy";

// docBase is the API path of a flow, or of the policy.
function docBase(id) {
  return id === POLICY ? "/api/v1/policy" : "/api/v1/flows/" + enc(id);
}

const draftWords = { none: "—", same: "same as live", changed: "changed", new: "new flow" };

async function loadList() {
  const r = await api("GET", "/api/v1/flows");
  if (!authOK(r)) return null;
  if (r.status !== 200) {
    $("list-error").textContent = "Could not list the flows: " + errorText(r);
    return null;
  }
  $("list-error").textContent = "";
  const rows = [];
  for (const f of r.data.flows) {
    const tr = document.createElement("tr");
    tr.dataset.flow = f.id;
    tr.dataset.live = String(f.live_version);
    tr.dataset.draft = f.draft;
    const id = document.createElement("td");
    id.textContent = f.id;
    id.title = f.description || "";
    const live = document.createElement("td");
    live.textContent = f.live_version ? "v" + f.live_version : "—";
    const draft = document.createElement("td");
    draft.textContent = draftWords[f.draft] || f.draft;
    draft.className = "draft-" + f.draft;
    tr.append(id, live, draft);
    tr.addEventListener("click", () => select(f.id));
    if (current && current.id === f.id) tr.classList.add("selected");
    rows.push(tr);
  }
  const pol = await api("GET", "/api/v1/policy");
  if (pol.status === 200) {
    const tr = document.createElement("tr");
    tr.dataset.flow = POLICY;
    tr.dataset.live = String(pol.data.version);
    const id = document.createElement("td");
    id.textContent = "disclosure policy";
    id.title = "who may see which member fields (routing/policy)";
    const live = document.createElement("td");
    live.textContent = "v" + pol.data.version;
    const draft = document.createElement("td");
    draft.textContent = "—";
    tr.append(id, live, draft);
    tr.addEventListener("click", () => select(POLICY));
    if (current && current.id === POLICY) tr.classList.add("selected");
    rows.push(tr);
  }
  $("flow-rows").replaceChildren(...rows);
  return r.data.flows;
}

$("new-flow-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const id = $("new-flow-id").value.trim();
  $("new-flow-error").textContent = "";
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(id) || id === POLICY) {
    $("new-flow-error").textContent = "A flow id is 1 to 63 lowercase letters, digits and dashes.";
    return;
  }
  $("new-flow-id").value = "";
  open({ id, live: 0, liveSource: "", draftSHA: null, draftSource: null }, newFlowTemplate(id));
});

// ---- one flow ----------------------------------------------------------

async function select(id) {
  const [live, draft] = await Promise.all([
    api("GET", docBase(id)),
    api("GET", docBase(id) + "/draft"),
  ]);
  if (!authOK(live) || !authOK(draft)) return;
  if (live.status !== 200 && draft.status !== 200) {
    $("list-error").textContent = "Could not open " + id + ": " + errorText(live);
    return;
  }
  const f = { id, live: 0, liveSource: "", draftSHA: null, draftSource: null };
  if (live.status === 200) {
    f.live = live.data.version;
    f.liveSource = live.data.source;
    f.liveAuthor = live.data.author;
    f.livePublished = live.data.published;
  }
  if (draft.status === 200) {
    f.draftSHA = draft.data.sha256;
    f.draftSource = draft.data.source;
    f.draftAuthor = draft.data.author;
    f.draftSaved = draft.data.saved;
  }
  open(f, f.draftSource !== null ? f.draftSource : f.liveSource);
}

function open(f, text) {
  current = f;
  history.replaceState(null, "", "#" + enc(f.id));
  for (const tr of $("flow-rows").children) tr.classList.toggle("selected", tr.dataset.flow === f.id);
  $("flow").hidden = false;
  $("flow-title").textContent = f.id;
  $("source").value = text;
  $("publish-status").textContent = "";
  $("publish-status").className = "status";
  $("save-status").textContent = "";
  describe();
  renderGutter();
  validateNow();
  loadDiff();
  loadVersions();
  loadGraphChoices();
}

function describe() {
  const f = current;
  $("flow-meta").textContent = f.live
    ? "Live: version " + f.live + (f.liveAuthor ? ", published by " + f.liveAuthor + " " + when(f.livePublished) : "")
    : "Not published yet.";
  $("editing").textContent = f.draftSource !== null
    ? "(the draft saved by " + f.draftAuthor + " " + when(f.draftSaved) + ")"
    : f.live ? "(the live version; edits become a draft when saved)" : "(a new flow: save it as a draft)";
}

// ---- editing and validation as you type --------------------------------

$("source").addEventListener("input", () => {
  renderGutter();
  if (validateTimer) clearTimeout(validateTimer);
  validateTimer = setTimeout(validateNow, 300);
});

$("source").addEventListener("scroll", () => {
  $("gutter").scrollTop = $("source").scrollTop;
});

function renderGutter() {
  const n = $("source").value.split("\n").length;
  const spans = [];
  for (let i = 1; i <= n; i++) {
    const s = document.createElement("span");
    s.textContent = String(i);
    if (badLines.has(i)) {
      s.className = "bad";
      s.dataset.bad = "true";
    }
    spans.push(s);
  }
  $("gutter").replaceChildren(...spans);
  $("gutter").scrollTop = $("source").scrollTop;
}

async function validateNow() {
  if (!current) return;
  const seq = ++validateSeq;
  const id = current.id;
  const r = await api("POST", docBase(id) + "/validate", { source: $("source").value });
  if (seq !== validateSeq || !current || current.id !== id || !authOK(r)) return;
  if (r.status !== 200) {
    renderErrors([{ line: 0, column: 0, message: errorText(r) }]);
    return;
  }
  renderErrors(r.data.errors || []);
}

function renderErrors(errs) {
  const items = [];
  badLines = new Set();
  for (const e of errs) {
    const li = document.createElement("li");
    li.dataset.line = String(e.line);
    li.dataset.column = String(e.column);
    li.textContent = (e.line ? "line " + e.line + (e.column ? ", column " + e.column : "") + ": " : "") + e.message;
    li.addEventListener("click", () => goToLine(e.line));
    items.push(li);
    if (e.line) badLines.add(e.line);
  }
  $("errors").replaceChildren(...items);
  const v = $("validity");
  v.dataset.valid = String(errs.length === 0);
  v.className = "validity " + (errs.length ? "bad" : "ok");
  v.textContent = errs.length
    ? errs.length + (errs.length === 1 ? " problem" : " problems") + ": it cannot be saved or published as it is."
    : "Valid: this source can be saved and published.";
  renderGutter();
}

function goToLine(line) {
  if (!line) return;
  const ta = $("source");
  const lines = ta.value.split("\n");
  let start = 0;
  for (let i = 0; i < line - 1 && i < lines.length; i++) start += lines[i].length + 1;
  const end = start + (lines[line - 1] || "").length;
  ta.focus();
  ta.setSelectionRange(start, end);
  const lh = parseFloat(getComputedStyle(ta).lineHeight) || 19.5;
  ta.scrollTop = Math.max(0, (line - 4) * lh);
}

// ---- drafts ------------------------------------------------------------

async function saveDraft() {
  const f = current;
  const r = await api("PUT", docBase(f.id) + "/draft", { source: $("source").value });
  if (!authOK(r)) return false;
  if (r.status === 200) {
    f.draftSHA = r.data.sha256;
    f.draftSource = r.data.source;
    f.draftAuthor = r.data.author;
    f.draftSaved = r.data.saved;
    $("save-status").textContent = "Draft saved.";
    describe();
    await Promise.all([loadList(), loadDiff(), loadGraphChoices()]);
    return true;
  }
  if (r.status === 422) renderErrors(r.data.errors || []);
  $("save-status").textContent = "Not saved: " + errorText(r) + ".";
  return false;
}

$("save-draft").addEventListener("click", () => { if (current) saveDraft(); });

$("discard-draft").addEventListener("click", async () => {
  if (!current) return;
  const r = await api("DELETE", docBase(current.id) + "/draft");
  if (!authOK(r)) return;
  const id = current.id;
  const flows = await loadList();
  if (flows && flows.some((f) => f.id === id)) await select(id);
  else if (flows && flows.length) await select(flows[0].id);
});

// ---- diff --------------------------------------------------------------

async function loadDiff() {
  const f = current;
  const pre = $("diff");
  if (f.draftSource === null) {
    const p = document.createElement("span");
    p.textContent = "No draft saved: nothing to publish. Edit the source and save a draft.";
    pre.replaceChildren(p);
    pre.dataset.state = "none";
    return;
  }
  const r = await api("GET", docBase(f.id) + "/diff");
  if (!authOK(r) || current !== f) return;
  const lines = [];
  if (r.status !== 200) {
    const s = document.createElement("span");
    s.textContent = "Could not compare: " + errorText(r);
    lines.push(s);
  } else if (!r.data.diff) {
    const s = document.createElement("span");
    s.textContent = "The draft is the same as the live version.";
    lines.push(s);
  } else {
    for (const l of r.data.diff.replace(/\n$/, "").split("\n")) {
      const s = document.createElement("span");
      s.textContent = l;
      if (l.startsWith("@@")) s.className = "hunk";
      else if (l.startsWith("+") && !l.startsWith("+++")) s.className = "add";
      else if (l.startsWith("-") && !l.startsWith("---")) s.className = "del";
      lines.push(s);
    }
  }
  pre.replaceChildren(...lines);
  pre.dataset.state = r.status === 200 && r.data.diff ? "changed" : "same";
}

// ---- publish and rollback ----------------------------------------------

function setStatus(text, good) {
  $("publish-status").textContent = text;
  $("publish-status").className = "status " + (good ? "ok" : "bad");
}

$("publish-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  if (!current) return;
  const f = current;
  if ($("source").value !== f.draftSource && !(await saveDraft())) {
    setStatus("Not published: the source could not be saved as a draft.", false);
    return;
  }
  const r = await api("POST", docBase(f.id) + "/publish", { comment: $("comment").value, expect_live: f.live });
  if (!authOK(r)) return;
  if (r.status !== 200) {
    if (r.status === 422) renderErrors(r.data.errors || []);
    setStatus("Not published: " + errorText(r) + ".", false);
    return;
  }
  $("comment").value = "";
  await afterChange(f.id, "Published version " + r.data.version + ": new calls use it now; calls in progress finish on version " +
    (r.data.before_version || "none") + ".");
});

async function rollback(version) {
  const f = current;
  const r = await api("POST", docBase(f.id) + "/rollback", { version, expect_live: f.live });
  if (!authOK(r)) return;
  if (r.status !== 200) {
    setStatus("Not rolled back: " + errorText(r) + ".", false);
    return;
  }
  await afterChange(f.id, "Version " + r.data.version + " (a copy of version " + version + ") is live.");
}

async function afterChange(id, message) {
  await loadList();
  await select(id);
  setStatus(message, true);
}

// ---- history -----------------------------------------------------------

async function loadVersions() {
  const f = current;
  const tbody = $("versions");
  if (!f.live) {
    const tr = document.createElement("tr");
    const td = document.createElement("td");
    td.colSpan = 6;
    td.textContent = "Not published yet.";
    tr.append(td);
    tbody.replaceChildren(tr);
    return;
  }
  const r = await api("GET", docBase(f.id) + "/versions");
  if (!authOK(r) || current !== f || r.status !== 200) return;
  const rows = [];
  for (const v of r.data.versions) {
    const tr = document.createElement("tr");
    tr.dataset.version = String(v.version);
    const live = v.version === r.data.live_version;
    if (live) tr.className = "live";
    const cells = [
      "v" + v.version + (live ? " (live)" : ""),
      when(v.published),
      v.author,
      v.comment + (v.rollback_of ? " [rollback to v" + v.rollback_of + "]" : ""),
      v.sha256.slice(0, 12),
    ];
    for (const [i, text] of cells.entries()) {
      const td = document.createElement("td");
      td.textContent = text;
      if (i === 3) td.className = "comment";
      if (i === 4) { td.className = "sha"; td.title = v.sha256; }
      tr.append(td);
    }
    const act = document.createElement("td");
    if (!live) {
      const b = document.createElement("button");
      b.type = "button";
      b.dataset.rollback = String(v.version);
      b.textContent = "Roll back to this";
      b.addEventListener("click", () => rollback(v.version));
      act.append(b);
    }
    tr.append(act);
    rows.push(tr);
  }
  tbody.replaceChildren(...rows);
}

// ---- graph -------------------------------------------------------------

function loadGraphChoices() {
  const f = current;
  const sel = $("graph-of");
  const opts = [];
  if (f.live) opts.push(["live", "live version " + f.live]);
  if (f.draftSource !== null) opts.push(["draft", "saved draft"]);
  const keep = sel.value;
  sel.replaceChildren(...opts.map(([value, text]) => {
    const o = document.createElement("option");
    o.value = value;
    o.textContent = text;
    return o;
  }));
  if (opts.some(([v]) => v === keep)) sel.value = keep;
  drawGraph();
}

function drawGraph() {
  const f = current;
  const img = $("graph");
  const which = $("graph-of").value;
  if (!which || f.id === POLICY) {
    img.removeAttribute("src");
    img.hidden = true;
    return;
  }
  img.hidden = false;
  const base = docBase(f.id) + "/graph.svg";
  img.src = which === "draft" ? base + "?draft=1&sha=" + enc(f.draftSHA) : base + "?version=" + f.live;
  img.alt = "flow " + f.id + ", " + (which === "draft" ? "draft" : "version " + f.live) + ", drawn as a graph";
}

$("graph-of").addEventListener("change", drawGraph);

auth.start();
