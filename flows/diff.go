package flows

import (
	"fmt"
	"strings"
)

// diffContext is how many unchanged lines a hunk shows around a change.
const diffContext = 3

// maxDiffCells bounds the LCS table (rows x columns of the part of the
// two texts between their common prefix and suffix). Beyond it the middle
// is reported as removed and added whole: still a correct diff, not a
// minimal one. Flows are a few hundred lines; 4M cells is 16 MiB.
const maxDiffCells = 4 << 20

// diffOp is one line of an edit script.
type diffOp struct {
	kind byte // ' ', '-' or '+'
	a, b int  // 0-based line in a and in b (the one that applies)
}

// UnifiedDiff returns the unified diff (diff -u style, 3 lines of
// context) that turns a into b, line by line, with aName and bName in its
// header; "" when they are the same. It computes a longest common
// subsequence of lines, after trimming the common prefix and suffix, so
// the diff is minimal for any pair of flows (see maxDiffCells). Lines are
// compared exactly; a missing final newline is not marked.
func UnifiedDiff(aName, bName string, a, b []byte) string {
	al, bl := splitLines(string(a)), splitLines(string(b))
	ops := diffLines(al, bl)
	changed := false
	for _, op := range ops {
		changed = changed || op.kind != ' '
	}
	if !changed {
		return ""
	}
	var out strings.Builder
	fmt.Fprintf(&out, "--- %s\n+++ %s\n", aName, bName)
	for _, h := range hunks(ops) {
		writeHunk(&out, ops[h[0]:h[1]], al, bl)
	}
	return out.String()
}

// splitLines splits s into lines without their newlines (a final newline
// does not start another line).
func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

// diffLines returns an edit script from a to b.
func diffLines(a, b []string) []diffOp {
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	ops := make([]diffOp, 0, len(a)+len(b))
	for i := range pre {
		ops = append(ops, diffOp{' ', i, i})
	}
	ops = append(ops, lcsOps(a[pre:len(a)-suf], b[pre:len(b)-suf], pre, pre)...)
	for i := range suf {
		ops = append(ops, diffOp{' ', len(a) - suf + i, len(b) - suf + i})
	}
	return ops
}

// lcsOps diffs the middle parts a and b (starting at lines offA, offB of
// the texts) by a longest common subsequence table; removals come before
// additions within a change.
func lcsOps(a, b []string, offA, offB int) []diffOp {
	n, m := len(a), len(b)
	var ops []diffOp
	if n == 0 || m == 0 || n*m > maxDiffCells {
		for i := range n {
			ops = append(ops, diffOp{'-', offA + i, offB})
		}
		for j := range m {
			ops = append(ops, diffOp{'+', offA + n, offB + j})
		}
		return ops
	}
	// lcs[i*(m+1)+j] is the LCS length of a[i:] and b[j:].
	lcs := make([]int32, (n+1)*(m+1))
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			switch {
			case a[i] == b[j]:
				lcs[i*(m+1)+j] = lcs[(i+1)*(m+1)+j+1] + 1
			default:
				lcs[i*(m+1)+j] = max(lcs[(i+1)*(m+1)+j], lcs[i*(m+1)+j+1])
			}
		}
	}
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && a[i] == b[j]:
			ops = append(ops, diffOp{' ', offA + i, offB + j})
			i++
			j++
		case j == m || i < n && lcs[(i+1)*(m+1)+j] >= lcs[i*(m+1)+j+1]:
			ops = append(ops, diffOp{'-', offA + i, offB + j})
			i++
		default:
			ops = append(ops, diffOp{'+', offA + i, offB + j})
			j++
		}
	}
	return ops
}

// hunks returns [start, end) ranges of ops, each a run of changes with up
// to diffContext unchanged lines around it; changes closer than twice that
// share a hunk.
func hunks(ops []diffOp) [][2]int {
	var out [][2]int
	for i := 0; i < len(ops); {
		if ops[i].kind == ' ' {
			i++
			continue
		}
		start := max(0, i-diffContext)
		end := i
		for end < len(ops) {
			if ops[end].kind != ' ' {
				end++
				continue
			}
			run := end
			for run < len(ops) && ops[run].kind == ' ' {
				run++
			}
			if run == len(ops) || run-end > 2*diffContext {
				end = min(end+diffContext, len(ops))
				break
			}
			end = run
		}
		out = append(out, [2]int{start, end})
		i = end
	}
	return out
}

// writeHunk writes one hunk: its @@ header and lines.
func writeHunk(out *strings.Builder, ops []diffOp, a, b []string) {
	aStart, bStart := ops[0].a, ops[0].b
	aLen, bLen := 0, 0
	for _, op := range ops {
		if op.kind != '+' {
			aLen++
		}
		if op.kind != '-' {
			bLen++
		}
	}
	fmt.Fprintf(out, "@@ -%s +%s @@\n", hunkRange(aStart, aLen), hunkRange(bStart, bLen))
	for _, op := range ops {
		switch op.kind {
		case '+':
			out.WriteString("+" + b[op.b] + "\n")
		case '-':
			out.WriteString("-" + a[op.a] + "\n")
		default:
			out.WriteString(" " + a[op.a] + "\n")
		}
	}
}

// hunkRange formats a hunk's start line (1-based; for an empty range the
// line before it, as diff -u does) and length.
func hunkRange(start, n int) string {
	switch n {
	case 0:
		return fmt.Sprintf("%d,0", start)
	case 1:
		return fmt.Sprintf("%d", start+1)
	default:
		return fmt.Sprintf("%d,%d", start+1, n)
	}
}
