package prompt

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
)

// wavExt is the file extension LoadFS picks up.
const wavExt = ".wav"

// Set is a named collection of prompts. It is built once by LoadFS and is
// read-only afterwards, so it is safe for concurrent use by any number of
// calls.
type Set struct {
	prompts map[string]*Prompt
	names   []string // sorted
}

// LoadFS decodes every *.wav file directly inside dir of fsys (not
// recursing into subdirectories) into a Set. A prompt's name is its file
// name without ".wav". One bad file fails the whole load with an error that
// names the file; a directory with no .wav files fails with ErrNoPrompts.
func LoadFS(fsys fs.FS, dir string) (*Set, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("load prompts from %q: %w", dir, err)
	}
	s := &Set{prompts: make(map[string]*Prompt)}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), wavExt) {
			continue
		}
		file := path.Join(dir, e.Name())
		p, err := loadFile(fsys, file, strings.TrimSuffix(e.Name(), wavExt))
		if err != nil {
			return nil, fmt.Errorf("load prompt file %q: %w", file, err)
		}
		s.prompts[p.Name] = p
		s.names = append(s.names, p.Name)
	}
	if len(s.names) == 0 {
		return nil, fmt.Errorf("load prompts from %q: %w", dir, ErrNoPrompts)
	}
	slices.Sort(s.names)
	return s, nil
}

// loadFile opens and decodes one prompt file.
func loadFile(fsys fs.FS, file, name string) (p *Prompt, err error) {
	if name == "" {
		return nil, fmt.Errorf("%w: file name %q has nothing before %q", ErrInvalidName, path.Base(file), wavExt)
	}
	f, err := fsys.Open(file)
	if err != nil {
		return nil, err
	}
	defer func() {
		if cerr := f.Close(); cerr != nil && err == nil {
			p, err = nil, fmt.Errorf("close: %w", cerr)
		}
	}()
	return Decode(name, f)
}

// Get returns the prompt called name, and whether it exists.
func (s *Set) Get(name string) (*Prompt, bool) {
	p, ok := s.prompts[name]
	return p, ok
}

// Names returns the names of all prompts in the set, sorted. The slice is a
// copy the caller may modify.
func (s *Set) Names() []string {
	return slices.Clone(s.names)
}

// Len returns the number of prompts in the set.
func (s *Set) Len() int {
	return len(s.names)
}
