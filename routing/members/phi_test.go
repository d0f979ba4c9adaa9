package members

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRedisHoldsNoPHIInClear dumps every key and hash value an import
// writes and checks that member IDs, DOBs, PINs and representative codes
// appear nowhere, and that names and the display DOB appear only as the
// record's display content (f:name, f:dob, rep:<n>:name).
func TestRedisHoldsNoPHIInClear(t *testing.T) {
	for _, b := range redisBackends() {
		t.Run(b.name, func(t *testing.T) {
			rdb := b.client(t)
			r := newDemoRedis(t, rdb)
			ctx := context.Background()
			keys := scanKeys(t, rdb, r.prefix)
			require.Len(t, keys, len(demoPeople), "one hash per member, nothing else")

			display := map[string]int{} // "field=value" of display content seen
			for _, key := range keys {
				assert.Regexp(t, "^"+regexp.QuoteMeta(r.prefix)+`member:m_[a-z2-7]{26}$`, key)
				m, err := rdb.HGetAll(ctx, key).Result()
				require.NoError(t, err)
				for field, value := range m {
					for _, p := range demoPeople {
						for _, s := range append(p.secrets(), p.name, p.repName) {
							assert.NotContains(t, key, s, "key")
							assert.NotContains(t, field, s, "field name")
						}
						// Never anywhere, display content included.
						for _, s := range []string{p.id, p.dob, p.pin, p.repCode} {
							assert.NotContains(t, value, s, "value of %s", field)
						}
						for _, s := range []string{p.dobDisplay, p.name} {
							if strings.Contains(value, s) {
								display[field+"="+s]++
								assert.True(t, strings.HasPrefix(field, hfFieldPrefix), "%s holds a name or display DOB", field)
							}
						}
						if strings.Contains(value, p.repName) {
							assert.Regexp(t, `^rep:\d+:name$`, field)
						}
					}
				}
			}
			for _, p := range demoPeople {
				assert.Equal(t, 1, display["f:dob="+p.dobDisplay], "display DOB of %s under f:dob", p.name)
				assert.Equal(t, 1, display["f:name="+p.name], "name of %s under f:name", p.name)
			}
			assert.Len(t, display, 2*len(demoPeople), "names and display DOBs appear nowhere else")
		})
	}
}

// TestErrorsHoldNoPHI runs every failure path with PHI in its input and
// checks the error text.
func TestErrorsHoldNoPHI(t *testing.T) {
	ctx := context.Background()
	static := newDemoStatic(t)
	rdb, mr := miniRedisClient(t)
	r := newDemoRedis(t, rdb)

	corrupt := func(field, value string) *Redis {
		t.Helper()
		rdb, _ := miniRedisClient(t)
		r := newDemoRedis(t, rdb)
		require.NoError(t, rdb.HSet(ctx, r.keyOf(maria.subject()), field, value).Err())
		return r
	}
	const header = "member_id,name,dob,pin,phone,address,plan,appointments,balance,claims,prescriptions,lab_results,restrictions,rep_name,rep_relationship,rep_code,rep_scope\n"
	row := func(id, name, dob, pin, restr, repName, repRel, repCode, repScope string) string {
		return strings.Join([]string{id, name, dob, pin, "+1 217 555 0117", "1 Main St", "Gold", "", "", "", "", "", restr, repName, repRel, repCode, repScope}, ",") + "\n"
	}
	parse := func(rows ...string) func() error {
		return func() error {
			_, err := ParseCSV(strings.NewReader(header + strings.Join(rows, "")))
			return err
		}
	}
	good := row(maria.id, maria.name, maria.dob, maria.pin, "", maria.repName, "spouse", maria.repCode, "scheduling")
	badRecord := func(mut func(*Record)) []Record {
		recs := demoCSVRecords(t)
		mut(&recs[0])
		return recs
	}
	closed := redis.NewClient(&redis.Options{Addr: mr.Addr()})
	require.NoError(t, closed.Close())
	closedDir := NewRedis(closed, testKey, testParams)

	tests := []struct {
		name    string
		run     func() error
		wantErr error
		phi     []string // besides the demo table's secrets and names
	}{
		{"CSV bad member ID", parse(row("1000123X", maria.name, maria.dob, maria.pin, "", "", "", "", "")), ErrInvalidRecord, []string{"1000123X"}},
		{"CSV short DOB", parse(row(maria.id, maria.name, "0412198", maria.pin, "", "", "", "", "")), ErrInvalidRecord, []string{"0412198"}},
		{"CSV impossible DOB", parse(row(maria.id, maria.name, "13451980", maria.pin, "", "", "", "", "")), ErrInvalidRecord, []string{"13451980", "1345"}},
		{"CSV long PIN", parse(row(maria.id, maria.name, maria.dob, "43210", "", "", "", "", "")), ErrInvalidRecord, []string{"43210"}},
		{"CSV bad name", parse(row(maria.id, "Maria\x01Lopez", maria.dob, maria.pin, "", "", "", "", "")), ErrInvalidRecord, []string{"Maria"}},
		{"CSV bad restriction", parse(row(maria.id, maria.name, maria.dob, maria.pin, "No Family", "", "", "", "")), ErrInvalidRecord, []string{"No Family"}},
		{"CSV long representative code", parse(row(maria.id, maria.name, maria.dob, maria.pin, "", maria.repName, "spouse", "77889", "scheduling")), ErrInvalidRecord, []string{"77889"}},
		{"CSV incomplete representative", parse(row(maria.id, maria.name, maria.dob, maria.pin, "", maria.repName, "", "", "")), ErrInvalidRecord, nil},
		{"CSV continuation row with another DOB", parse(good, row(maria.id, "", "04121981", "", "", "", "", "", "")), ErrInvalidRecord, []string{"04121981"}},
		{"CSV duplicate representative code", parse(good, row(maria.id, "", "", "", "", "Eva Lopez", "sister", maria.repCode, "billing")), ErrInvalidRecord, []string{"Eva Lopez"}},
		{"CSV data row as header", func() error { _, err := ParseCSV(strings.NewReader(good)); return err }, ErrInvalidCSV, nil},
		{"CSV bad quoting", parse(maria.id + `,"Maria "Lopez",` + maria.dob + "\n"), ErrInvalidCSV, nil},
		{"CSV short row", parse(maria.id + "," + maria.name + "," + maria.dob + "\n"), ErrInvalidCSV, nil},
		{"NewStatic bad DOB", func() error {
			_, err := NewStatic(testKey, badRecord(func(r *Record) { r.DOB = []byte("19800412") }), testParams)
			return err
		}, ErrInvalidRecord, []string{"19800412"}},
		{"NewStatic bad field name", func() error {
			_, err := NewStatic(testKey, badRecord(func(r *Record) { r.Fields["SSN 123-45-6789"] = "x" }), testParams)
			return err
		}, ErrInvalidRecord, []string{"SSN", "123-45-6789"}},
		{"NewStatic duplicate member", func() error {
			recs := demoCSVRecords(t)
			_, err := NewStatic(testKey, append(recs, recs[0]), testParams)
			return err
		}, ErrDuplicateMember, nil},
		{"Import bad PIN", func() error {
			_, err := r.Import(ctx, badRecord(func(r *Record) { r.PIN = []byte("43x1") }))
			return err
		}, ErrInvalidRecord, []string{"43x1"}},
		{"Static CheckPIN with a member ID as subject", func() error {
			_, err := static.CheckPIN(ctx, maria.id, []byte(maria.pin))
			return err
		}, ErrNotFound, nil},
		{"Static Record with a member ID as subject", func() error {
			_, err := static.Record(ctx, maria.id)
			return err
		}, ErrNotFound, nil},
		{"Redis CheckPIN with a member ID as subject", func() error {
			_, err := r.CheckPIN(ctx, maria.id, []byte(maria.pin))
			return err
		}, ErrNotFound, nil},
		{"Redis CheckRepCode with a member ID as subject", func() error {
			_, _, err := r.CheckRepCode(ctx, maria.id, []byte(maria.repCode))
			return err
		}, ErrNotFound, nil},
		{"Redis Identify, server gone", func() error {
			_, _, err := closedDir.Identify(ctx, []byte(maria.id), []byte(maria.dob))
			return err
		}, redis.ErrClosed, nil},
		{"Redis CheckPIN, server gone", func() error {
			_, err := closedDir.CheckPIN(ctx, maria.subject(), []byte(maria.pin))
			return err
		}, redis.ErrClosed, nil},
		{"Redis Identify, corrupt DOB hash", func() error {
			_, _, err := corrupt(hfDOBHash, "$argon2id$v=19$m=64,t=1,p=1$"+maria.dob+"$"+maria.pin).Identify(ctx, []byte(maria.id), []byte(maria.dob))
			return err
		}, ErrCorrupt, nil},
		{"Redis CheckPIN, corrupt PIN hash", func() error {
			_, err := corrupt(hfPINHash, maria.pin).CheckPIN(ctx, maria.subject(), []byte(maria.pin))
			return err
		}, ErrCorrupt, nil},
		{"Redis CheckRepCode, corrupt code hash", func() error {
			_, _, err := corrupt("rep:0:code_hash", maria.repCode).CheckRepCode(ctx, maria.subject(), []byte(maria.repCode))
			return err
		}, ErrCorrupt, nil},
		{"Redis Identify, short key", func() error {
			_, _, err := NewRedis(rdb, []byte(maria.id), testParams).Identify(ctx, []byte(maria.id), []byte(maria.dob))
			return err
		}, ErrInvalidKey, nil},
		{"Identify, context cancelled", func() error {
			cctx, cancel := context.WithCancel(ctx)
			cancel()
			_, _, err := static.Identify(cctx, []byte(maria.id), []byte(maria.dob))
			return err
		}, context.Canceled, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.run()
			require.ErrorIs(t, err, tt.wantErr)
			msg := err.Error()
			phi := slices.Clone(tt.phi)
			for _, p := range demoPeople {
				phi = append(phi, p.secrets()...)
				phi = append(phi, p.name, p.repName)
			}
			for _, s := range phi {
				assert.NotContains(t, msg, s)
			}
		})
	}
}

// TestIdentifySameWork proves that an unknown member ID and a wrong DOB
// return the same thing after the same work: one argon2id verification
// (against the dummy hash for the unknown ID). Timing is not asserted.
func TestIdentifySameWork(t *testing.T) {
	rdb, _ := miniRedisClient(t)
	s := newDemoStatic(t)
	r := newDemoRedis(t, rdb)
	backends := []struct {
		name string
		d    Directory
		h    *hasher
	}{{"static", s, s.h}, {"redis", r, r.h}}
	tests := []struct {
		name    string
		id, dob string
		wantOK  bool
	}{
		{"unknown ID", "99999999", maria.dob, false},
		{"wrong DOB", maria.id, "04121981", false},
		{"right ID and DOB", maria.id, maria.dob, true},
	}
	for _, b := range backends {
		for _, tt := range tests {
			t.Run(b.name+"/"+tt.name, func(t *testing.T) {
				before := b.h.verifies.Load()
				subject, ok, err := b.d.Identify(context.Background(), []byte(tt.id), []byte(tt.dob))
				require.NoError(t, err)
				assert.Equal(t, int64(1), b.h.verifies.Load()-before, "argon2id verifications")
				assert.Equal(t, tt.wantOK, ok)
				if !tt.wantOK {
					assert.Empty(t, subject)
				}
			})
		}
	}
}

// TestRepCodeAlwaysVerifies proves a member without representatives still
// costs one verification, and one with several costs one per representative.
func TestRepCodeAlwaysVerifies(t *testing.T) {
	recs := demoCSVRecords(t)
	recs[0].Representatives = nil
	recs[1].Representatives = append(recs[1].Representatives, RepRecord{
		Name: "Ben Carter", Relationship: "son", Code: []byte("5566"), Scope: []string{"billing"},
	})
	s, err := NewStatic(testKey, recs, testParams)
	require.NoError(t, err)
	tests := []struct {
		name    string
		subject string
		code    string
		wantOK  bool
		want    int64
	}{
		{"no representatives", maria.subject(), maria.repCode, false, 1},
		{"two representatives, first matches", james.subject(), james.repCode, true, 2},
		{"two representatives, second matches", james.subject(), "5566", true, 2},
		{"two representatives, none matches", james.subject(), "0000", false, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := s.h.verifies.Load()
			_, ok, err := s.CheckRepCode(context.Background(), tt.subject, []byte(tt.code))
			require.NoError(t, err)
			assert.Equal(t, tt.wantOK, ok)
			assert.Equal(t, tt.want, s.h.verifies.Load()-before)
		})
	}
}

// TestDigitsStayWithTheCaller proves the directories neither modify nor
// keep the caller's digit slices, so Wipe after the call is safe.
func TestDigitsStayWithTheCaller(t *testing.T) {
	recs := demoCSVRecords(t)
	s, err := NewStatic(testKey, recs, testParams)
	require.NoError(t, err)
	for i := range recs {
		recs[i].Wipe()
	}
	assert.Equal(t, make([]byte, MemberIDDigits), recs[0].MemberID, "Record.Wipe zeroes the member ID")
	assert.Equal(t, make([]byte, RepCodeDigits), recs[0].Representatives[0].Code, "Record.Wipe zeroes representative codes")

	ctx := context.Background()
	id, dob, pin := []byte(maria.id), []byte(maria.dob), []byte(maria.pin)
	subject, ok, err := s.Identify(ctx, id, dob)
	require.NoError(t, err)
	require.True(t, ok, "the directory works after the records were wiped")
	assert.Equal(t, maria.id, string(id), "Identify leaves the member ID as it was")
	assert.Equal(t, maria.dob, string(dob), "Identify leaves the DOB as it was")
	ok, err = s.CheckPIN(ctx, subject, pin)
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, maria.pin, string(pin))

	for _, b := range [][]byte{id, dob, pin} {
		Wipe(b)
		assert.Equal(t, make([]byte, len(b)), b)
	}
	_, ok, err = s.Identify(ctx, []byte(maria.id), []byte(maria.dob))
	require.NoError(t, err)
	assert.True(t, ok, "wiping the caller's slices does not touch the directory")
}

// TestPackageNeverLogs checks the non-test sources: no logging or printing
// (so no PHI in logs), no panics, and secrets compared only in constant
// time (no bytes.Equal / bytes.Compare).
func TestPackageNeverLogs(t *testing.T) {
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	forbiddenImports := map[string]bool{`"log"`: true, `"log/slog"`: true, `"os"`: true}
	forbiddenCalls := map[string]bool{
		"fmt.Print": true, "fmt.Printf": true, "fmt.Println": true,
		"fmt.Fprint": true, "fmt.Fprintf": true, "fmt.Fprintln": true,
		"bytes.Equal": true, "bytes.Compare": true,
		"panic": true, "print": true, "println": true,
	}
	fset := token.NewFileSet()
	checked := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		checked++
		f, err := parser.ParseFile(fset, name, nil, 0)
		require.NoError(t, err)
		for _, imp := range f.Imports {
			assert.False(t, forbiddenImports[imp.Path.Value], "%s imports %s", name, imp.Path.Value)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			var fn string
			switch f := call.Fun.(type) {
			case *ast.Ident:
				fn = f.Name
			case *ast.SelectorExpr:
				if x, ok := f.X.(*ast.Ident); ok {
					fn = x.Name + "." + f.Sel.Name
				}
			}
			assert.False(t, forbiddenCalls[fn], "%s: %s calls %s", name, fset.Position(call.Pos()), fn)
			return true
		})
	}
	assert.Greater(t, checked, 5)
}
