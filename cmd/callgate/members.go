package main

import (
	"context"
	"encoding/base64"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/callgate/callgate/routing/members"
	"github.com/callgate/callgate/routing/store"
)

// cmdMembers runs `callgate members import FILE.csv`: it reads the CSV,
// hashes PINs, representative codes and dates of birth (argon2id, keyed)
// and writes the members to Redis. Errors name the CSV line and column,
// never the value.
func cmdMembers(ctx context.Context, args []string, stdout, stderr io.Writer, lookup func(string) (string, bool)) error {
	if len(args) == 0 || args[0] != "import" {
		fmt.Fprintln(stderr, "usage: callgate members import [--config FILE] [--redis-url URL] FILE.csv")
		return errUsage
	}
	fs := flag.NewFlagSet("members import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", "", "config file (for secret_key and redis.url)")
	redisURL := fs.String("redis-url", "", "Redis URL (required: the embedded store does not outlive this command)")
	if err := fs.Parse(args[1:]); err != nil {
		return errUsage
	}
	if err := applyEnv(fs, lookup); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: callgate members import [--config FILE] [--redis-url URL] FILE.csv")
		return errUsage
	}
	var cfg Config
	var err error
	if *cfgPath == "" {
		cfg, err = parseConfig(demoConfig)
	} else {
		cfg, err = loadConfigFile(*cfgPath)
	}
	if err != nil {
		return err
	}
	if *redisURL != "" {
		cfg.Redis.URL = *redisURL
	}
	if cfg.Redis.URL == "" {
		return fmt.Errorf("members import: --redis-url (or redis.url) is required")
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	key, _ := base64.StdEncoding.DecodeString(cfg.SecretKey)
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return fmt.Errorf("members import: %w", err)
	}
	defer f.Close()
	recs, err := members.ParseCSV(f)
	if err != nil {
		return fmt.Errorf("members import: %s: %w", fs.Arg(0), err)
	}
	defer func() {
		for i := range recs {
			recs[i].Wipe()
		}
	}()
	st, err := store.Open(ctx, store.Config{URL: cfg.Redis.URL})
	if err != nil {
		return fmt.Errorf("redis.url: %w", err)
	}
	defer st.Close()
	dir := members.NewRedis(st.Client, key, members.DefaultArgon2Params())
	if err := dir.Err(); err != nil {
		return err
	}
	n, err := dir.Import(ctx, recs)
	if err != nil {
		return fmt.Errorf("members import: %w", err)
	}
	fmt.Fprintf(stdout, "imported %d members into %s\n", n, st.Addr())
	return nil
}
