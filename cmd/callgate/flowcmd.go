package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/callgate/callgate/flows"
	"github.com/callgate/callgate/flows/demo"
	"github.com/callgate/callgate/media/prompt"
)

const flowUsage = `usage: callgate flow <command>

commands:
  validate FILE...   check flow files; prints LINE:COLUMN: message per problem, exits 1 if any
  list               the bundled flows with their node counts
`

func cmdFlow(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, flowUsage)
		return errUsage
	}
	switch args[0] {
	case "validate":
		return flowValidate(args[1:], stdout, stderr)
	case "list":
		return flowList(stdout)
	}
	fmt.Fprintf(stderr, "callgate flow: unknown command %q\n\n%s", args[0], flowUsage)
	return errUsage
}

// errInvalid makes the command exit 1 after it printed the problems itself.
var errInvalid = errors.New("invalid") //nolint:gochecknoglobals // sentinel

func flowValidate(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("flow validate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	promptDir := fs.String("prompts", "", "prompt directory (<lang>/<name>.wav); default: the bundled prompts")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "usage: callgate flow validate [--prompts DIR] FILE...")
		return errUsage
	}
	sets, err := loadPrompts(*promptDir)
	if err != nil {
		return err
	}
	opts := flows.ValidateOptions{PromptExists: promptExists(sets)}
	bad := false
	for _, path := range fs.Args() {
		src, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("flow validate: %w", err)
		}
		f, err := flows.Load(src, opts)
		var errs flows.Errors
		if errors.As(err, &errs) {
			bad = true
			for _, e := range errs {
				fmt.Fprintf(stdout, "%s:%s\n", path, e.Error())
			}
			continue
		}
		if err != nil {
			return fmt.Errorf("flow validate: %s: %w", path, err)
		}
		fmt.Fprintf(stdout, "%s: ok (flow %s, %d nodes)\n", path, f.ID, len(f.Nodes))
	}
	if bad {
		return errInvalid
	}
	return nil
}

func flowList(stdout io.Writer) error {
	srcs := demo.Sources()
	names := make([]string, 0, len(srcs))
	for n := range srcs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		f, errs := flows.Parse(srcs[n])
		if len(errs) > 0 {
			return fmt.Errorf("bundled flow %s: %w", n, flows.Errors(errs))
		}
		fmt.Fprintf(stdout, "%-20s %3d nodes  %s\n", f.ID, len(f.Nodes), strings.TrimSpace(f.Description))
	}
	return nil
}

// promptExists checks prompt sets by language.
func promptExists(sets map[string]*prompt.Set) func(lang, name string) bool {
	return func(lang, name string) bool {
		s := sets[lang]
		if s == nil {
			return false
		}
		_, ok := s.Get(name)
		return ok
	}
}
