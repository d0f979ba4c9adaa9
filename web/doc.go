// Package web is callgate's HTTP API for the people who take calls: sign-in
// with password and TOTP, sessions with automatic logoff, the agent's web
// status, and the agent screen (DESIGN.md § Agent screen), polled or
// streamed as server-sent events; and for ops, trunk health and live
// counts (no PHI).
//
// # Routes
//
//	POST /api/v1/auth/login    {"username","password","totp"?} → 200 {"username","role","token"} + cookie
//	POST /api/v1/auth/logout   → 204
//	POST /api/v1/agent/status  {"status":"available"|"away"} → 204   (agent, supervisor)
//	GET  /api/v1/agent/screen  → 200 ScreenPop, or 204 when none      (agent, supervisor)
//	GET  /api/v1/agent/events  → text/event-stream of pop and clear   (agent, supervisor)
//	GET  /api/v1/trunks        → 200 {"trunks": [Trunk]}                (ops, admin)
//	GET  /api/v1/ops/summary   → 200 OpsSummary                         (ops, admin)
//	GET  /agent, /ops          → the agent and ops pages (assets under /ui/); / redirects
//
// A session is presented either as the callgate_session cookie (HttpOnly,
// SameSite=Strict, Secure under TLS) or as "Authorization: Bearer <token>".
// Requests without a valid session get 401, requests by a role the route
// does not serve get 403. Every response carries Cache-Control: no-store
// and restrictive security headers.
//
// # Security Rule (45 CFR 164.312)
//
//   - Unique user IDs: every session belongs to one directory user.
//   - Automatic logoff (164.312(a)(2)(iii)): a session ends after
//     Config.IdleTimeout without a request. Every authenticated request
//     restarts the timer except the event stream, which neither refreshes
//     the session (not even when it connects, since EventSource reconnects
//     on its own) nor outlives it. A screen should therefore use the event
//     stream rather than poll /screen, which would keep the session alive.
//     The agent's presence goes offline when their last session ends, by
//     logout or by expiry.
//   - MFA: users with a TOTP secret must give a current code (RFC 6238,
//     30 s steps, one step of skew); a code is accepted once.
//   - Failed sign-ins per username, known or not, lock the username out
//     after Config.MaxFailures within 15 minutes, for 15 minutes.
//   - Unknown usernames cost the same argon2id verification as known ones
//     and get the same answer.
//   - Demo credentials ("<username>-demo-1") are refused outside demo mode.
//   - Audit: sign-ins, failed sign-ins (with the lockouts they cause),
//     status changes and sign-outs go to the WithAudit hook.
//   - Logs name the username and the outcome only: never passwords, TOTP
//     codes, tokens or screen-pop context. An unknown username is logged
//     as a keyed hash (user_ref), in case a password was typed into the
//     username field.
//
// # Shared and per-node state
//
// Failed-sign-in counters and lockouts are shared by every node through
// Redis when the server is built WithRedisLockout (callgate serve always
// does): one hash per username, callgate:web:signin:{HMAC of the
// username under the deployment's secret_key}, expiring with its window
// or lock, one round trip per sign-in attempt; if Redis does not answer,
// sign-ins fail closed (503). Without that option they live in this
// node's memory (unit tests, library use). Sessions (kept only as SHA-256
// of their tokens) and used TOTP steps live in this node's memory: behind
// a load balancer, pin a browser to one node (sticky sessions); a restart
// signs everyone out.
//
// Run sweeps idle sessions (so presence goes offline even when the browser
// is gone) and, when its context ends, ends the event streams so that
// http.Server.Shutdown can finish.
package web
