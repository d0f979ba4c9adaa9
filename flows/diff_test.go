package flows_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callgate/callgate/flows"
	"github.com/callgate/callgate/flows/demo"
)

func TestUnifiedDiff(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		want string
	}{
		{"same", "a\nb\n", "a\nb\n", ""},
		{"both empty", "", "", ""},
		{"one line changed", "a\nb\nc\n", "a\nB\nc\n",
			"--- old\n+++ new\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n"},
		{"added at the end", "a\n", "a\nb\n",
			"--- old\n+++ new\n@@ -1 +1,2 @@\n a\n+b\n"},
		{"from nothing", "", "a\nb\n",
			"--- old\n+++ new\n@@ -0,0 +1,2 @@\n+a\n+b\n"},
		{"to nothing", "a\n", "",
			"--- old\n+++ new\n@@ -1 +0,0 @@\n-a\n"},
		{"inserted in the middle, context of three", "1\n2\n3\n4\n5\n6\n7\n8\n", "1\n2\n3\n4\nX\n5\n6\n7\n8\n",
			"--- old\n+++ new\n@@ -2,6 +2,7 @@\n 2\n 3\n 4\n+X\n 5\n 6\n 7\n"},
		{"two distant changes, two hunks", lines(1, 20), strings.Replace(strings.Replace(lines(1, 20), "2\n", "two\n", 1), "19\n", "nineteen\n", 1),
			"--- old\n+++ new\n@@ -1,5 +1,5 @@\n 1\n-2\n+two\n 3\n 4\n 5\n@@ -16,5 +16,5 @@\n 16\n 17\n 18\n-19\n+nineteen\n 20\n"},
		{"two near changes, one hunk", lines(1, 12), strings.Replace(strings.Replace(lines(1, 12), "3\n", "three\n", 1), "8\n", "eight\n", 1),
			"--- old\n+++ new\n@@ -1,11 +1,11 @@\n 1\n 2\n-3\n+three\n 4\n 5\n 6\n 7\n-8\n+eight\n 9\n 10\n 11\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := flows.UnifiedDiff("old", "new", []byte(tc.a), []byte(tc.b))
			assert.Equal(t, tc.want, got)
			if got != "" {
				assert.Equal(t, tc.b, patch(t, tc.a, got))
			}
		})
	}
}

// lines returns the numbers from..to, one a line.
func lines(from, to int) string {
	var b strings.Builder
	for i := from; i <= to; i++ {
		b.WriteString(strconv.Itoa(i) + "\n")
	}
	return b.String()
}

func TestUnifiedDiffIsMinimalOnAFlowEdit(t *testing.T) {
	src := string(demo.Sources()["member-services"])
	edited := strings.Replace(src, "    timeout: 5s\n    next: role\n", "    timeout: 7s\n    next: role\n", 1)
	require.NotEqual(t, src, edited)
	d := flows.UnifiedDiff("live", "draft", []byte(src), []byte(edited))
	assert.Equal(t, 1, strings.Count(d, "\n-    "), d)
	assert.Equal(t, 1, strings.Count(d, "\n+    "), d)
	assert.Contains(t, d, "\n-    timeout: 5s\n+    timeout: 7s\n")
	assert.Equal(t, 1, strings.Count(d, "@@ -"), "one hunk")
	assert.Equal(t, edited, patch(t, src, d))
}

// patch applies a unified diff made by UnifiedDiff to a.
func patch(t testing.TB, a, diff string) string {
	t.Helper()
	src := splitKeep(a)
	var out []string
	at := 0 // next line of src not yet copied
	dl := strings.Split(strings.TrimSuffix(diff, "\n"), "\n")
	for i := 2; i < len(dl); i++ {
		l := dl[i]
		if strings.HasPrefix(l, "@@ -") {
			rng := strings.Fields(l)[1][1:]
			startS, lenS, _ := strings.Cut(rng, ",")
			start, err := strconv.Atoi(startS)
			require.NoError(t, err, l)
			if lenS != "0" {
				start-- // 1-based first line; an empty range names the line before
			}
			for at < start {
				out = append(out, src[at])
				at++
			}
			continue
		}
		switch l[0] {
		case ' ':
			require.Equal(t, src[at], l[1:], "context line %d", at+1)
			out = append(out, src[at])
			at++
		case '-':
			require.Equal(t, src[at], l[1:], "removed line %d", at+1)
			at++
		case '+':
			out = append(out, l[1:])
		default:
			t.Fatalf("bad diff line %q", l)
		}
	}
	out = append(out, src[at:]...)
	if len(out) == 0 {
		return ""
	}
	return strings.Join(out, "\n") + "\n"
}

func splitKeep(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

// FuzzUnifiedDiff checks that the diff of any two texts turns the first
// into the second.
func FuzzUnifiedDiff(f *testing.F) {
	src := demo.Sources()["member-services"]
	f.Add(string(src), strings.Replace(string(src), "role", "rule", 3))
	f.Add("a\nb\nc\n", "c\nb\na\n")
	f.Add("", "x\n")
	f.Fuzz(func(t *testing.T, a, b string) {
		// Lines, newline-terminated, as flows are written.
		a, b = normalize(a), normalize(b)
		d := flows.UnifiedDiff("a", "b", []byte(a), []byte(b))
		if a == b {
			if d != "" {
				t.Fatalf("diff of equal texts: %q", d)
			}
			return
		}
		if got := patch(t, a, d); got != b {
			t.Fatalf("patch(a, diff) = %q, want %q\ndiff:\n%s", got, b, d)
		}
	})
}

func normalize(s string) string {
	s = strings.ReplaceAll(s, "\r", "")
	if s != "" && !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	return s
}
