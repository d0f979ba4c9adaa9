package main

import (
	"flag"
	"fmt"
	"strings"
)

// envName is the environment variable for a flag: CALLGATE_<NAME>.
func envName(flagName string) string {
	return "CALLGATE_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// applyEnv sets every flag not given on the command line from its
// CALLGATE_* variable. Command-line flags win.
func applyEnv(fs *flag.FlagSet, lookup func(string) (string, bool)) error {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if given[f.Name] || err != nil {
			return
		}
		if v, ok := lookup(envName(f.Name)); ok {
			if e := fs.Set(f.Name, v); e != nil {
				err = fmt.Errorf("%s=%q: %w", envName(f.Name), v, e)
			}
		}
	})
	return err
}

// setTracker holds the flags given on the command line or by env.
type setTracker map[string]bool

func track(fs *flag.FlagSet) setTracker {
	t := setTracker{}
	fs.Visit(func(f *flag.Flag) { t[f.Name] = true })
	return t
}
