// Package routing will hold call tags in Redis, agents and presence,
// queues and selection, and the disclosure policy (issues 3 and 4). It is
// empty until then; the top-level layout in DESIGN.md reserves it.
package routing
