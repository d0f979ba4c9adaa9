package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/callgate/callgate/audit"
	"github.com/callgate/callgate/flows"
	"github.com/callgate/callgate/flows/demo"
	"github.com/callgate/callgate/media/prompt"
	"github.com/callgate/callgate/routing/flowstore"
	"github.com/callgate/callgate/web"
	"github.com/redis/go-redis/v9"
)

// seedAuthor is the author of versions published at startup.
const seedAuthor = "callgate"

// flowSources reads the bundled flows, or ivr.flows' *.yaml, by file name.
func flowSources(dir string) (map[string][]byte, error) {
	if dir == "" {
		srcs := map[string][]byte{}
		for id, src := range demo.Sources() {
			srcs[id+".yaml"] = src
		}
		return srcs, nil
	}
	paths, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(paths) == 0 {
		return nil, fmt.Errorf("ivr.flows: no *.yaml in %s", dir)
	}
	srcs := map[string][]byte{}
	for _, p := range paths {
		b, err := os.ReadFile(p) //nolint:gosec // the operator's flow directory
		if err != nil {
			return nil, fmt.Errorf("ivr.flows: %w", err)
		}
		srcs[filepath.Base(p)] = b
	}
	return srcs, nil
}

// flowOptions are the checks every flow of this deployment passes: its
// prompts exist, and its verify steps can run here.
// uploaded, when not nil, also accepts prompts admins uploaded.
func flowOptions(sets map[string]*prompt.Set, unavailable map[flows.VerifyStep]string, uploaded func(lang, name string) bool) flows.ValidateOptions {
	bundled := promptExists(sets)
	exists := bundled
	if uploaded != nil {
		exists = func(lang, name string) bool { return bundled(lang, name) || uploaded(lang, name) }
	}
	return flows.ValidateOptions{PromptExists: exists, Unavailable: unavailable}
}

// checkFlowSources validates each source before anything starts: an
// invalid flow stops startup with its line:column errors.
func checkFlowSources(srcs map[string][]byte, opts flows.ValidateOptions) error {
	for _, name := range sortedNames(srcs) {
		if _, err := flows.Load(srcs[name], opts); err != nil {
			return fmt.Errorf("ivr.flows: %s:\n%w", name, err)
		}
	}
	return nil
}

// openFlows builds the flow catalog over the shared store and publishes
// each bundled or configured flow as version 1 where the store has no
// version of it yet (a restart never overwrites what admins published).
// Each seed is in the ledger. It returns the live version of every flow
// the store holds, for startup checks and the queue metrics.
func (a *App) openFlows(ctx context.Context, rdb redis.UniversalClient, srcs map[string][]byte, opts flows.ValidateOptions) ([]*flows.Flow, error) {
	cat, err := flows.NewCatalog(flows.CatalogConfig{Store: flowstore.New(rdb), Validate: opts, OnStoreError: a.flowStoreError})
	if err != nil {
		return nil, err
	}
	a.flows = cat
	fl := flowLedger(a.ledger)
	for _, name := range sortedNames(srcs) {
		res, err := cat.Seed(ctx, srcs[name], seedAuthor, "loaded from "+name+" at startup", time.Now())
		if err != nil {
			return nil, fmt.Errorf("ivr.flows: %s: %w", name, err)
		}
		switch {
		case res.Created:
			a.log.Info("flow published from its file", "flow", res.ID, "flow_version", 1, "file", name)
			if err := fl.Record(ctx, seedAuthor, flows.Change{Record: res.Record}); err != nil {
				return nil, err
			}
		case res.Differs:
			a.log.Warn("flow file differs from the live version in the store; the store wins (publish the file through the admin API to change it)",
				"flow", res.ID, "flow_version", res.Live, "file", name)
		default:
			a.log.Info("flow already published", "flow", res.ID, "flow_version", res.Live)
		}
	}
	ids, err := cat.List(ctx)
	if err != nil {
		return nil, fmt.Errorf("flows: %w", err)
	}
	var live []*flows.Flow
	for _, s := range ids {
		if s.Live == 0 {
			continue
		}
		f, err := cat.Live(ctx, s.ID)
		if err != nil {
			// A version this node cannot run (a prompt it lacks): its calls
			// fail until it is fixed, so say so now.
			a.log.Error("live flow does not load on this node", "flow", s.ID, "flow_version", s.Live, "error", err)
			continue
		}
		live = append(live, f)
	}
	return live, nil
}

// flowStoreError logs and counts a store failure the catalog rode out.
func (a *App) flowStoreError(id, op string, err error) {
	a.log.Warn("flow store unavailable; new calls use the last live version loaded", "flow", id, "op", op, "error", err)
	if a.metrics != nil {
		a.metrics.StoreError("flows_" + op)
	}
}

func sortedNames(m map[string][]byte) []string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

func flowIDs(fs []*flows.Flow) string {
	ids := make([]string, len(fs))
	for i, f := range fs {
		ids[i] = f.ID
	}
	return strings.Join(ids, ",")
}

// docLedger writes the ledger entry of a publish or rollback of a flow
// (flow_publish, detail key "flow") or of the disclosure policy
// (policy_publish, detail key "policy"): who published which version of
// which document, the SHA-256 of the sources before and after, the
// comment, and the version a rollback copied. It adapts *audit.Ledger to
// web.FlowLedger.
type docLedger struct {
	l    *audit.Ledger
	kind audit.Kind
	key  string
}

// flowLedger records flow publications.
func flowLedger(l *audit.Ledger) docLedger {
	return docLedger{l: l, kind: audit.KindFlowPublish, key: "flow"}
}

// policyLedger records disclosure policy publications.
func policyLedger(l *audit.Ledger) docLedger {
	return docLedger{l: l, kind: audit.KindPolicyPublish, key: "policy"}
}

var _ web.FlowLedger = docLedger{}

// entry is the ledger entry for a change.
func (x docLedger) entry(actor string, ch flows.Change) audit.Entry {
	d := map[string]string{
		x.key:          ch.ID,
		"version":      strconv.Itoa(ch.Version),
		"after_sha256": ch.SHA256,
	}
	if ch.Before.Version > 0 {
		d["before_version"] = strconv.Itoa(ch.Before.Version)
		d["before_sha256"] = ch.Before.SHA256
	}
	if ch.Comment != "" {
		d["comment"] = ch.Comment
	}
	if ch.RollbackOf > 0 {
		d["rollback_of"] = strconv.Itoa(ch.RollbackOf)
	}
	return audit.Entry{Kind: x.kind, Actor: actor, Detail: d}
}

// Check reports whether the ledger would take the entry for a change of
// document id by actor with comment, before anything changes.
func (x docLedger) Check(id, actor, comment string) error {
	probe := flows.Change{Record: flows.Record{ID: id, Version: 1, SHA256: flows.SourceSHA256(nil), Comment: comment}}
	return audit.Validate(x.entry(actor, probe))
}

// Record appends the entry for a change.
func (x docLedger) Record(ctx context.Context, actor string, ch flows.Change) error {
	if _, err := x.l.Append(ctx, x.entry(actor, ch)); err != nil {
		return fmt.Errorf("audit: %s %s version %d: %w", x.key, ch.ID, ch.Version, err)
	}
	return nil
}
