package main

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"strings"
	"time"

	"github.com/callgate/callgate/media"
	"github.com/callgate/callgate/sip/trunk"
	"gopkg.in/yaml.v3"
)

// Defaults of the daemon configuration.
const (
	DefaultSIPAddr   = "127.0.0.1:5060"
	DefaultHTTPAddr  = "127.0.0.1:8080"
	DefaultRTPPorts  = "10000-20000"
	DefaultDrainTime = 30 * time.Second
	DefaultLogLevel  = "info"
	DefaultLogFormat = "text"
	DefaultFlow      = "member-services"
	DefaultTagTTL    = 24 * time.Hour
	// demoSecretKey is the bundled demo config's key; refused outside demo mode.
	demoSecretKey = "Y2FsbGdhdGUtZGVtby1rZXktbm90LWZvci1wcm9kdWN0aW9uLXVzZSEh"
)

// Config is the whole daemon configuration (YAML). Flags and CALLGATE_*
// environment variables override the file.
type Config struct {
	// Demo marks the bundled demo configuration: demo credentials, the demo
	// member directory and the demo key are refused unless it is true.
	Demo bool `yaml:"demo"`
	// SecretKey (base64, at least 32 bytes) keys the HMACs behind opaque
	// references (subjects, hashed caller numbers) and peppers stored
	// secrets. Every node of a deployment must share it.
	SecretKey string `yaml:"secret_key"`
	// Members chooses the member directory.
	Members MembersConfig `yaml:"members"`
	// Tags configures the call tags in Redis.
	Tags TagsConfig `yaml:"tags"`
	// Guard configures lockout and pretexting signals.
	Guard GuardConfig `yaml:"guard"`
	// Agents configures the agent directory and how calls reach agents.
	Agents AgentsConfig `yaml:"agents"`
	// Audit configures the disclosure ledger.
	Audit AuditConfig `yaml:"audit"`
	// Policy chooses the disclosure policy.
	Policy PolicyConfig `yaml:"policy"`
	// SIP signalling.
	SIP SIPConfig `yaml:"sip"`
	// Trunks are the carriers that may send calls; INVITEs from anywhere
	// else (but registered agent phones) get 403. None: every INVITE but
	// agents' gets 403.
	Trunks []TrunkConfig `yaml:"trunks"`
	// Media (RTP).
	Media MediaConfig `yaml:"media"`
	// HTTP API, UIs, /metrics and health.
	HTTP HTTPConfig `yaml:"http"`
	// Redis; an empty URL runs the embedded store.
	Redis RedisConfig `yaml:"redis"`
	// IVR application settings.
	IVR IVRConfig `yaml:"ivr"`
	// Log output.
	Log LogConfig `yaml:"log"`
	// Twilio: Verify for one-time codes, and the Voice front door.
	Twilio TwilioConfig `yaml:"twilio"`
	// PprofAddr, set only by --pprof-addr, serves Go's /debug/pprof
	// profiles on a loopback HOST:PORT of its own (never on the public
	// HTTP listener). Empty: off.
	PprofAddr string `yaml:"-"`
	// DrainTimeout is how long SIGTERM waits for calls to finish.
	DrainTimeout time.Duration `yaml:"drain_timeout"`

	// trunks are Trunks resolved (credentials read from the environment)
	// by loadServeConfig.
	trunks []trunk.Trunk
}

// SIPConfig configures signalling.
type SIPConfig struct {
	// Addr is the UDP and TCP listen address.
	Addr string `yaml:"addr"`
	// MaxCalls is the concurrent call limit (503 beyond).
	MaxCalls int `yaml:"max_calls"`
	// InviteRate per second and InviteBurst per source IP; rate < 0 disables.
	InviteRate  float64 `yaml:"invite_rate"`
	InviteBurst int     `yaml:"invite_burst"`
	// RTPTimeout hangs up calls whose RTP stopped.
	RTPTimeout time.Duration `yaml:"rtp_timeout"`
	// MaxCallDuration hangs up calls that last longer.
	MaxCallDuration time.Duration `yaml:"max_call_duration"`
	// AnswerDelay rings before answering (0: answer at once).
	AnswerDelay time.Duration `yaml:"answer_delay"`
	// PublicHost is advertised in Contact when set.
	PublicHost string `yaml:"public_host"`
}

// MediaConfig configures RTP.
type MediaConfig struct {
	// RTPPorts is the RTP port range LOW-HIGH ("0": any free port, for tests).
	RTPPorts string `yaml:"rtp_ports"`
	// IP to bind and advertise for RTP; default: the SIP listener's IP.
	IP string `yaml:"ip"`
}

// HTTPConfig configures the HTTP listener.
type HTTPConfig struct {
	// Addr is the listen address; "off" disables HTTP.
	Addr string `yaml:"addr"`
}

// RedisConfig configures the shared store.
type RedisConfig struct {
	// URL like redis://127.0.0.1:6379/0; empty runs an embedded store.
	URL string `yaml:"url"`
}

// IVRConfig configures the call application.
type IVRConfig struct {
	// Prompts is a directory of <lang>/<name>.wav; empty uses the bundled set.
	Prompts string `yaml:"prompts"`
	// Flows is a directory of flow YAML files loaded at start; empty loads
	// the bundled flows (member-services, pharmacy-refill).
	Flows string `yaml:"flows"`
	// DefaultFlow runs for calls whose Request-URI user is not in Numbers.
	DefaultFlow string `yaml:"default_flow"`
	// Numbers maps a Request-URI user (sip:USER@host) to a flow id.
	Numbers map[string]string `yaml:"numbers"`
}

// AgentsConfig configures agents.
type AgentsConfig struct {
	// File is the agent directory YAML; empty uses the demo agents in demo
	// mode (and no agents otherwise).
	File string `yaml:"file"`
	// RingTimeout is how long an agent's phone rings before the next agent.
	RingTimeout time.Duration `yaml:"ring_timeout"`
	// IdleLogoff signs an agent out of the web UI after no activity.
	IdleLogoff time.Duration `yaml:"idle_logoff"`
	// ScreenLock locks the agent's screen after this long without activity
	// (unlocked with the password); 0 never locks before IdleLogoff.
	ScreenLock time.Duration `yaml:"screen_lock"`
	// WrapUp is how long an agent is offered no call after one ends; the
	// agent ends it early by choosing available.
	WrapUp time.Duration `yaml:"wrap_up"`
}

// PolicyConfig chooses the disclosure policy.
type PolicyConfig struct {
	// File is the policy YAML; empty uses the demo policy (demo mode only).
	File string `yaml:"file"`
}

// AuditConfig configures the ledger.
type AuditConfig struct {
	// Ledger is the append-only, hash-chained ledger file (fsync per entry).
	Ledger string `yaml:"ledger"`
}

// MembersConfig chooses the member directory.
type MembersConfig struct {
	// Source is "demo" (the bundled demo members; demo mode only) or
	// "redis" (imported with callgate members import).
	Source string `yaml:"source"`
}

// TagsConfig configures call tags.
type TagsConfig struct {
	// TTL keeps a call's tags this long after hang-up.
	TTL time.Duration `yaml:"ttl"`
}

// GuardConfig sets lockout and pretexting thresholds.
type GuardConfig struct {
	// MaxFailures failed verifications against one member within Window
	// lock its phone verification for LockFor.
	MaxFailures int           `yaml:"max_failures"`
	Window      time.Duration `yaml:"window"`
	LockFor     time.Duration `yaml:"lock_for"`
	// PretextDistinct different member IDs from one caller number within
	// PretextWindow flag suspected_pretexting.
	PretextDistinct int           `yaml:"pretext_distinct"`
	PretextWindow   time.Duration `yaml:"pretext_window"`
}

// LogConfig configures logging.
type LogConfig struct {
	// Level: debug, info, warn, error.
	Level string `yaml:"level"`
	// Format: text or json.
	Format string `yaml:"format"`
}

func defaultConfig() Config {
	return Config{
		SIP:          SIPConfig{Addr: DefaultSIPAddr},
		Media:        MediaConfig{RTPPorts: DefaultRTPPorts},
		HTTP:         HTTPConfig{Addr: DefaultHTTPAddr},
		IVR:          IVRConfig{DefaultFlow: DefaultFlow},
		Members:      MembersConfig{Source: "redis"},
		Tags:         TagsConfig{TTL: DefaultTagTTL},
		Agents:       AgentsConfig{RingTimeout: 15 * time.Second, IdleLogoff: 15 * time.Minute, ScreenLock: 2 * time.Minute, WrapUp: 10 * time.Second},
		Audit:        AuditConfig{Ledger: "callgate-ledger.jsonl"},
		Log:          LogConfig{Level: DefaultLogLevel, Format: DefaultLogFormat},
		DrainTimeout: DefaultDrainTime,
	}
}

// parseConfig reads YAML strictly: an unknown field is an error that names it.
func parseConfig(data []byte) (Config, error) {
	cfg := defaultConfig()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil && !errors.Is(err, io.EOF) {
		return cfg, fmt.Errorf("config: %w", nameFields(data, err))
	}
	return cfg, nil
}

// nameFields rewrites yaml.v3's "line N: cannot unmarshal ..." so each
// message names the field at that line (e.g. sip.rtp_timeout).
func nameFields(data []byte, err error) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return err
	}
	var root yaml.Node
	if yaml.Unmarshal(data, &root) != nil {
		return err
	}
	msgs := make([]string, 0, len(te.Errors))
	for _, m := range te.Errors {
		var line int
		if _, scanErr := fmt.Sscanf(m, "line %d:", &line); scanErr == nil {
			if f := fieldAtLine(&root, line, ""); f != "" {
				m = f + ": " + m
			}
		}
		msgs = append(msgs, m)
	}
	return fmt.Errorf("%s", strings.Join(msgs, "; "))
}

func fieldAtLine(n *yaml.Node, line int, prefix string) string {
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			if f := fieldAtLine(c, line, prefix); f != "" {
				return f
			}
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			path := fmt.Sprintf("%s[%d]", prefix, i)
			if c.Line == line && c.Kind == yaml.ScalarNode {
				return path
			}
			if f := fieldAtLine(c, line, path); f != "" {
				return f
			}
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			path := k.Value
			if prefix != "" {
				path = prefix + "." + k.Value
			}
			if v.Line == line && v.Kind == yaml.ScalarNode {
				return path
			}
			if f := fieldAtLine(v, line, path); f != "" {
				return f
			}
		}
	}
	return ""
}

func loadConfigFile(path string) (Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("config: %w", err)
	}
	cfg, err := parseConfig(data)
	if err != nil {
		return cfg, fmt.Errorf("%s: %w", path, err)
	}
	return cfg, nil
}

// Validate checks every field before anything starts; each error names its field.
func (c *Config) Validate() error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, fmt.Errorf("config: %s: %s", field, fmt.Sprintf(format, args...)))
	}
	if _, err := netip.ParseAddrPort(c.SIP.Addr); err != nil {
		bad("sip.addr", "%q is not HOST:PORT with an IP host", c.SIP.Addr)
	}
	if c.PprofAddr != "" {
		if ap, err := netip.ParseAddrPort(c.PprofAddr); err != nil || !ap.Addr().IsLoopback() {
			bad("--pprof-addr", "%q is not a loopback HOST:PORT (profiles are served on loopback only)", c.PprofAddr)
		}
	}
	if c.SIP.MaxCalls < 0 {
		bad("sip.max_calls", "must be >= 0, got %d", c.SIP.MaxCalls)
	}
	if c.SIP.InviteBurst < 0 {
		bad("sip.invite_burst", "must be >= 0, got %d", c.SIP.InviteBurst)
	}
	if c.SIP.RTPTimeout < 0 || c.SIP.MaxCallDuration < 0 || c.SIP.AnswerDelay < 0 {
		bad("sip", "durations must not be negative")
	}
	if _, err := media.ParsePortRange(c.Media.RTPPorts); err != nil && c.Media.RTPPorts != "0" {
		bad("media.rtp_ports", "%v", err)
	}
	if c.Media.IP != "" {
		if _, err := netip.ParseAddr(c.Media.IP); err != nil {
			bad("media.ip", "%q is not an IP address", c.Media.IP)
		}
	}
	if c.HTTP.Addr != "off" {
		if _, err := netip.ParseAddrPort(c.HTTP.Addr); err != nil {
			bad("http.addr", "%q is not HOST:PORT with an IP host (or \"off\")", c.HTTP.Addr)
		}
	}
	if c.Redis.URL != "" && !hasAnyPrefix(c.Redis.URL, "redis://", "rediss://", "unix://", "redis-sentinel://") {
		// The URL may hold a password: name the rule, not the value.
		bad("redis.url", "must start with redis://, rediss://, unix:// or redis-sentinel://")
	}
	if key, err := base64.StdEncoding.DecodeString(c.SecretKey); err != nil || len(key) < 32 {
		bad("secret_key", "must be at least 32 bytes, base64-encoded (e.g. openssl rand -base64 32)")
	} else if c.SecretKey == demoSecretKey && !c.Demo {
		bad("secret_key", "is the demo key; generate your own outside the demo configuration")
	}
	switch c.Members.Source {
	case "redis":
	case "demo":
		if !c.Demo {
			bad("members.source", "\"demo\" (the demo members) is allowed only in the demo configuration (demo: true)")
		}
	default:
		bad("members.source", "%q: want demo or redis", c.Members.Source)
	}
	if c.IVR.DefaultFlow == "" {
		bad("ivr.default_flow", "must name a flow")
	}
	if c.Agents.RingTimeout < 0 || c.Agents.IdleLogoff < 0 || c.Agents.ScreenLock < 0 || c.Agents.WrapUp < 0 {
		bad("agents", "durations must not be negative")
	}
	if c.Policy.File == "" && !c.Demo {
		bad("policy.file", "must name the disclosure policy file outside the demo configuration (demo: true)")
	}
	if c.Audit.Ledger == "" {
		bad("audit.ledger", "must name the ledger file")
	}
	if c.Tags.TTL < 0 {
		bad("tags.ttl", "must not be negative")
	}
	if c.Guard.MaxFailures < 0 || c.Guard.PretextDistinct < 0 || c.Guard.Window < 0 || c.Guard.LockFor < 0 || c.Guard.PretextWindow < 0 {
		bad("guard", "thresholds and durations must not be negative")
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		bad("log.level", "%q: want debug, info, warn or error", c.Log.Level)
	}
	switch c.Log.Format {
	case "text", "json":
	default:
		bad("log.format", "%q: want text or json", c.Log.Format)
	}
	if c.DrainTimeout < 0 {
		bad("drain_timeout", "must not be negative")
	}
	c.Twilio.validate(c.HTTP.Addr, bad)
	c.validateTrunks(bad)
	return errors.Join(errs...)
}

func hasAnyPrefix(s string, prefixes ...string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}
