// callgate agent page. Everything it shows comes from the API; member
// values are written with textContent only, and a field the server did
// not send is never on the page. Sensitive fields (pop.sensitive) stay out
// of the DOM until the agent reveals them: the value shown is the one the
// reveal call returns, after the server has recorded the reveal. Needs
// common.js (api, $, setupAuth).
"use strict";

const restrictionWords = {
  "no-family-disclosure": "Disclose nothing to family, caregivers or other third parties",
  "contact-mobile-only": "Contact only on the mobile number on file: no other phone, mail or callback channel",
};

const roleWords = {
  self: "the member", representative: "a personal representative",
  involved: "someone involved in the member's care", unknown: "unknown",
};

let events = null;      // EventSource
let pop = null;         // the current screen pop

function setState(state) {
  const el = $("state");
  el.textContent = state.replace("_", " ");
  el.className = "state " + state;
  el.dataset.state = state;
  $("available").classList.toggle("active", state === "available");
  $("away").classList.toggle("active", state === "away");
}

// The sign-in, lock and sign-out flow is common.js's; this page listens
// for screen pops while the desk shows.
const auth = setupAuth({
  signedIn() { setState("offline"); },
  enter(me) {
    $("ops-link").hidden = true;
    if (me.role === "agent" || me.role === "supervisor") {
      listen();
      return;
    }
    $("idle").textContent = "This page is for agents and supervisors.";
    if (me.role === "ops" || me.role === "admin") $("ops-link").hidden = false;
  },
  leave() {
    stopListening();
    clearPop();
  },
});

for (const status of ["available", "away"]) {
  $(status).addEventListener("click", async () => {
    const r = await api("POST", "/api/v1/agent/status", { status });
    if (r.status === 204) setState(status);
    else await auth.handleAuthError(r.status);
  });
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
      if (r.status === 200) auth.lockedView(); else await auth.start();
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
  if (r.status === 401 || r.status === 423) { await auth.handleAuthError(r.status); return; }
  dd.textContent = "could not reveal (" + ((r.data && r.data.error) || r.status) + ")";
}

auth.start();
