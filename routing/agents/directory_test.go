package agents_test

import (
	"bytes"
	"encoding/base32"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/callgate/callgate/routing/agents"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// agentLines returns an agent entry with username name and extra lines.
func agentLines(name string, extra ...string) []string {
	return append([]string{"  - username: " + name, "    role: agent", "    password_hash: \"" + goodHash + "\""}, extra...)
}

func TestParseDirectoryErrors(t *testing.T) {
	totp80 := "JBSWY3DPEHPK3PXP" // 10 bytes
	cases := []struct {
		name    string
		src     []byte
		class   error
		wantPos string
		want    string
	}{
		{name: "empty", src: nil, class: agents.ErrMissingKey, wantPos: "1:1", want: "the directory is empty; it needs version and agents"},
		{name: "bad YAML", src: doc("version: 1", "agents: [", ""), class: agents.ErrSyntax, wantPos: "3:1", want: "not valid YAML: did not find expected node content"},
		{name: "not a mapping", src: doc("- alice"), class: agents.ErrSyntax, wantPos: "1:1", want: "a directory is a mapping with version and agents, not a list"},
		{name: "two documents", src: doc("version: 1", "agents: []", "---", "a: b"), class: agents.ErrSyntax, wantPos: "3:1", want: "a directory is one YAML document; remove the second one"},
		{name: "anchor", src: doc("version: 1", "agents:", "  - &a {username: al}"), class: agents.ErrSyntax, wantPos: "3:5", want: "anchors and aliases are not allowed; write the value out"},
		{name: "unknown top-level key", src: doc("version: 1", "agent: []"), class: agents.ErrUnknownKey, wantPos: "2:1",
			want: `unknown key "agent" in the directory; it has version, agents; did you mean "agents"?`},
		{name: "no version", src: doc("agents: []"), class: agents.ErrMissingKey, wantPos: "1:1", want: "version is missing; write version: 1"},
		{name: "version 2", src: doc("version: 2", "agents: []"), class: agents.ErrUnsupportedVersion, wantPos: "1:10", want: "version 2 is not supported; this callgate reads version 1"},
		{name: "no agents", src: doc("version: 1"), class: agents.ErrMissingKey, wantPos: "1:1", want: "agents is missing; list the agents, or write agents: [] for none"},
		{name: "agents not a list", src: doc("version: 1", "agents: {alice: {}}"), class: agents.ErrSyntax, wantPos: "2:9", want: "agents must be a list such as [a, b], not a mapping"},
		{name: "agent not a mapping", src: doc("version: 1", "agents: [alice]"), class: agents.ErrSyntax, wantPos: "2:10", want: `agent 1 must be a mapping, not "alice"`},
		{name: "unknown agent key", src: dir("    skils: [billing]"), class: agents.ErrUnknownKey, wantPos: "6:5",
			want: `unknown key "skils" in agent 1; it has username, role, skills, clinical, password_hash, totp_secret, contact, sip_ha1; did you mean "skills"?`},
		{name: "repeated agent key", src: dir("    role: ops"), class: agents.ErrDuplicate, wantPos: "6:5", want: `agent 1 has "role" twice (first at 4:5)`},
		{name: "no username", src: doc("version: 1", "agents:", "  - role: agent"), class: agents.ErrMissingKey, wantPos: "3:5", want: "agent 1 has no username"},
		{name: "username with capitals", src: doc(append([]string{"version: 1", "agents:"}, agentLines("Alice")...)...), class: agents.ErrInvalidUsername, wantPos: "3:15",
			want: `agent 1: username "Alice" must be 2 to 32 of a-z, 0-9, '.', '_' and '-', starting with a letter`},
		{name: "username one letter", src: doc(append([]string{"version: 1", "agents:"}, agentLines("a")...)...), class: agents.ErrInvalidUsername, wantPos: "3:15",
			want: `agent 1: username "a" must be 2 to 32 of a-z, 0-9, '.', '_' and '-', starting with a letter`},
		{name: "username too long", src: doc(append([]string{"version: 1", "agents:"}, agentLines("a"+strings.Repeat("b", 32))...)...), class: agents.ErrInvalidUsername, wantPos: "3:15",
			want: fmt.Sprintf(`agent 1: username %q must be 2 to 32 of a-z, 0-9, '.', '_' and '-', starting with a letter`, "a"+strings.Repeat("b", 32))},
		{name: "username starting with a digit", src: doc(append([]string{"version: 1", "agents:"}, agentLines("1alice")...)...), class: agents.ErrInvalidUsername, wantPos: "3:15",
			want: `agent 1: username "1alice" must be 2 to 32 of a-z, 0-9, '.', '_' and '-', starting with a letter`},
		{name: "username with @", src: doc(append([]string{"version: 1", "agents:"}, agentLines("al@x")...)...), class: agents.ErrInvalidUsername, wantPos: "3:15",
			want: `agent 1: username "al@x" must be 2 to 32 of a-z, 0-9, '.', '_' and '-', starting with a letter`},
		{name: "no role", src: doc("version: 1", "agents:", "  - username: alice", "    password_hash: \""+goodHash+"\""), class: agents.ErrMissingKey, wantPos: "3:5",
			want: "agent 1 (alice) has no role; give it role: agent, supervisor, admin, ops"},
		{name: "unknown role", src: doc("version: 1", "agents:", "  - username: alice", "    role: agnet"), class: agents.ErrInvalidRole, wantPos: "4:11",
			want: `agent 1 (alice): unknown role "agnet"; roles are agent, supervisor, admin, ops; did you mean "agent"?`},
		{name: "no password_hash", src: doc("version: 1", "agents:", "  - username: alice", "    role: agent"), class: agents.ErrMissingKey, wantPos: "3:5",
			want: "agent 1 (alice) has no password_hash; make one with agents.HashPassword"},
		{name: "skills not a list", src: dir("    skills: billing"), class: agents.ErrSyntax, wantPos: "6:13", want: `agent 1 (alice) skills must be a list such as [a, b], not "billing"`},
		{name: "skill with capitals", src: dir("    skills: [Billing]"), class: agents.ErrInvalidSkill, wantPos: "6:14",
			want: `agent 1 (alice): skill "Billing" must be a-z, 0-9, '_' and '-', starting with a letter, at most 64`},
		{name: "skill twice", src: dir("    skills: [billing, nurse, billing]"), class: agents.ErrDuplicate, wantPos: "6:30", want: `agent 1 (alice) has skill "billing" twice`},
		{name: "clinical not a boolean", src: dir("    clinical: yes"), class: agents.ErrSyntax, wantPos: "6:15", want: `agent 1 (alice) clinical must be true or false, not "yes"`},
		{name: "password hash not PHC", src: doc("version: 1", "agents:", "  - username: alice", "    role: agent", "    password_hash: \"$2y$10$abcdefghijklmnopqrstuv\""),
			class: agents.ErrInvalidPasswordHash, wantPos: "5:20", want: "agent 1 (alice): password_hash: not an argon2id v=19 PHC string"},
		{name: "password hash a number", src: doc("version: 1", "agents:", "  - username: alice", "    role: agent", "    password_hash: 12345"),
			class: agents.ErrInvalidPasswordHash, wantPos: "5:20", want: "agent 1 (alice): password_hash must be an argon2id PHC string in quotes"},
		{name: "password hash with padding", src: doc("version: 1", "agents:", "  - username: alice", "    role: agent", "    password_hash: \""+goodHash+"=\""),
			class: agents.ErrInvalidPasswordHash, wantPos: "5:20", want: "agent 1 (alice): password_hash: hash is not base64"},
		{name: "password hash too weak", src: doc("version: 1", "agents:", "  - username: alice", "    role: agent", "    password_hash: \""+weakHash+"\""),
			class: agents.ErrInvalidPasswordHash, wantPos: "5:20", want: "agent 1 (alice): password_hash is too weak: memory 4096 KiB: want at least 7168"},
		{name: "password hash too costly", src: doc("version: 1", "agents:", "  - username: alice", "    role: agent", "    password_hash: \""+strings.Replace(goodHash, "m=19456", "m=1048576", 1)+"\""),
			class: agents.ErrInvalidPasswordHash, wantPos: "5:20", want: "agent 1 (alice): password_hash: memory 1048576 KiB: want 8..262144"},
		{name: "TOTP secret too short", src: dir("    totp_secret: " + totp80), class: agents.ErrInvalidTOTPSecret, wantPos: "6:18",
			want: "agent 1 (alice): totp_secret is 10 bytes; want 16 to 64 (RFC 4226 asks for at least 128 bits)"},
		{name: "TOTP secret lower case", src: dir("    totp_secret: " + strings.ToLower(strings.Repeat(totp80, 2))), class: agents.ErrInvalidTOTPSecret, wantPos: "6:18",
			want: "agent 1 (alice): totp_secret is not base32 (A-Z and 2-7, RFC 4648)"},
		{name: "TOTP secret with a 1", src: dir("    totp_secret: " + strings.Repeat(totp80, 2)[:31] + "1"), class: agents.ErrInvalidTOTPSecret, wantPos: "6:18",
			want: "agent 1 (alice): totp_secret is not base32 (A-Z and 2-7, RFC 4648)"},
		{name: "TOTP secret with stray bits", src: dir("    totp_secret: " + strings.Repeat(totp80, 2)[:26] + "======"), class: agents.ErrInvalidTOTPSecret, wantPos: "6:18",
			want: "agent 1 (alice): totp_secret is not base32 (A-Z and 2-7, RFC 4648)"},
		{name: "TOTP secret empty", src: dir("    totp_secret: \"\""), class: agents.ErrInvalidTOTPSecret, wantPos: "6:18",
			want: "agent 1 (alice): totp_secret must be base32 text; remove the key for no TOTP"},
		{name: "contact not SIP", src: dir("    contact: http://x"), class: agents.ErrInvalidContact, wantPos: "6:14",
			want: `agent 1 (alice): contact "http://x" must be a sip: or sips: URI such as sip:alice@192.0.2.10:5060`},
		{name: "contact without host", src: dir("    contact: sip:alice@"), class: agents.ErrInvalidContact, wantPos: "6:14",
			want: `agent 1 (alice): contact "sip:alice@" must be a sip: or sips: URI such as sip:alice@192.0.2.10:5060`},
		{name: "contact bad port", src: dir("    contact: sip:alice@host:99999"), class: agents.ErrInvalidContact, wantPos: "6:14",
			want: `agent 1 (alice): contact "sip:alice@host:99999" must be a sip: or sips: URI such as sip:alice@192.0.2.10:5060`},
		{name: "contact with a space", src: dir("    contact: \"sip:alice@host x\""), class: agents.ErrInvalidContact, wantPos: "6:14",
			want: `agent 1 (alice): contact "sip:alice@host x" must be a sip: or sips: URI such as sip:alice@192.0.2.10:5060`},
		{name: "sip_ha1 too short", src: dir("    sip_ha1: abc123"), class: agents.ErrInvalidHA1, wantPos: "6:14",
			want: "agent 1 (alice): sip_ha1 must be 32 hex digits, the MD5 of username:realm:password"},
		{name: "sip_ha1 not hex", src: dir("    sip_ha1: 0123456789abcdef0123456789abcdeg"), class: agents.ErrInvalidHA1, wantPos: "6:14",
			want: "agent 1 (alice): sip_ha1 must be 32 hex digits, the MD5 of username:realm:password"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := agents.ParseDirectory(tc.src)
			require.Error(t, err)
			assert.Nil(t, got)
			assert.ErrorIs(t, err, agents.ErrInvalidDirectory)
			assert.ErrorIs(t, err, tc.class)
			var pe *agents.ParseError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tc.wantPos, fmt.Sprintf("%d:%d", pe.Line, pe.Column), "position")
			if tc.want != "" {
				assert.Equal(t, tc.want, pe.Msg)
				assert.Equal(t, "agents: "+tc.wantPos+": "+tc.want, err.Error())
			}
			assert.NotContains(t, err.Error(), "AAAAAAAAAAAAAAAA", "error quotes a hash")
			assert.NotContains(t, err.Error(), "JBSWY3DP", "error quotes a TOTP secret")
		})
	}
}

func TestParseDirectoryTaken(t *testing.T) {
	_, err := agents.ParseDirectory(dir(agentLines("alice")...))
	require.ErrorIs(t, err, agents.ErrDuplicate)
	assert.EqualError(t, err, `agents: 6:15: username "alice" is taken by the agent at 3:15`)
}

func TestParseDirectoryValid(t *testing.T) {
	totp := "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"                              // 20 bytes
	padded := base32.StdEncoding.EncodeToString([]byte("0123456789abcdef")) // 16 bytes, "=" padded
	cases := []struct {
		name string
		src  []byte
		want []agents.Agent
	}{
		{name: "no agents", src: doc("version: 1", "agents: []"), want: []agents.Agent{}},
		{name: "minimal", src: dir(), want: []agents.Agent{{Username: "alice", Role: "agent", PasswordHash: goodHash}}},
		{
			name: "every key",
			src: doc("agents:", "  - contact: sips:nurse.1@[2001:db8::1]:5061;transport=tls", "    totp_secret: "+totp,
				"    password_hash: '"+goodHash+"'", "    clinical: true", "    skills: [nurse, pharmacy]", "    role: supervisor",
				"    username: nurse.1", "version: 1"),
			want: []agents.Agent{{Username: "nurse.1", Role: "supervisor", Skills: []string{"nurse", "pharmacy"}, Clinical: true,
				PasswordHash: goodHash, TOTPSecret: totp, Contact: "sips:nurse.1@[2001:db8::1]:5061;transport=tls"}},
		},
		{name: "padded TOTP secret", src: dir("    totp_secret: " + padded),
			want: []agents.Agent{{Username: "alice", Role: "agent", PasswordHash: goodHash, TOTPSecret: padded}}},
		{name: "sip_ha1, upper case", src: dir("    sip_ha1: 0123456789ABCDEF0123456789abcdef"),
			want: []agents.Agent{{Username: "alice", Role: "agent", PasswordHash: goodHash, SIPHA1: "0123456789abcdef0123456789abcdef"}}},
		{name: "contact host only", src: dir("    contact: sip:192.0.2.10"),
			want: []agents.Agent{{Username: "alice", Role: "agent", PasswordHash: goodHash, Contact: "sip:192.0.2.10"}}},
		{name: "empty skills", src: dir("    skills: []"), want: []agents.Agent{{Username: "alice", Role: "agent", PasswordHash: goodHash}}},
		{name: "OWASP t=1 m=47104", src: doc("version: 1", "agents:", "  - {username: al, role: ops, password_hash: '"+strings.Replace(goodHash, "m=19456,t=2", "m=47104,t=1", 1)+"'}"),
			want: []agents.Agent{{Username: "al", Role: "ops", PasswordHash: strings.Replace(goodHash, "m=19456,t=2", "m=47104,t=1", 1)}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := agents.ParseDirectory(tc.src)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

// TestAgentNeverPrintsSecrets checks fmt verbs and slog.
func TestAgentNeverPrintsSecrets(t *testing.T) {
	a := agents.Agent{Username: "alice", Role: "agent", Skills: []string{"billing"}, PasswordHash: goodHash, TOTPSecret: "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
		SIPHA1: "5ec12e7f0a1c4d2b8e9f00112233aabb"}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("login", "agent", a)
	for _, out := range []string{fmt.Sprint(a), fmt.Sprintf("%+v", a), fmt.Sprintf("%#v", a), fmt.Sprintf("%v", []agents.Agent{a}), buf.String()} {
		assert.Contains(t, out, "alice")
		assert.NotContains(t, out, "argon2id")
		assert.NotContains(t, out, "JBSWY3DP")
		assert.NotContains(t, out, "5ec12e7f")
	}
	assert.Contains(t, buf.String(), `"mfa":true`)
}
