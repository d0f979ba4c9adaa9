package agents

import (
	"encoding/base32"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/callgate/callgate/routing/internal/strictyaml"
)

// supportedVersion is the only format version ParseDirectory reads.
const supportedVersion = 1

// Limits on names and values.
const (
	maxNameLen       = 64 // skills
	maxContactLen    = 256
	minTOTPSecretLen = 16 // bytes: 128 bits, RFC 4226 § 4 R6
	maxTOTPSecretLen = 64
)

var (
	dirKeys   = []string{"version", "agents"}                                                                            //nolint:gochecknoglobals // read-only
	agentKeys = []string{"username", "role", "skills", "clinical", "password_hash", "totp_secret", "contact", "sip_ha1"} //nolint:gochecknoglobals // read-only
)

// ParseDirectory reads an agent directory from YAML:
//
//	version: 1
//	agents:
//	  - username: alice                # ^[a-z][a-z0-9._-]{1,31}$, unique
//	    role: agent                    # agent, supervisor, admin or ops
//	    skills: [scheduling, billing]  # optional
//	    clinical: false                # optional, default false
//	    password_hash: "$argon2id$v=19$m=19456,t=2,p=1$..."
//	    totp_secret: ...               # optional, base32, at least 128 bits
//	    contact: "sip:alice@192.0.2.10:5060"  # optional static SIP contact
//	    sip_ha1: 9f0e...                # optional phone digest secret: hex MD5 of username:callgate:password
//
// It is strict: unknown and repeated keys, anchors and aliases are errors,
// and so is a password hash that is not a canonical argon2id PHC string or
// is weaker than OWASP's argon2id minimum (memory at least 7168 KiB,
// memory × passes at least 35840, a salt of 16 bytes or more). The error
// is a *ParseError for the first problem, at its line and column, wrapping
// ErrInvalidDirectory and the problem's class. Messages quote usernames,
// roles, skills and contacts, never password hashes, TOTP secrets or
// SIP digest secrets.
func ParseDirectory(src []byte) ([]Agent, error) {
	root, err := doc.DecodeRoot(src)
	if err != nil {
		return nil, err
	}
	if root.Kind != yaml.MappingNode {
		return nil, errAt(root, ErrSyntax, "a directory is a mapping with version and agents, not %s", strictyaml.Describe(root))
	}
	top := make(map[string]*yaml.Node, len(dirKeys))
	if err := doc.Mapping(root, "the directory", dirKeys, func(key string, _, v *yaml.Node) error {
		top[key] = v
		return nil
	}); err != nil {
		return nil, err
	}
	v := top["version"]
	if v == nil {
		return nil, errAt(root, ErrMissingKey, "version is missing; write version: %d", supportedVersion)
	}
	n, err := doc.Integer(v, "version")
	if err != nil {
		return nil, err
	}
	if n != supportedVersion {
		return nil, errAt(v, ErrUnsupportedVersion, "version %d is not supported; this callgate reads version %d", n, supportedVersion)
	}
	av := top["agents"]
	if av == nil {
		return nil, errAt(root, ErrMissingKey, "agents is missing; list the agents, or write agents: [] for none")
	}
	items, err := doc.List(av, "agents")
	if err != nil {
		return nil, err
	}
	out := make([]Agent, 0, len(items))
	seen := make(map[string]*yaml.Node, len(items))
	for i, item := range items {
		a, at, err := parseAgent(item, i+1)
		if err != nil {
			return nil, err
		}
		if first, dup := seen[a.Username]; dup {
			return nil, errAt(at, ErrDuplicate, "username %s is taken by the agent at %d:%d", strictyaml.Quote(a.Username), first.Line, first.Column)
		}
		seen[a.Username] = at
		out = append(out, a)
	}
	return out, nil
}

// parseAgent reads agent number n, returning it and where its username is.
func parseAgent(v *yaml.Node, n int) (Agent, *yaml.Node, error) {
	what := "agent " + strconv.Itoa(n)
	keys := make(map[string]*yaml.Node, len(agentKeys))
	if err := doc.Mapping(v, what, agentKeys, func(key string, _, val *yaml.Node) error {
		keys[key] = val
		return nil
	}); err != nil {
		return Agent{}, nil, err
	}
	var a Agent
	uv := keys["username"]
	if uv == nil {
		return Agent{}, nil, errAt(v, ErrMissingKey, "%s has no username", what)
	}
	var err error
	if a.Username, err = doc.Scalar(uv, what+" username"); err != nil {
		return Agent{}, nil, err
	}
	if !isUsername(a.Username) {
		return Agent{}, nil, errAt(uv, ErrInvalidUsername,
			"%s: username %s must be 2 to 32 of a-z, 0-9, '.', '_' and '-', starting with a letter", what, strictyaml.Quote(a.Username))
	}
	what += " (" + a.Username + ")"
	for _, key := range agentKeys[1:] { // in a fixed order, so errors are deterministic
		val := keys[key]
		if val == nil {
			continue
		}
		var err error
		switch key {
		case "role":
			err = parseRole(val, what, &a)
		case "skills":
			a.Skills, err = parseSkills(val, what)
		case "clinical":
			a.Clinical, err = doc.Boolean(val, what+" clinical")
		case "password_hash":
			err = parseHash(val, what, &a)
		case "totp_secret":
			err = parseTOTP(val, what, &a)
		case "contact":
			err = parseContact(val, what, &a)
		default: // sip_ha1
			err = parseHA1(val, what, &a)
		}
		if err != nil {
			return Agent{}, nil, err
		}
	}
	switch {
	case a.Role == "":
		return Agent{}, nil, errAt(v, ErrMissingKey, "%s has no role; give it role: %s", what, strings.Join(Roles(), ", "))
	case a.PasswordHash == "":
		return Agent{}, nil, errAt(v, ErrMissingKey, "%s has no password_hash; make one with agents.HashPassword", what)
	}
	return a, uv, nil
}

func parseRole(v *yaml.Node, what string, a *Agent) error {
	s, err := doc.Scalar(v, what+" role")
	if err != nil {
		return err
	}
	if !isRole(s) {
		return errAt(v, ErrInvalidRole, "%s: unknown role %s; roles are %s%s", what, strictyaml.Quote(s), strings.Join(Roles(), ", "), didYouMean(s, Roles()))
	}
	a.Role = s
	return nil
}

func parseSkills(v *yaml.Node, what string) ([]string, error) {
	items, err := doc.List(v, what+" skills")
	if err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return nil, nil
	}
	skills := make([]string, 0, len(items))
	for _, item := range items {
		s, err := doc.Scalar(item, "a skill of "+what)
		if err != nil {
			return nil, err
		}
		if !isSkill(s) {
			return nil, errAt(item, ErrInvalidSkill, "%s: skill %s must be a-z, 0-9, '_' and '-', starting with a letter, at most %d", what, strictyaml.Quote(s), maxNameLen)
		}
		if slices.Contains(skills, s) {
			return nil, errAt(item, ErrDuplicate, "%s has skill %s twice", what, strictyaml.Quote(s))
		}
		skills = append(skills, s)
	}
	return skills, nil
}

func parseHash(v *yaml.Node, what string, a *Agent) error {
	if v.Kind != yaml.ScalarNode || v.Tag != "!!str" || v.Value == "" {
		return errAt(v, ErrInvalidPasswordHash, "%s: password_hash must be an argon2id PHC string in quotes", what)
	}
	h, err := parsePHC(v.Value)
	if err != nil {
		// err names the problem without quoting the hash.
		return errAt(v, ErrInvalidPasswordHash, "%s: password_hash: %s", what, strings.TrimPrefix(err.Error(), ErrInvalidPasswordHash.Error()+": "))
	}
	if problem := h.p.weakness(); problem != "" {
		return errAt(v, ErrInvalidPasswordHash, "%s: password_hash is too weak: %s", what, problem)
	}
	a.PasswordHash = v.Value
	return nil
}

func parseTOTP(v *yaml.Node, what string, a *Agent) error {
	if v.Kind != yaml.ScalarNode || v.Tag != "!!str" || v.Value == "" {
		return errAt(v, ErrInvalidTOTPSecret, "%s: totp_secret must be base32 text; remove the key for no TOTP", what)
	}
	enc := base32.StdEncoding.WithPadding(base32.NoPadding)
	if strings.ContainsRune(v.Value, '=') {
		enc = base32.StdEncoding
	}
	key, err := enc.DecodeString(v.Value)
	switch {
	case err != nil || enc.EncodeToString(key) != v.Value: // canonical only
		return errAt(v, ErrInvalidTOTPSecret, "%s: totp_secret is not base32 (A-Z and 2-7, RFC 4648)", what)
	case len(key) < minTOTPSecretLen || len(key) > maxTOTPSecretLen:
		return errAt(v, ErrInvalidTOTPSecret, "%s: totp_secret is %d bytes; want %d to %d (RFC 4226 asks for at least 128 bits)",
			what, len(key), minTOTPSecretLen, maxTOTPSecretLen)
	}
	clear(key)
	a.TOTPSecret = v.Value
	return nil
}

func parseContact(v *yaml.Node, what string, a *Agent) error {
	s, err := doc.Scalar(v, what+" contact")
	if err != nil {
		return err
	}
	if !isContact(s) {
		return errAt(v, ErrInvalidContact, "%s: contact %s must be a sip: or sips: URI such as sip:alice@192.0.2.10:5060", what, strictyaml.Quote(s))
	}
	a.Contact = s
	return nil
}

// parseHA1 reads a phone's SIP digest secret: 32 hex digits, the MD5 of
// "username:realm:password" (RFC 2617 HA1).
func parseHA1(v *yaml.Node, what string, a *Agent) error {
	s, err := doc.Scalar(v, what+" sip_ha1")
	if err != nil {
		return err
	}
	if len(s) != 32 || strings.Trim(strings.ToLower(s), "0123456789abcdef") != "" {
		return errAt(v, ErrInvalidHA1, "%s: sip_ha1 must be 32 hex digits, the MD5 of username:realm:password", what)
	}
	a.SIPHA1 = strings.ToLower(s)
	return nil
}

// isUsername matches ^[a-z][a-z0-9._-]{1,31}$.
func isUsername(s string) bool {
	if len(s) < 2 || len(s) > 32 || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '.' && c != '_' && c != '-' {
			return false
		}
	}
	return true
}

// isSkill matches ^[a-z][a-z0-9_-]{0,63}$, like the call purposes.
func isSkill(s string) bool {
	if s == "" || len(s) > maxNameLen || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '_' && c != '-' {
			return false
		}
	}
	return true
}

// isContact accepts sip:[user@]host[:port][;params] and the same with
// sips:, at most 256 bytes of printable ASCII without spaces, quotes or
// angle brackets.
func isContact(s string) bool {
	if len(s) > maxContactLen {
		return false
	}
	rest, ok := strings.CutPrefix(s, "sip:")
	if !ok {
		rest, ok = strings.CutPrefix(s, "sips:")
	}
	if !ok {
		return false
	}
	for i := range len(rest) {
		if c := rest[i]; c <= ' ' || c >= 0x7f || c == '"' || c == '<' || c == '>' {
			return false
		}
	}
	hostport, _, _ := strings.Cut(rest, ";")
	if at := strings.LastIndexByte(hostport, '@'); at >= 0 {
		if at == 0 {
			return false
		}
		hostport = hostport[at+1:]
	}
	host := hostport
	if strings.HasPrefix(hostport, "[") { // IPv6 reference
		end := strings.IndexByte(hostport, ']')
		if end < 2 {
			return false
		}
		host, hostport = hostport[1:end], hostport[end+1:]
		if hostport != "" && !strings.HasPrefix(hostport, ":") {
			return false
		}
	} else if h, _, found := strings.Cut(hostport, ":"); found {
		host, hostport = h, hostport[len(h):]
	} else {
		hostport = ""
	}
	if host == "" {
		return false
	}
	if port, found := strings.CutPrefix(hostport, ":"); found {
		n, err := strconv.Atoi(port)
		return err == nil && n >= 1 && n <= 65535 && port[0] != '+'
	}
	return true
}
