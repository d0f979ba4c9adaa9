package main

import (
	"context"

	"github.com/callgate/callgate/ivr"
	"github.com/callgate/callgate/routing/evidence"
	"github.com/callgate/callgate/routing/members"
	"github.com/callgate/callgate/routing/tags"
)

// The adapters below connect ivr's consumer-side interfaces to the routing
// packages. They convert types only; no decisions live here.

// tagStore adapts *tags.Tags to ivr.TagStore.
type tagStore struct{ t *tags.Tags }

func (s tagStore) Begin(ctx context.Context, callID string, initial map[string]string) (ivr.Tagger, error) {
	w, err := s.t.Begin(ctx, callID, toFields(initial))
	if w == nil {
		return nil, err
	}
	// During an outage Begin still returns a writer that catches up later.
	return tagWriter{w}, err
}

type tagWriter struct{ w *tags.Writer }

func (t tagWriter) Set(ctx context.Context, kv map[string]string) error {
	return t.w.Set(ctx, toFields(kv))
}
func (t tagWriter) End(ctx context.Context, state string, kv map[string]string) error {
	return t.w.EndWith(ctx, state, toFields(kv))
}

func toFields(m map[string]string) map[tags.Field]string {
	out := make(map[tags.Field]string, len(m))
	for k, v := range m {
		out[tags.Field(k)] = v
	}
	return out
}

// directory adapts members.Directory to ivr.Directory.
type directory struct{ d members.Directory }

func (d directory) Identify(ctx context.Context, memberID, dob []byte) (string, bool, error) {
	return d.d.Identify(ctx, memberID, dob)
}

func (d directory) CheckPIN(ctx context.Context, subject string, pin []byte) (bool, error) {
	return d.d.CheckPIN(ctx, subject, pin)
}

func (d directory) CheckRepCode(ctx context.Context, subject string, code []byte) (ivr.Representative, bool, error) {
	rep, ok, err := d.d.CheckRepCode(ctx, subject, code)
	if rep == nil || !ok || err != nil {
		return ivr.Representative{}, false, err
	}
	return ivr.Representative{ID: rep.ID, Scope: rep.Scope}, true, nil
}

func (d directory) Restrictions(ctx context.Context, subject string) ([]string, error) {
	return d.d.Restrictions(ctx, subject)
}

// evidenceStore adapts *evidence.Store to ivr.Evidence.
type evidenceStore struct{ s *evidence.Store }

func (e evidenceStore) Consent(ctx context.Context, callID string, c ivr.ConsentEvidence) error {
	return e.s.PutConsent(ctx, callID, evidence.Consent{Prompts: c.Prompts, Hashes: c.Hashes, Played: c.Played, Result: c.Result, At: c.At})
}

var (
	_ ivr.TagStore  = tagStore{}
	_ ivr.Directory = directory{}
	_ ivr.Evidence  = evidenceStore{}
)
