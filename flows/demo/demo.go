// Package demo bundles the demo call flows (member-services and
// pharmacy-refill) as YAML, for `make run`, tests and as examples for
// admins.
package demo

import (
	"embed"
	"io/fs"
	"strings"
)

// files holds the demo flows.
//
//go:embed *.yaml
var files embed.FS //nolint:gochecknoglobals // embedded assets

// Sources returns each demo flow's YAML keyed by flow ID (the file name
// without .yaml). The slices are fresh copies the caller may keep.
func Sources() map[string][]byte {
	entries, err := fs.ReadDir(files, ".")
	if err != nil {
		return nil
	}
	out := make(map[string][]byte, len(entries))
	for _, e := range entries {
		src, err := files.ReadFile(e.Name())
		if err != nil {
			continue
		}
		out[strings.TrimSuffix(e.Name(), ".yaml")] = src
	}
	return out
}
