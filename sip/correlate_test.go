package sip

import (
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestCorrelationHeaderIsLogged(t *testing.T) {
	var logs syncLog
	sid := regexp.MustCompile(`^CA[0-9a-f]{32}$`)
	ts := startServerWith(t, Config{}, nil, nil,
		WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))),
		WithCorrelationHeader("X-Callgate-CallSid", "twilio_call_sid", sid.MatchString))
	good := "CA0123456789abcdef0123456789abcdef"
	for id, value := range map[string]string{"corr-good": good, "corr-bad": "CA<script>"} {
		msg := strings.Replace(inviteMsg(id, offer("m=audio 4000 RTP/AVP 0")), "CSeq: 1 INVITE\n", "CSeq: 1 INVITE\nX-Callgate-CallSid: "+value+"\n", 1)
		res := rawRequest(t, ts.udp, msg, 5*time.Second)
		assert.True(t, strings.HasPrefix(res, "SIP/2.0 200 "), res)
	}
	assert.Eventually(t, func() bool {
		return regexp.MustCompile(`call answered.*call_id=corr-good.*twilio_call_sid=` + good).MatchString(logs.String())
	}, 3*time.Second, 10*time.Millisecond, "the CallSid is on the call's lines")
	assert.NotContains(t, logs.String(), "<script>", "a value that is not a CallSid is never logged")
}

// syncLog is a buffer a logger and a test can share.
type syncLog struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *syncLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *syncLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
