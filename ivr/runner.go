package ivr

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/callgate/callgate/flows"
	"github.com/callgate/callgate/media"
	"github.com/callgate/callgate/media/prompt"
)

// Defaults for input handling.
const (
	DefaultTimeout           = 5 * time.Second
	DefaultInterDigitTimeout = 3 * time.Second
	DefaultRetries           = 3
	DefaultTries             = 3
	DefaultNoInputPrompt     = "no_input"
	DefaultNoMatchPrompt     = "invalid"
	// maxSteps bounds one call's node visits: the validator rejects loops
	// that never wait for input, this is the belt to its braces.
	maxSteps = 1000
	// endTimeout bounds the final tag write after the caller hung up.
	endTimeout = 3 * time.Second
)

// Runner runs published flows on calls. Its fields are set once, before
// the first call.
type Runner struct {
	Flows   FlowSource
	Prompts map[string]*prompt.Set // by language
	// Uploaded, when set, holds prompts admins uploaded; they take
	// precedence over Prompts of the same language and name.
	Uploaded PromptSource
	Members  Directory
	Tags     TagStore
	Guard    Guard
	Evidence Evidence
	Observer Observer
	// MemberRef turns an entered member ID into an opaque reference (the
	// member's subject) for lockout and pretexting counters.
	MemberRef func(memberID []byte) string
	// Now is the clock (hours-of-operation branches, evidence).
	Now func() time.Time
	// Hold is played while a call waits in a queue.
	HoldPrompt string
	// Dispatch, when set, connects routed calls to agents; without it a
	// routed call waits on hold music until it hangs up or max_wait.
	Dispatch Dispatcher
	// Callbacks, when set, takes the requests of callback nodes; without
	// it a callback node tells the caller to call again later.
	Callbacks Callbacks
	// OTP sends and checks one-time codes (verify step otp); without it an
	// otp step falls back at once.
	OTP OTP
	// OTPTimeout bounds each send and each check of a one-time code
	// (default DefaultOTPTimeout); the caller hears hold audio meanwhile.
	OTPTimeout time.Duration
}

// CallerInfo is optionally implemented by a Call that knows the caller's
// number (used hashed, for pretexting signals only).
type CallerInfo interface {
	CallerUser() string
}

// ErrNoFlow is returned when the requested flow is not published.
var ErrNoFlow = errors.New("ivr: no such flow")

// Run executes the live version of flow id on call c until the flow ends
// or the caller hangs up (ctx done). The version is fixed at the start.
func (r *Runner) Run(ctx context.Context, c Call, flowID string) error {
	f, err := r.Flows.Live(ctx, flowID)
	switch {
	case errors.Is(err, flows.ErrUnknownFlow):
		return fmt.Errorf("%w: %q", ErrNoFlow, flowID)
	case err != nil:
		return fmt.Errorf("ivr: flow %q: %w", flowID, err)
	}
	s := &session{
		r: r, c: c, f: f, log: c.Logger().With("flow", f.ID, "flow_version", f.Version),
		lang:  defaultLang(f),
		slots: map[string][]byte{},
		tries: map[string]int{},
		tags: map[string]string{
			TagVerificationLevel: "none", TagCallerRole: "unknown", TagRecordingConsent: "unanswered",
			TagRestrictions: "", TagFlags: "", TagFlow: f.ID, TagFlowVersion: strconv.Itoa(f.Version), TagState: "ivr",
		},
		flags: map[string]bool{},
	}
	if ci, ok := c.(CallerInfo); ok {
		s.caller = ci.CallerUser()
	}
	defer s.wipeAll()
	tg, err := r.Tags.Begin(ctx, c.CallID(), copyMap(s.tags))
	if err != nil {
		// Fail safe: the call goes on; nothing is disclosed that the tags
		// do not prove. A writer returned with the error catches up with
		// everything once the store answers again.
		s.storeErr("begin", err)
	}
	if tg == nil {
		tg = nopTagger{}
	}
	s.tg = tg
	s.log.Info("flow started")
	state, err := s.run(ctx)
	ectx, cancel := context.WithTimeout(context.WithoutCancel(ctx), endTimeout)
	defer cancel()
	if e := s.tg.End(ectx, state, s.takePending()); e != nil {
		s.storeErr("end", e)
	}
	s.log.Info("flow ended", "state", state, "verification_level", s.tags[TagVerificationLevel], "caller_role", s.tags[TagCallerRole])
	return err
}

// session is one call's run of one flow version.
type session struct {
	r      *Runner
	c      Call
	f      *flows.Flow
	log    *slog.Logger
	tg     Tagger
	lang   string
	caller string
	// slots hold collected digits; secure ones are wiped after use.
	slots   map[string][]byte
	tries   map[string]int
	tags    map[string]string // what we believe the tags say
	pending map[string]string // learned, not yet written (see flush)
	flags   map[string]bool
	subject string
	rep     *Representative
	// enqueued is when the call first joined each queue.
	enqueued map[string]time.Time
}

// run walks the graph and returns the final state for the tag.
func (s *session) run(ctx context.Context) (string, error) {
	name := s.f.Entry
	for range maxSteps {
		n := s.f.Nodes[name]
		if n == nil {
			return "error." + name, fmt.Errorf("ivr: flow %s: node %q does not exist", s.f.ID, name)
		}
		start := time.Now()
		next, err := s.exec(ctx, name, n)
		if s.r.Observer != nil {
			s.r.Observer.Step(n.Kind, time.Since(start))
		}
		switch {
		case ctx.Err() != nil:
			return "abandoned." + name, nil // the caller hung up here
		case errors.Is(err, errEndOfFlow):
			return "ended." + name, nil
		case err != nil:
			s.log.Warn("node failed", "node", name, "kind", string(n.Kind), "error", err)
			return "error." + name, err
		}
		name = next
	}
	return "error.loop", fmt.Errorf("ivr: flow %s: more than %d steps", s.f.ID, maxSteps)
}

// errEndOfFlow ends the run normally (hangup node, route that ends).
var errEndOfFlow = errors.New("ivr: end of flow")

func (s *session) exec(ctx context.Context, name string, n *flows.Node) (string, error) {
	switch n.Kind {
	case flows.KindPlay:
		if err := s.play(ctx, n.Prompts, true); err != nil {
			return "", err
		}
		return n.Next, nil
	case flows.KindMenu:
		return s.menu(ctx, name, n)
	case flows.KindCollect:
		return s.collect(ctx, name, n)
	case flows.KindVerify:
		if n.Step == flows.StepOTP {
			return s.otp(ctx, name, n)
		}
		return s.verify(ctx, name, n)
	case flows.KindConsent:
		return s.consent(ctx, n)
	case flows.KindSet:
		if err := s.apply(ctx, n.Set); err != nil {
			return "", err
		}
		return n.Next, nil
	case flows.KindBranch:
		return s.branch(n)
	case flows.KindRoute:
		return s.route(ctx, n)
	case flows.KindTransfer:
		return s.transfer(ctx, n)
	case flows.KindCallback:
		return s.callback(ctx, n)
	case flows.KindHangup:
		if len(n.Prompts) > 0 {
			_ = s.play(ctx, n.Prompts, false)
		}
		return "", errEndOfFlow
	}
	return "", fmt.Errorf("ivr: node %q: unknown kind %q", name, n.Kind)
}

// prompt finds a prompt in the call's language, else the flow's default.
func (s *session) prompt(name string) (*prompt.Prompt, error) {
	for _, lang := range []string{s.lang, defaultLang(s.f), "en"} {
		if s.r.Uploaded != nil {
			if p, ok := s.r.Uploaded.Get(lang, name); ok {
				return p, nil
			}
		}
		if set := s.r.Prompts[lang]; set != nil {
			if p, ok := set.Get(name); ok {
				return p, nil
			}
		}
	}
	return nil, fmt.Errorf("%w: %q", ErrMissingPrompt, name)
}

// play plays prompts in order. With bargeIn a key stops them (and stays
// queued for the next input).
func (s *session) play(ctx context.Context, names []string, bargeIn bool) error {
	for _, name := range names {
		p, err := s.prompt(name)
		if err != nil {
			return err
		}
		err = s.c.Play(ctx, p, media.PlayOptions{BargeIn: bargeIn})
		switch {
		case errors.Is(err, media.ErrPromptStopped) && bargeIn:
			return nil
		case err != nil:
			return err
		}
	}
	return nil
}

// setTags records what the call learned. Writes are batched: nothing
// reads a call's tags before it leaves the IVR, so they go to the store in
// one round trip when the call is routed or transferred (flush) and in the
// final write when it ends: three round trips for a call that reaches a
// queue (Begin, flush, End), whatever the flow did.
func (s *session) setTags(_ context.Context, kv map[string]string) {
	if s.pending == nil {
		s.pending = map[string]string{}
	}
	for k, v := range kv {
		s.tags[k] = v
		s.pending[k] = v
	}
}

// flush writes the batched tags. A store failure is logged and counted,
// never fatal: the call continues, and the tags prove only what was
// written.
func (s *session) flush(ctx context.Context) {
	kv := s.takePending()
	if len(kv) == 0 {
		return
	}
	if err := s.tg.Set(ctx, kv); err != nil {
		s.storeErr("set", err)
	}
}

func (s *session) takePending() map[string]string {
	kv := s.pending
	s.pending = nil
	return kv
}

func (s *session) addFlag(ctx context.Context, flag string) {
	if s.flags[flag] {
		return
	}
	s.flags[flag] = true
	if s.r.Observer != nil {
		s.r.Observer.Signal(flag)
	}
	list := make([]string, 0, len(s.flags))
	for f := range s.flags {
		list = append(list, f)
	}
	slices.Sort(list)
	s.setTags(ctx, map[string]string{TagFlags: strings.Join(list, ",")})
}

func (s *session) storeErr(op string, err error) {
	s.log.Warn("store unavailable; the call continues and the tags prove only what was written", "op", op, "error", err)
	if s.r.Observer != nil {
		s.r.Observer.StoreError(op)
	}
}

// apply runs a set node or a menu choice's set.
func (s *session) apply(ctx context.Context, set map[string]string) error {
	kv := map[string]string{}
	for k, v := range set {
		switch k {
		case "language":
			s.lang = v
		case TagFlags:
			s.addFlag(ctx, v)
		default:
			kv[k] = v
		}
	}
	if len(kv) > 0 {
		s.setTags(ctx, kv)
	}
	return nil
}

func (s *session) wipeAll() {
	for k, b := range s.slots {
		wipe(b)
		delete(s.slots, k)
	}
}

func wipe(b []byte) {
	for i := range b {
		b[i] = 0
	}
}

func defaultLang(f *flows.Flow) string {
	if len(f.Languages) > 0 {
		return f.Languages[0]
	}
	return "en"
}

func copyMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// nopTagger stands in when the store is down at call start.
type nopTagger struct{}

func (nopTagger) Set(context.Context, map[string]string) error         { return errStoreDown }
func (nopTagger) End(context.Context, string, map[string]string) error { return errStoreDown }

var errStoreDown = errors.New("ivr: tag store unavailable since call start")
