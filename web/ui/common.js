// callgate pages: what the agent, ops and admin pages share. The API helper, and
// the sign-in, screen lock and sign-out flow over the sections #signin,
// #locked and #desk (with #who, #controls, #lock and #signout in the
// header). Values reach the page through textContent only.
"use strict";

const $ = (id) => document.getElementById(id);

async function api(method, path, body) {
  const opts = { method, credentials: "same-origin", headers: {} };
  if (body !== undefined) {
    opts.headers["Content-Type"] = "application/json";
    opts.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, opts);
  } catch (e) {
    return { status: 0, data: { error: "the server cannot be reached" } };
  }
  let data = null;
  if (res.status !== 204) {
    try { data = await res.json(); } catch (e) { data = null; }
  }
  return { status: res.status, data };
}

// setupAuth wires sign-in, unlock, lock, sign-out and the inactivity
// timers for a page, whose hooks are:
//   enter(me)    the desk shows, for the session me (GET /api/v1/auth/session)
//   leave()      the desk hides (locked, signed out, session over): stop
//                work and take data off the page; may be called twice
//   signedIn(me) optional: a sign-in just succeeded (before enter)
// and, optionally, desk (the section shown when signed in; default
// "desk"), others (more sections enter may show) and controlsOn (the
// sections with the header controls; default the desk only).
// It returns { start, lockScreen, lockedView, handleAuthError, show }.
function setupAuth(page) {
  let me = null;
  let lastActivity = Date.now();
  let lastTouch = 0;
  let idleTimer = null;
  const desk = page.desk || "desk";
  const sections = ["signin", "locked", desk, ...(page.others || [])];
  const controlsOn = page.controlsOn || [desk];

  function show(section) {
    for (const id of sections) $(id).hidden = id !== section;
    $("controls").hidden = !controlsOn.includes(section);
  }

  async function start() {
    const r = await api("GET", "/api/v1/auth/session");
    if (r.status !== 200) {
      me = null;
      page.leave();
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
    show(desk);
    watchIdle();
    page.enter(me);
  }

  $("signin-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    $("signin-error").textContent = "";
    const body = { username: $("username").value, password: $("password").value };
    if ($("totp").value) body.totp = $("totp").value;
    const r = await api("POST", "/api/v1/auth/login", body);
    $("password").value = "";
    $("totp").value = "";
    if (r.status === 200) {
      if (page.signedIn) page.signedIn(r.data);
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
    page.leave();
    await api("POST", "/api/v1/auth/logout");
    $("username").value = ""; // the next person signs in as themselves
    await start();
  });

  async function lockScreen() {
    page.leave();
    await api("POST", "/api/v1/auth/lock");
    lockedView();
  }

  function lockedView() {
    page.leave();
    if (idleTimer) { clearInterval(idleTimer); idleTimer = null; }
    show("locked");
  }

  // A 401 (session over) or 423 (screen locked) answer: find out which.
  async function handleAuthError(status) {
    if (status === 401 || status === 423) await start();
  }

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
    if (me && !$(desk).hidden && Date.now() - lastTouch > 20000) {
      lastTouch = Date.now();
      api("POST", "/api/v1/auth/touch").then((r) => handleAuthError(r.status));
    }
  }
  for (const type of ["keydown", "pointerdown", "pointermove", "wheel"]) {
    document.addEventListener(type, activity, { passive: true });
  }

  return { start, lockScreen, lockedView, handleAuthError, show };
}
