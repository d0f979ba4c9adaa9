package agents_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/callgate/callgate/routing/agents"
)

// FuzzParseDirectory checks that ParseDirectory never panics, that every
// error is a positioned *ParseError that quotes no password hash, and that
// a directory that parses holds valid, unique usernames and roles.
func FuzzParseDirectory(f *testing.F) {
	f.Add(dir())
	f.Add(dir("    skills: [a, b]", "    clinical: true", "    totp_secret: JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "    contact: sip:a@[::1]:5060"))
	f.Add(doc("version: 1", "agents: [{username: al, role: ops, password_hash: '"+weakHash+"'}]"))
	f.Add(doc("version: 1", "agents: [&a {username: al}, *a]"))
	f.Add([]byte("agents: [\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		got, err := agents.ParseDirectory(src)
		if err != nil {
			var pe *agents.ParseError
			if !errors.As(err, &pe) || !errors.Is(err, agents.ErrInvalidDirectory) || pe.Line < 1 || pe.Column < 1 || pe.Msg == "" {
				t.Fatalf("bad error %#v: %v", err, err)
			}
			if errors.Is(err, agents.ErrInvalidPasswordHash) && strings.Contains(err.Error(), "$argon2id$") {
				t.Fatalf("error quotes a hash: %v", err)
			}
			return
		}
		seen := map[string]bool{}
		for _, a := range got {
			if seen[a.Username] || len(a.Username) < 2 || len(a.Username) > 32 || a.Role == "" || a.PasswordHash == "" {
				t.Fatalf("bad agent %+v", a)
			}
			seen[a.Username] = true
		}
	})
}
