// Package yamlerr finds where a yaml.v3 syntax error is. yaml.v3 reports
// a line only, of the construct the problem is in: 1-based for scanner
// errors, 0-based for parser errors, and none for line 1.
package yamlerr

import (
	"bytes"
	"strconv"
	"strings"
)

// Line returns the 1-based line of err, a yaml.v3 syntax error on src,
// and its message without the "yaml: line N: " prefix.
func Line(err error, src []byte) (line int, msg string) {
	msg = strings.TrimPrefix(err.Error(), "yaml: ")
	line = 1
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		num, text, found := strings.Cut(rest, ": ")
		if n, convErr := strconv.Atoi(num); found && convErr == nil && n > 0 {
			line, msg = n, text
			if isParserProblem(msg) {
				line++
			}
		}
	} else if strings.Contains(msg, "end of stream") {
		line = bytes.Count(src, []byte("\n")) + 1
	}
	return line, msg
}

// isParserProblem reports whether msg is one of yaml.v3's parser (not
// scanner) errors, whose line numbers are 0-based.
func isParserProblem(msg string) bool {
	switch msg {
	case "did not find expected <stream-start>", "did not find expected <document start>",
		"did not find expected node content", "did not find expected '-' indicator",
		"did not find expected key", "did not find expected ',' or ']'",
		"did not find expected ',' or '}'", "found undefined tag handle",
		"found duplicate %YAML directive", "found duplicate %TAG directive",
		"found incompatible YAML document":
		return true
	}
	return false
}
