package web

import (
	"embed"
	"io/fs"
	"net/http"
)

// ui holds the web pages: plain HTML, CSS and JavaScript, no build step.
//
//go:embed ui
var ui embed.FS

// pageCSP lets a page load its own scripts and styles and call this
// server's API, and nothing else: no inline script, no other origin.
const pageCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// pages serves the agent page at /agent (and / redirects there), the
// admin page at /admin, and the pages' assets under /ui/.
func (s *Server) pages(mux *http.ServeMux) {
	assets, _ := fs.Sub(ui, "ui") // cannot fail: ui is embedded
	static := http.FileServerFS(assets)
	mux.Handle("GET /ui/", http.StripPrefix("/ui/", withCSP(static)))
	mux.Handle("GET /agent", withCSP(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.ServeFileFS(w, r, assets, "agent.html")
	})))
	mux.Handle("GET /admin", withCSP(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.ServeFileFS(w, r, assets, "admin.html")
	})))
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/agent", http.StatusFound)
	})
}

// withCSP sets the pages' Content-Security-Policy.
func withCSP(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", pageCSP)
		h.ServeHTTP(w, r)
	})
}
