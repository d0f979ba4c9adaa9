// Package store opens the Redis store that callgate nodes share: per-call
// tags (package tags) and lockout and pretexting signals (package guard).
//
// An empty URL runs an embedded, in-process store (miniredis) for a single
// node and the demo; otherwise the URL names a Redis server, a TLS server,
// a unix socket or a Sentinel-managed master:
//
//	redis://[user[:password]@]host[:port][/db]
//	rediss://[user[:password]@]host[:port][/db]
//	unix://[user[:password]@]/path/to/redis.sock[?db=N]
//	redis-sentinel://[user[:password]@]host1:port1,host2:port2/mastername[?db=N]
//
// In a Sentinel URL the user and password authenticate to the master;
// WithSentinelAuth sets the sentinels' own. The embedded store expires keys
// as its clock moves (WithClock, WithExpiryInterval), as Redis would.
//
// Errors about a URL name the part that is wrong but never repeat any of
// the URL, so a password cannot leak into a log through them.
package store
