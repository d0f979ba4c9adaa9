package web

import (
	"embed"
	"io/fs"
	"net/http"

	"github.com/callgate/callgate/routing/agents"
)

// ui holds the web pages: plain HTML, CSS and JavaScript, no build step.
//
//go:embed ui
var ui embed.FS

// pageCSP lets a page load its own scripts and styles and call this
// server's API, and nothing else: no inline script, no other origin.
const pageCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// pages serves the agent page at /agent, the ops page at /ops, the admin
// page at /admin, and the pages' assets under /ui/. / redirects a
// signed-in ops user to /ops and everyone else to /agent (where admins find
// links to /ops and /admin). The pages hold no data: each signs in and
// asks the API, which checks the role.
func (s *Server) pages(mux *http.ServeMux) {
	assets, _ := fs.Sub(ui, "ui") // cannot fail: ui is embedded
	static := http.FileServerFS(assets)
	mux.Handle("GET /ui/", http.StripPrefix("/ui/", withCSP(static)))
	page := func(file string) http.Handler {
		return withCSP(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.ServeFileFS(w, r, assets, file)
		}))
	}
	mux.Handle("GET /agent", page("agent.html"))
	mux.Handle("GET /ops", page("ops.html"))
	mux.Handle("GET /admin", page("admin.html"))
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		target := "/agent"
		// Not a refresh: landing on / is no work done.
		if p, err := s.lookup(r.Context(), requestToken(r), false); err == nil && p.role == agents.RoleOps {
			target = "/ops"
		}
		http.Redirect(w, r, target, http.StatusFound)
	})
}

// withCSP sets the pages' Content-Security-Policy.
func withCSP(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", pageCSP)
		h.ServeHTTP(w, r)
	})
}
