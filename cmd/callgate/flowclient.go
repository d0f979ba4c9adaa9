package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DefaultServer is where `callgate flow` commands find a running server.
const DefaultServer = "http://127.0.0.1:8080"

// flowClient talks to a running server's flow administration API.
type flowClient struct {
	base   string
	token  string
	http   *http.Client
	signed bool // the client signed in itself (and signs out at the end)
}

// serverFlags are the flags of the commands that talk to a server.
type serverFlags struct {
	server, user, passwordEnv, tokenEnv, totp string
}

func (sf *serverFlags) register(fs *flag.FlagSet, lookup func(string) (string, bool)) {
	def := DefaultServer
	if v, ok := lookup("CALLGATE_SERVER"); ok && v != "" {
		def = v
	}
	fs.StringVar(&sf.server, "server", def, "the server's HTTP address (env CALLGATE_SERVER)")
	fs.StringVar(&sf.user, "user", "", "sign in as this admin (with --password-env)")
	fs.StringVar(&sf.passwordEnv, "password-env", "", "the environment variable holding the password")
	fs.StringVar(&sf.totp, "totp", "", "the one-time code, when the user has TOTP")
	fs.StringVar(&sf.tokenEnv, "token-env", "", "the environment variable holding a session token (instead of --user)")
}

// errHTTP is an API answer other than success.
type errHTTP struct {
	status int
	msg    string
	errs   []flowError
}

func (e *errHTTP) Error() string { return fmt.Sprintf("server answered %d: %s", e.status, e.msg) }

// flowError is one problem in a 422 answer.
type flowError struct {
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"message"`
}

// connect checks the server URL and signs in (or takes the token).
func (sf *serverFlags) connect(ctx context.Context, lookup func(string) (string, bool)) (*flowClient, error) {
	u, err := url.Parse(sf.server)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("--server %q: want http://HOST:PORT or https://HOST", sf.server)
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return nil, fmt.Errorf("--server %s: refusing to send credentials over plain http to a host other than this one; use https", sf.server)
	}
	c := &flowClient{base: strings.TrimSuffix(u.String(), "/"), http: &http.Client{Timeout: 30 * time.Second}}
	switch {
	case sf.tokenEnv != "":
		tok, ok := lookup(sf.tokenEnv)
		if !ok || tok == "" {
			return nil, fmt.Errorf("--token-env %s: the variable is not set", sf.tokenEnv)
		}
		c.token = tok
	case sf.user != "":
		if sf.passwordEnv == "" {
			return nil, errors.New("--user needs --password-env VAR (passwords are never flags)")
		}
		pw, ok := lookup(sf.passwordEnv)
		if !ok || pw == "" {
			return nil, fmt.Errorf("--password-env %s: the variable is not set", sf.passwordEnv)
		}
		body := map[string]string{"username": sf.user, "password": pw}
		if sf.totp != "" {
			body["totp"] = sf.totp
		}
		var out struct {
			Token string `json:"token"`
		}
		if err := c.do(ctx, http.MethodPost, "/api/v1/auth/login", body, &out); err != nil {
			return nil, fmt.Errorf("sign in as %s: %w", sf.user, err)
		}
		c.token, c.signed = out.Token, true
	default:
		return nil, errors.New("say who you are: --user NAME --password-env VAR, or --token-env VAR")
	}
	return c, nil
}

// isLoopback reports whether host names this machine.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// close signs out a session the client opened.
func (c *flowClient) close(ctx context.Context) {
	if c.signed {
		_ = c.do(ctx, http.MethodPost, "/api/v1/auth/logout", nil, nil)
	}
}

// do sends one request; a non-2xx answer is an *errHTTP.
func (c *flowClient) do(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	res, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, 8<<20))
	if err != nil {
		return err
	}
	if res.StatusCode < 200 || res.StatusCode > 299 {
		var e struct {
			Error  string      `json:"error"`
			Errors []flowError `json:"errors"`
		}
		_ = json.Unmarshal(data, &e)
		if e.Error == "" {
			e.Error = http.StatusText(res.StatusCode)
		}
		return &errHTTP{status: res.StatusCode, msg: e.Error, errs: e.Errors}
	}
	if out != nil && len(data) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("decode the answer: %w", err)
		}
	}
	return nil
}

// parseInterleaved parses flags that may come before, between or after
// the positional arguments, and returns the positional ones.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}
