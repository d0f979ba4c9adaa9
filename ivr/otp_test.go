package ivr

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/callgate/callgate/flows"
	"github.com/callgate/callgate/routing/members"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeOTP is a scripted one-time code provider: each Check returns the
// next scripted result (the last one repeats).
type fakeOTP struct {
	mu         sync.Mutex
	sendErr    error
	blockSend  bool // Send waits for its context to end
	blockCheck bool // Check waits for its context to end
	results    []OTPResult
	sends      []string // subject/channel
	codes      []string // codes checked
}

func (f *fakeOTP) Send(ctx context.Context, subject string, channel flows.OTPChannel) error {
	f.mu.Lock()
	f.sends = append(f.sends, subject+"/"+string(channel))
	block, err := f.blockSend, f.sendErr
	f.mu.Unlock()
	if block {
		<-ctx.Done()
		return fmt.Errorf("fake verify: %w", ctx.Err())
	}
	return err
}

func (f *fakeOTP) Check(ctx context.Context, _ string, code []byte) (OTPResult, error) {
	f.mu.Lock()
	f.codes = append(f.codes, string(code))
	block := f.blockCheck
	var res OTPResult
	if len(f.results) > 0 {
		res = f.results[0]
		if len(f.results) > 1 {
			f.results = f.results[1:]
		}
	}
	f.mu.Unlock()
	if block {
		<-ctx.Done()
		return OTPWrong, fmt.Errorf("fake verify: %w", ctx.Err())
	}
	return res, nil
}

func (f *fakeOTP) calls() (sends, codes []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.sends...), append([]string(nil), f.codes...)
}

// otpTestFlow is member ID, date of birth, identity, then a step: otp
// node falling back per mode: to the PIN step (pin) or onward at partial.
func otpTestFlow(t *testing.T, mode flows.Unavailable) *flows.Flow {
	t.Helper()
	fallback := "unavailable"
	if mode == flows.UnavailablePIN {
		fallback = "pin_entry"
	}
	src := `id: otp-test
entry: member
languages: [en]
nodes:
  member: {kind: collect, prompts: [enter_member_id], into: member_id, min_digits: 8, max_digits: 8, terminator: "#", timeout: 8s, secure: true, next: dob, on_failure: failed}
  dob: {kind: collect, prompts: [enter_dob], into: dob, min_digits: 8, max_digits: 8, terminator: "", timeout: 8s, secure: true, next: identity, on_failure: failed}
  identity: {kind: verify, step: identity, inputs: {member_id: member_id, dob: dob}, retry: member, invalid_prompt: not_verified, next: code, on_failure: failed}
  code:
    kind: verify
    step: otp
    channel: sms
    tries: 3
    timeout: 20s
    invalid_prompt: not_verified
    on_unavailable: ` + string(mode) + `
    fallback: ` + fallback + `
    next: verified
    on_failure: failed
  verified: {kind: play, prompts: [verified], next: route}
  failed: {kind: set, set: {flags: verification_failed}, next: route}
  route: {kind: route, prompts: [connecting], queue: scheduling}
`
	if mode == flows.UnavailablePIN {
		src += `  pin_entry: {kind: collect, prompts: [enter_pin], into: pin, min_digits: 4, max_digits: 4, terminator: "#", timeout: 8s, secure: true, next: pin_check, on_failure: failed}
  pin_check: {kind: verify, step: pin, inputs: {pin: pin}, retry: pin_entry, next: verified, on_failure: failed}
`
	} else {
		src += "  unavailable: {kind: play, prompts: [verify_failed_transfer], next: route}\n"
	}
	f, err := flows.Load([]byte(src), flows.ValidateOptions{})
	require.NoError(t, err)
	for _, n := range f.Nodes {
		if n.Timeout > 0 {
			n.Timeout = flows.Duration(150 * time.Millisecond)
		}
	}
	f.Version = 1
	return f
}

const identityKeys = "10001234#" + "04121980" // Maria Lopez

func TestOTPStep(t *testing.T) {
	maria := members.SubjectOf(testKey, []byte("10001234"))
	tests := []struct {
		name      string
		mode      flows.Unavailable
		otp       *fakeOTP // nil: no provider configured
		keys      string
		after     string // when this prompt has played,
		then      string // the caller presses these keys
		want      map[string]string
		flags     string
		sends     int
		codes     []string
		heard     []string // prompts that must have played, in order
		notHeard  []string
		lockedOut bool
		unavailOK bool // the unavailable result was counted
	}{
		{
			name: "approved", mode: flows.UnavailablePIN,
			otp:  &fakeOTP{results: []OTPResult{OTPApproved}},
			keys: identityKeys + "123456#",
			want: map[string]string{"verification_level": "full", "caller_role": "self"}, sends: 1, codes: []string{"123456"},
			heard: []string{"otp_sending_sms", "enter_otp", "verified", "connecting"},
		},
		{
			name: "wrong code, then right", mode: flows.UnavailablePIN,
			otp:  &fakeOTP{results: []OTPResult{OTPWrong, OTPApproved}},
			keys: identityKeys + "111111#" + "123456#",
			want: map[string]string{"verification_level": "full", "caller_role": "self"}, sends: 1, codes: []string{"111111", "123456"},
			heard: []string{"enter_otp", "not_verified", "enter_otp", "verified"},
		},
		{
			name: "wrong code three times", mode: flows.UnavailablePIN,
			otp:  &fakeOTP{results: []OTPResult{OTPWrong}},
			keys: identityKeys + "111111#" + "222222#" + "333333#",
			want: map[string]string{"verification_level": "partial", "caller_role": "unknown"}, flags: "verification_failed",
			sends: 1, codes: []string{"111111", "222222", "333333"},
			notHeard: []string{"verified", "enter_pin"},
		},
		{
			name: "too many checks at the provider locks the member out", mode: flows.UnavailablePIN,
			otp:  &fakeOTP{results: []OTPResult{OTPTooManyChecks}},
			keys: identityKeys + "111111#",
			want: map[string]string{"verification_level": "partial"}, flags: "locked_out,verification_failed",
			sends: 1, codes: []string{"111111"}, lockedOut: true,
		},
		{
			name: "expired code, press 1 for a new one", mode: flows.UnavailablePIN,
			otp:  &fakeOTP{results: []OTPResult{OTPExpired, OTPApproved}},
			keys: identityKeys + "111111#", after: "otp_expired", then: "1" + "123456#",
			want: map[string]string{"verification_level": "full", "caller_role": "self"}, sends: 2, codes: []string{"111111", "123456"},
			heard: []string{"otp_sending_sms", "enter_otp", "otp_expired", "otp_sending_sms", "enter_otp", "verified"},
		},
		{
			name: "expired code, no new one", mode: flows.UnavailablePIN,
			otp:  &fakeOTP{results: []OTPResult{OTPExpired}},
			keys: identityKeys + "111111#", after: "otp_expired", then: "9",
			want: map[string]string{"verification_level": "partial"}, flags: "verification_failed", sends: 1, codes: []string{"111111"},
			heard: []string{"otp_expired", "connecting"},
		},
		{
			name: "no code entered", mode: flows.UnavailablePIN,
			otp:  &fakeOTP{results: []OTPResult{OTPApproved}},
			keys: identityKeys,
			want: map[string]string{"verification_level": "partial"}, flags: "verification_failed", sends: 1,
			heard: []string{"enter_otp", "no_input", "enter_otp", "no_input", "enter_otp", "connecting"},
		},
		{
			name: "provider refuses the send: the PIN step", mode: flows.UnavailablePIN,
			otp:  &fakeOTP{sendErr: errors.New("fake verify: 503")},
			keys: identityKeys + "4321#",
			want: map[string]string{"verification_level": "full", "caller_role": "self"}, sends: 1, unavailOK: true,
			heard: []string{"otp_sending_sms", "enter_pin", "verified"}, notHeard: []string{"enter_otp"},
		},
		{
			name: "send times out: hold music, then the PIN step", mode: flows.UnavailablePIN,
			otp:  &fakeOTP{blockSend: true},
			keys: identityKeys + "4321#",
			want: map[string]string{"verification_level": "full", "caller_role": "self"}, sends: 1, unavailOK: true,
			heard: []string{"otp_sending_sms", "hold_music", "enter_pin", "verified"},
		},
		{
			name: "send times out: onward at partial", mode: flows.UnavailablePartial,
			otp:  &fakeOTP{blockSend: true},
			keys: identityKeys,
			want: map[string]string{"verification_level": "partial", "caller_role": "unknown"}, sends: 1, unavailOK: true,
			heard: []string{"otp_sending_sms", "hold_music", "verify_failed_transfer", "connecting"}, notHeard: []string{"enter_otp"},
		},
		{
			name: "check times out: onward at partial", mode: flows.UnavailablePartial,
			otp:  &fakeOTP{blockCheck: true},
			keys: identityKeys + "123456#",
			want: map[string]string{"verification_level": "partial"}, sends: 1, codes: []string{"123456"}, unavailOK: true,
			heard: []string{"enter_otp", "verify_failed_transfer"},
		},
		{
			name: "no provider configured: onward at partial", mode: flows.UnavailablePartial,
			keys: identityKeys,
			want: map[string]string{"verification_level": "partial"}, unavailOK: true,
			heard: []string{"verify_failed_transfer"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			e.runner.Flows.(staticFlows)["otp-test"] = otpTestFlow(t, tc.mode)
			obs := &countingObserver{}
			e.runner.Observer = obs
			e.runner.OTPTimeout = 150 * time.Millisecond
			if tc.otp != nil {
				e.runner.OTP = tc.otp
			}
			c := e.call("otp-" + strings.ReplaceAll(tc.name, " ", "-"))
			c.keys(tc.keys)
			if tc.after != "" {
				// Keys pressed once a prompt has played (the offer drops
				// keys typed before it).
				go func() {
					for !contains(c.heard(), tc.after) {
						time.Sleep(2 * time.Millisecond)
					}
					c.keys(tc.then)
				}()
			}
			got := e.run(t, c, "otp-test")
			for k, v := range tc.want {
				assert.Equal(t, v, got[k], "tag %s", k)
			}
			assert.Equal(t, tc.flags, got["flags"])
			assert.Equal(t, "scheduling", got["queue"])
			if tc.otp != nil {
				sends, codes := tc.otp.calls()
				assert.Len(t, sends, tc.sends)
				for _, s := range sends {
					assert.Equal(t, maria+"/sms", s, "the code goes to the member (by subject), by the node's channel")
				}
				assert.Equal(t, tc.codes, codes, "the digits keyed in, without the #")
			}
			assertInOrder(t, c.heard(), tc.heard)
			for _, p := range tc.notHeard {
				assert.NotContains(t, c.heard(), p)
			}
			locked := e.mini.Exists("callgate:guard:lock:" + maria)
			assert.Equal(t, tc.lockedOut, locked, "guard lock")
			assert.Equal(t, tc.unavailOK, obs.count("otp", "unavailable") == 1, "unavailable counted: %v", obs.all())
			if got["verification_level"] == "full" {
				assert.Equal(t, 1, obs.count("otp", "ok")+obs.count("pin", "ok"))
			}
			logs := e.logs.String()
			assertNoPHI(t, logs)
			assertNoCodes(t, logs+strings.Join(mapValues(got), " "))
			assert.Contains(t, logs, "verification attempt")
		})
	}
}

// TestOTPWrongCodesCountTowardsLockout: wrong codes count against the
// member in the guard like wrong PINs, and a lock stops the step at once.
func TestOTPWrongCodesCountTowardsLockout(t *testing.T) {
	e := newEnv(t)
	e.runner.Flows.(staticFlows)["otp-test"] = otpTestFlow(t, flows.UnavailablePIN)
	otp := &fakeOTP{results: []OTPResult{OTPWrong}}
	e.runner.OTP = otp
	maria := members.SubjectOf(testKey, []byte("10001234"))
	for range 4 { // the guard locks at 5 failures; 4 here, 1 below
		_, err := e.runner.Guard.Failure(context.Background(), maria)
		require.NoError(t, err)
	}
	c := e.call("otp-lockout")
	c.keys(identityKeys + "111111#" + "222222#")
	got := e.run(t, c, "otp-test")
	assert.Equal(t, "partial", got["verification_level"])
	assert.Equal(t, "locked_out,verification_failed", got["flags"])
	_, codes := otp.calls()
	assert.Equal(t, []string{"111111"}, codes, "no second try once the member is locked")
}

// assertInOrder checks that want appears in heard as a subsequence.
func assertInOrder(t *testing.T, heard, want []string) {
	t.Helper()
	i := 0
	for _, h := range heard {
		if i < len(want) && h == want[i] {
			i++
		}
	}
	assert.Equal(t, len(want), i, "prompts %v in order within %v", want, compact(heard))
}

// compact collapses repeats (hold music loops) for messages.
func compact(xs []string) []string {
	var out []string
	for _, x := range xs {
		if len(out) == 0 || out[len(out)-1] != x {
			out = append(out, x)
		}
	}
	return out
}

// assertNoCodes fails if a one-time code the tests key in appears in s.
func assertNoCodes(t *testing.T, s string) {
	t.Helper()
	re := regexp.MustCompile(`(^|[^0-9])(123456|111111|222222|333333)([^0-9]|$)`)
	if loc := re.FindStringIndex(s); loc != nil {
		t.Errorf("a one-time code in output: ...%s...", s[max(0, loc[0]-80):min(len(s), loc[1]+40)])
	}
}

// countingObserver counts verification outcomes.
type countingObserver struct {
	mu sync.Mutex
	n  map[string]int
}

func (o *countingObserver) Step(flows.Kind, time.Duration) {}
func (o *countingObserver) Signal(string)                  {}
func (o *countingObserver) StoreError(string)              {}

func (o *countingObserver) Verification(step flows.VerifyStep, result string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.n == nil {
		o.n = map[string]int{}
	}
	o.n[string(step)+"/"+result]++
}

func (o *countingObserver) count(step, result string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.n[step+"/"+result]
}

func (o *countingObserver) all() map[string]int {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := map[string]int{}
	for k, v := range o.n {
		out[k] = v
	}
	return out
}
