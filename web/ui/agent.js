// callgate agent page. Everything it shows comes from the API; member
// values are written with textContent only, and a field the server did
// not send is never on the page. Sensitive fields (pop.sensitive) stay out
// of the DOM until the agent reveals them: the value shown is the one the
// reveal call returns, after the server has recorded the reveal.
"use strict";

const $ = (id) => document.getElementById(id);

const restrictionWords = {
  "no-family-disclosure": "Disclose nothing to family, caregivers or other third parties",
  "contact-mobile-only": "Contact only on the mobile number on file: no other phone, mail or callback channel",
};

const roleWords = {
  self: "the member", representative: "a personal representative",
  involved: "someone involved in the member's care", unknown: "unknown",
};

let me = null;          // GET /api/v1/auth/session
let events = null;      // EventSource
let pop = null;         // the current screen pop
let lastActivity = Date.now();
let lastTouch = 0;
let idleTimer = null;

async function api(method, path, body) {
  const opts = { method, credentials: "same-origin", headers: {} };
  if (body !== undefined) {
    opts.headers["Content-Type"] = "application/json";
    opts.body = JSON.stringify(body);
  }
  const res = await fetch(path, opts);
  let data = null;
  if (res.status !== 204) {
    try { data = await res.json(); } catch (e) { data = null; }
  }
  return { status: res.status, data };
}

function show(section) {
  for (const id of ["signin", "locked", "desk"]) $(id).hidden = id !== section;
  $("controls").hidden = section !== "desk";
}

function setState(state) {
  const el = $("state");
  el.textContent = state.replace("_", " ");
  el.className = "state " + state;
  el.dataset.state = state;
  $("available").classList.toggle("active", state === "available");
  $("away").classList.toggle("active", state === "away");
}

async function start() {
  const r = await api("GET", "/api/v1/auth/session");
  if (r.status !== 200) {
    me = null;
    $("who").textContent = "";
    show("signin");
    return;
  }
  me = r.data;
  $("who").textContent = me.username + " (" + me.role + ")";
  if (me.locked) {
    lockedView();
    return;
  }
  show("desk");
  watchIdle();
  if (me.role === "agent" || me.role === "supervisor") {
    listen();
  } else {
    $("idle").textContent = "This page is for agents and supervisors.";
  }
}

// ---- sign-in, lock, sign-out -------------------------------------------

$("signin-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  $("signin-error").textContent = "";
  const body = { username: $("username").value, password: $("password").value };
  if ($("totp").value) body.totp = $("totp").value;
  const r = await api("POST", "/api/v1/auth/login", body);
  $("password").value = "";
  $("totp").value = "";
  if (r.status === 200) {
    setState("offline");
    await start();
    return;
  }
  if (r.data && r.data.error === "totp required") {
    $("totp-row").hidden = false;
    $("signin-error").textContent = "Enter the code from your authenticator app and your password again.";
    return;
  }
  $("signin-error").textContent = (r.data && r.data.error) || "Sign-in failed.";
});

$("unlock-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  $("unlock-error").textContent = "";
  const body = { password: $("unlock-password").value };
  if ($("unlock-totp").value) body.totp = $("unlock-totp").value;
  const r = await api("POST", "/api/v1/auth/unlock", body);
  $("unlock-password").value = "";
  $("unlock-totp").value = "";
  if (r.status === 204) {
    lastActivity = Date.now();
    await start();
    return;
  }
  if (r.status === 401 && r.data && r.data.error === "unauthenticated") {
    await start(); // the session ended meanwhile
    return;
  }
  if (r.data && r.data.error === "totp required") {
    $("unlock-totp-row").hidden = false;
  }
  $("unlock-error").textContent = (r.data && r.data.error) || "Unlock failed.";
});

$("lock").addEventListener("click", () => lockScreen());

$("signout").addEventListener("click", async () => {
  stopListening();
  clearPop();
  await api("POST", "/api/v1/auth/logout");
  await start();
});

for (const status of ["available", "away"]) {
  $(status).addEventListener("click", async () => {
    const r = await api("POST", "/api/v1/agent/status", { status });
    if (r.status === 204) setState(status);
    else await handleAuthError(r.status);
  });
}

async function lockScreen() {
  stopListening();
  clearPop();
  await api("POST", "/api/v1/auth/lock");
  lockedView();
}

function lockedView() {
  stopListening();
  clearPop();
  if (idleTimer) { clearInterval(idleTimer); idleTimer = null; }
  show("locked");
}

async function handleAuthError(status) {
  if (status === 401 || status === 423) await start();
}

// ---- inactivity --------------------------------------------------------

function watchIdle() {
  lastActivity = Date.now();
  if (idleTimer) clearInterval(idleTimer);
  idleTimer = setInterval(() => {
    if (!me || !me.screen_lock_seconds) return;
    if (Date.now() - lastActivity >= me.screen_lock_seconds * 1000) lockScreen();
  }, 1000);
}

function activity() {
  lastActivity = Date.now();
  // Tell the server at most every 20 s: its timers lock and log off too.
  if (me && !$("desk").hidden && Date.now() - lastTouch > 20000) {
    lastTouch = Date.now();
    api("POST", "/api/v1/auth/touch").then((r) => handleAuthError(r.status));
  }
}
for (const type of ["keydown", "pointerdown", "pointermove", "wheel"]) {
  document.addEventListener(type, activity, { passive: true });
}

// ---- the screen pop ----------------------------------------------------

function listen() {
  stopListening();
  events = new EventSource("/api/v1/agent/events");
  events.addEventListener("pop", (ev) => {
    render(JSON.parse(ev.data));
  });
  events.addEventListener("clear", (ev) => {
    const d = JSON.parse(ev.data);
    if (pop && pop.call_id === d.call_id) {
      clearPop();
      setState("wrap_up");
      $("idle").textContent = "Call ended. Wrap-up: choose Available when you are ready for the next call.";
    }
  });
  events.onerror = async () => {
    // The stream ends when the session locks or ends: find out which.
    const r = await api("GET", "/api/v1/auth/session");
    if (r.status !== 200 || r.data.locked) {
      stopListening();
      if (r.status === 200) lockedView(); else await start();
    }
  };
}

function stopListening() {
  if (events) { events.close(); events = null; }
}

function clearPop() {
  pop = null;
  $("pop").hidden = true;
  $("idle").hidden = false;
  $("banners").replaceChildren();
  $("fields").replaceChildren();
  $("notices").replaceChildren();
  for (const id of ["purpose", "role", "level", "consent", "callid"]) $(id).textContent = "";
}

function banner(text, kind, name) {
  const div = document.createElement("div");
  div.className = "banner " + kind;
  div.dataset.banner = name;
  div.textContent = text;
  $("banners").append(div);
}

function label(field) {
  const s = field.replace(/_/g, " ");
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function render(p) {
  pop = p;
  setState("on_call");
  $("idle").hidden = true;
  $("pop").hidden = false;
  $("banners").replaceChildren();
  $("fields").replaceChildren();
  $("notices").replaceChildren();

  const level = p.verification_level;
  if (level === "full") banner("VERIFIED", "ok", "verified");
  else if (level === "partial") banner("PARTIALLY VERIFIED: member ID and date of birth only", "warn", "partial");
  else banner("UNVERIFIED: disclose nothing", "bad", "unverified");
  if (p.recording_consent !== "granted") banner("DO NOT RECORD: the caller did not consent to recording", "bad", "do-not-record");
  const flags = p.flags || [];
  if (flags.includes("suspected_pretexting")) banner("SUSPECTED PRETEXTING: several members tried from this number", "bad", "pretexting");
  if (flags.includes("locked_out")) banner("MEMBER LOCKED OUT after failed verification: treat the caller as unverified", "bad", "locked-out");
  if (flags.includes("verification_failed")) banner("The caller failed a verification step on this call", "warn", "verification-failed");
  for (const r of p.restrictions || []) {
    banner("RESTRICTION: " + (restrictionWords[r] || r), "bad", "restriction-" + r);
  }
  if (p.banner && p.banner !== "UNVERIFIED") banner(p.banner, "info", "policy");

  $("purpose").textContent = p.purpose || "—";
  $("role").textContent = roleWords[p.caller_role] || p.caller_role || "—";
  $("level").textContent = level;
  $("consent").textContent = p.recording_consent;
  $("callid").textContent = p.call_id;

  const ctx = p.context || {};
  const names = Object.keys(ctx).sort();
  const sensitive = new Set(p.sensitive || []);
  $("nofields").hidden = names.length > 0;
  for (const name of names) {
    const dt = document.createElement("dt");
    dt.textContent = label(name);
    const dd = document.createElement("dd");
    dd.dataset.field = name;
    if (sensitive.has(name)) {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "reveal";
      b.dataset.reveal = name;
      b.textContent = "Reveal (recorded)";
      b.addEventListener("click", () => reveal(p.call_id, name, dd));
      dd.append(b);
    } else {
      dd.textContent = ctx[name];
    }
    $("fields").append(dt, dd);
  }
  for (const n of p.notices || []) {
    const li = document.createElement("li");
    li.textContent = n;
    $("notices").append(li);
  }
}

async function reveal(callID, field, dd) {
  const r = await api("POST", "/api/v1/agent/reveal", { call_id: callID, field });
  if (r.status === 200 && pop && pop.call_id === callID) {
    dd.textContent = r.data.value;
    dd.dataset.revealed = "true";
    return;
  }
  if (r.status === 401 || r.status === 423) { await handleAuthError(r.status); return; }
  dd.textContent = "could not reveal (" + ((r.data && r.data.error) || r.status) + ")";
}

start();
