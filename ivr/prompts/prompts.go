// Package prompts bundles callgate's stock IVR prompts.
//
// The WAV files under en/ and es/ are rendered by render.sh (espeak-ng and
// sox) as 8 kHz mono 16-bit PCM and embedded into the binary, so a server
// needs no prompt files on disk. Edit the texts in render.sh and re-run it
// to change them.
package prompts

import (
	"embed"
	"fmt"

	"github.com/callgate/callgate/media/prompt"
)

// FS holds the bundled prompt files: en/NAME.wav and es/NAME.wav.
//
//go:embed en/*.wav es/*.wav
var FS embed.FS //nolint:gochecknoglobals // embedded assets

// Languages lists the bundled languages; each is a directory of FS.
func Languages() []string {
	return []string{"en", "es"}
}

// Load decodes every bundled prompt and returns one set per language,
// keyed by language code ("en", "es"). Call it once at startup and share
// the result: the sets are read-only.
func Load() (map[string]*prompt.Set, error) {
	sets := make(map[string]*prompt.Set, len(Languages()))
	for _, lang := range Languages() {
		set, err := prompt.LoadFS(FS, lang)
		if err != nil {
			return nil, fmt.Errorf("load bundled %q prompts: %w", lang, err)
		}
		sets[lang] = set
	}
	return sets, nil
}
