package flows_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/callgate/callgate/flows"
	"github.com/callgate/callgate/flows/demo"
	"github.com/stretchr/testify/require"
)

// FuzzParse checks that Parse, Validate and OpenAt never panic, that every
// error has a message (and a parse error a position), and that a flow with
// no errors publishes. Seeds are large YAML documents, so pass
// -fuzzminimizetime=5s or so: minimizing one at the default 60s budget
// leaves little of a short run for fuzzing.
func FuzzParse(f *testing.F) {
	for _, src := range demo.Sources() {
		f.Add(src)
	}
	broken, err := os.ReadFile(filepath.Join("testdata", "broken.yaml"))
	require.NoError(f, err)
	f.Add(broken)
	f.Add([]byte("id: t\nentry: a\nnodes:\n  a: {kind: branch, hours: {weekly: {mon-fri: 08:00-17:00}}, open: a, closed: a}\n"))
	f.Add([]byte("id: &x t\nentry: *x\n"))
	f.Add([]byte("- a\n---\nb: c\n"))

	at := time.Date(2026, 6, 10, 16, 0, 0, 0, time.UTC)
	opts := testOptions()
	f.Fuzz(func(t *testing.T, src []byte) {
		fl, parseErrs := flows.Parse(src)
		for _, e := range parseErrs {
			if e.Message == "" || e.Line < 1 || e.Column < 1 {
				t.Fatalf("parse error without message or position: %#v", e)
			}
		}
		if fl == nil {
			if len(parseErrs) == 0 {
				t.Fatal("nil flow without errors")
			}
			return
		}
		errs := flows.Validate(fl, opts)
		for _, e := range errs {
			if e.Message == "" {
				t.Fatalf("validation error without message: %#v", e)
			}
		}
		for _, n := range fl.Nodes {
			if n != nil && n.Hours != nil {
				_, _ = n.Hours.OpenAt(at, time.UTC)
			}
		}
		if len(parseErrs) > 0 || len(errs) > 0 {
			return
		}
		// A flow that loads publishes, and its copy validates the same.
		if _, err := flows.NewRegistry().Publish(fl, "fuzz", "", at); err != nil {
			t.Fatalf("a flow that loads does not publish: %v", err)
		}
	})
}

func BenchmarkLoadMemberServices(b *testing.B) {
	src := demo.Sources()["member-services"]
	opts := testOptions()
	b.ReportAllocs()
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, err := flows.Load(src, opts); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkValidateMemberServices(b *testing.B) {
	f, err := flows.Load(demo.Sources()["member-services"], testOptions())
	require.NoError(b, err)
	opts := testOptions()
	b.ReportAllocs()
	for b.Loop() {
		if errs := flows.Validate(f, opts); len(errs) > 0 {
			b.Fatal(flows.Errors(errs))
		}
	}
}
