package main

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/callgate/callgate/sip/siptest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// SIPp callers go through member-services with the demo data, one per
// case, sending RFC 4733 events at payload type 96 with play_dtmf, and
// the call tags in Redis say what DESIGN.md specifies.
func TestSIPpMemberServicesTags(t *testing.T) {
	siptest.RequireSipp(t)
	siptest.RequireRawSockets(t)
	app, _, logs, _ := startApp(t, "--log-level", "debug")
	target := app.udp.LocalAddr().String()

	tests := []struct {
		name string
		keys string
		want map[string]string
	}{
		{"verified patient", "11" + "10001234#" + "04121980" + "4321#" + "1",
			map[string]string{"verification_level": "full", "caller_role": "self", "recording_consent": "granted", "purpose": "scheduling", "queue": "scheduling", "flags": "", "restrictions": ""}},
		{"wrong PIN three times", "11" + "10001234#" + "04121980" + "0000#" + "1111#" + "2222#" + "2",
			map[string]string{"verification_level": "partial", "caller_role": "self", "purpose": "billing", "flags": "verification_failed"}},
		{"representative with the right code", "22" + "10001234#" + "04121980" + "7788#" + "1",
			map[string]string{"verification_level": "full", "caller_role": "representative", "recording_consent": "declined", "purpose": "scheduling"}},
		{"wrong member ID three times", "11" + "31415926#04121980" + "27182818#04121980" + "16180339#04121980" + "3",
			map[string]string{"verification_level": "none", "subject": "", "purpose": "pharmacy", "flags": "suspected_pretexting,verification_failed"}},
		{"member with restrictions", "11" + "10005678#" + "07221955" + "8642#" + "4",
			map[string]string{"verification_level": "full", "caller_role": "self", "restrictions": "contact-mobile-only,no-family-disclosure", "purpose": "nurse", "queue": "nurse"}},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			spec := tc.keys + ",80"
			// Room for argon2id checks and prompts on a loaded 2-core machine.
			hold := siptest.DTMFPlayDuration(spec) + 6*time.Second
			res := siptest.RunSipp(context.Background(), t, siptest.SippOptions{
				Scenario: "uac_dtmf_rfc4733", Target: target, Timeout: 60 * time.Second,
				CallIDPrefix: "accept" + strconv.Itoa(i), // parallel SIPp runs must not share Call-IDs
				// Each case calls from its own number: many member IDs from one
				// number is exactly what suspected_pretexting looks for.
				Vars: map[string]string{"dtmf": spec, "hold_ms": strconv.Itoa(int(hold / time.Millisecond)), "caller": "1555010000" + strconv.Itoa(i)},
			})
			require.Equal(t, 1, res.Successful, res.ErrorLog)
			require.Len(t, res.CallIDs, 1)
			key := "callgate:call:" + res.CallIDs[0]
			var got map[string]string
			require.Eventually(t, func() bool {
				got = app.rdb.HGetAll(context.Background(), key).Val()
				return len(got) > 0 && got["state"] != "queued" && got["state"] != "ivr"
			}, 5*time.Second, 20*time.Millisecond, "the call's tags are final")
			for k, v := range tc.want {
				assert.Equal(t, v, got[k], "tag %s", k)
			}
			assert.Equal(t, "member-services", got["flow"])
			assert.Equal(t, "abandoned.route_"+got["queue"], got["state"], "the caller hung up while queued")
			ttl := app.rdb.TTL(context.Background(), key).Val()
			assert.Greater(t, ttl, 23*time.Hour, "kept for the configured time after hang-up")
		})
	}
	t.Run("consent unanswered", func(t *testing.T) {
		t.Parallel()
		res := siptest.RunSipp(context.Background(), t, siptest.SippOptions{
			Scenario: "uac_basic", Target: target, Timeout: 60 * time.Second, CallIDPrefix: "accept-consent",
			// welcome (4.5 s) + notice (3.5 s) + the 5 s answer window, with
			// room for a loaded CI machine.
			Vars: map[string]string{"hold_ms": "20000"},
		})
		require.Equal(t, 1, res.Successful, res.ErrorLog)
		require.Len(t, res.CallIDs, 1)
		got := app.rdb.HGetAll(context.Background(), "callgate:call:"+res.CallIDs[0]).Val()
		assert.Equal(t, "unanswered", got["recording_consent"], "no key within 5 s of the notice")
		assert.Equal(t, "none", got["verification_level"])
		var ev map[string]string
		require.Eventually(t, func() bool {
			ev = app.rdb.HGetAll(context.Background(), "callgate:evidence:"+res.CallIDs[0]).Val()
			return len(ev) > 0
		}, 5*time.Second, 50*time.Millisecond, "consent evidence written when the answer window closed")
		assert.Equal(t, "unanswered", ev["consent_result"])
		assert.Equal(t, "welcome,consent", ev["consent_prompts"], "the evidence names the notice played")
		assert.Len(t, ev["consent_audio_sha256"], 2*64+1, "and the audio versions heard")
	})
	t.Cleanup(func() { assertNoPHI(t, logs.String()) })
}
