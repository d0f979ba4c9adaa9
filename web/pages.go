package web

import (
	"bytes"
	"embed"
	"io/fs"
	"net/http"
	"regexp"
	"time"

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
		body := assemble(assets, file)
		return withCSP(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			http.ServeContent(w, r, file, time.Time{}, bytes.NewReader(body))
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

// includeMarker is the line a page puts where a shared part goes.
var includeMarker = regexp.MustCompile(`(?m)^[ \t]*<!-- include: ([a-z.]+\.part\.html) -->\n`) //nolint:gochecknoglobals // read-only

// assemble returns page file with each include marker replaced by the part
// it names (the sign-in and lock sections every page shares). The pages
// are embedded, so a missing part is a build mistake: it panics at start.
func assemble(assets fs.FS, file string) []byte {
	src, err := fs.ReadFile(assets, file)
	if err != nil {
		panic("web: page " + file + ": " + err.Error())
	}
	return includeMarker.ReplaceAllFunc(src, func(m []byte) []byte {
		name := includeMarker.FindSubmatch(m)[1]
		part, err := fs.ReadFile(assets, string(name))
		if err != nil {
			panic("web: page " + file + " includes " + string(name) + ": " + err.Error())
		}
		return part
	})
}

// withCSP sets the pages' Content-Security-Policy.
func withCSP(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", pageCSP)
		h.ServeHTTP(w, r)
	})
}
