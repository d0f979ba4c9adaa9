package agents

import (
	"log/slog"
	"strings"
)

// Roles of a user of callgate's web UI and API.
const (
	RoleAgent      = "agent"      // takes calls
	RoleSupervisor = "supervisor" // watches queues and agents, takes escalations
	RoleAdmin      = "admin"      // edits and publishes call flows
	RoleOps        = "ops"        // trunk health, live calls, metrics
)

// Roles lists the roles in the order messages name them.
func Roles() []string { return []string{RoleAgent, RoleSupervisor, RoleAdmin, RoleOps} }

func isRole(s string) bool {
	return s == RoleAgent || s == RoleSupervisor || s == RoleAdmin || s == RoleOps
}

// Agent is one user of the directory. The zero value is not usable.
type Agent struct {
	Username     string   // unique, ^[a-z][a-z0-9._-]{1,31}$; also the SIP digest user
	Role         string   // RoleAgent, RoleSupervisor, RoleAdmin or RoleOps
	Skills       []string // what calls the agent takes, e.g. scheduling, billing
	Clinical     bool     // clinical clearance (e.g. nurse line, lab results)
	PasswordHash string   // argon2id PHC string; see VerifyPassword
	TOTPSecret   string   // optional base32 TOTP secret (RFC 6238), "" for none
	Contact      string   // optional static SIP contact, e.g. sip:alice@192.0.2.10:5060
	// SIPHA1 is the phone's digest secret for REGISTER (hex MD5 of
	// username:realm:password), "" when the phone does not register.
	SIPHA1 string
}

// String names the agent and role only: an Agent never prints its
// password hash or TOTP secret, with %v, %+v, %s or in a slog record.
func (a Agent) String() string { return a.Username + " (" + a.Role + ")" }

// GoString is like String, for %#v.
func (a Agent) GoString() string { return "agents.Agent{" + a.String() + "}" }

// LogValue logs the agent without its secrets.
func (a Agent) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("username", a.Username),
		slog.String("role", a.Role),
		slog.String("skills", strings.Join(a.Skills, ",")),
		slog.Bool("clinical", a.Clinical),
		slog.Bool("mfa", a.TOTPSecret != ""),
	)
}
