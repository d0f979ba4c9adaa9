package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/callgate/callgate/routing/agents"
	"github.com/callgate/callgate/web"
)

// The router pushes a screen pop to the agent the call was offered to;
// the agent's screen reads it, and the hub clears it when the call ends.
func ExampleHub() {
	hub := web.NewHub()
	hub.Push("alice", web.ScreenPop{CallID: "a84b4c76e66710", VerificationLevel: "full", Purpose: "scheduling"})
	p, ok := hub.Current("alice")
	fmt.Println(ok, p.CallID, p.VerificationLevel, len(p.Restrictions), len(p.Context))
	_, ok = hub.Current("bob")
	fmt.Println(ok)
	hub.Clear("alice", "a84b4c76e66710")
	_, ok = hub.Current("alice")
	fmt.Println(ok)
	// Output:
	// true a84b4c76e66710 full 0 0
	// false
	// false
}

// An agent signs in with the demo credentials (demo mode only) and reads
// the screen with the bearer token.
func ExampleServer() {
	dir, err := agents.LoadDemo()
	if err != nil {
		fmt.Println(err)
		return
	}
	presence := web.PresenceFunc(func(_ context.Context, user string, s web.Status, _ time.Time) error {
		fmt.Println("presence:", user, s)
		return nil
	})
	srv, err := web.New(web.Config{Demo: true}, dir, web.NewHub(), presence)
	if err != nil {
		fmt.Println(err)
		return
	}
	h := srv.Handler()

	r := httptest.NewRequest(http.MethodPost, "/api/v1/auth/login", strings.NewReader(`{"username":"alice","password":"alice-demo-1"}`))
	r.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	fmt.Println("login:", w.Code)
	token := w.Result().Cookies()[0].Value

	r = httptest.NewRequest(http.MethodGet, "/api/v1/agent/screen", nil)
	r.Header.Set("Authorization", "Bearer "+token)
	w = httptest.NewRecorder()
	h.ServeHTTP(w, r)
	fmt.Println("screen:", w.Code)

	r = httptest.NewRequest(http.MethodPost, "/api/v1/auth/logout", nil)
	r.Header.Set("Authorization", "Bearer "+token)
	w = httptest.NewRecorder()
	h.ServeHTTP(w, r)
	fmt.Println("logout:", w.Code)
	// Output:
	// login: 200
	// screen: 204
	// presence: alice offline
	// logout: 204
}
