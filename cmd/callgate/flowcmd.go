package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/callgate/callgate/flows"
	"github.com/callgate/callgate/flows/demo"
	"github.com/callgate/callgate/media/prompt"
)

const flowUsage = `usage: callgate flow <command> [flags]

commands:
  validate FILE...          check flow files: LINE:COLUMN: message per problem, exit 1 if any
                            (with --server, as that server would: its prompts and providers)
  list                      the bundled flows; with --server, a running server's flows
  versions ID               a flow's history on the server
  show ID                   a version's source (--version N; default the live one; --draft)
  diff ID                   the server's draft of ID against its live version
  publish ID [FILE]         save FILE as the draft (if given), then publish the draft (--comment C)
  rollback ID --version N   publish a copy of version N (--comment C)

server flags (every command but validate without --server, and list without it):
  --server URL              default $CALLGATE_SERVER or ` + DefaultServer + `; plain http only to this host
  --user NAME --password-env VAR [--totp CODE]   sign in as an admin
  --token-env VAR           or use a session token (the "token" of POST /api/v1/auth/login)
`

func cmdFlow(args []string, stdout, stderr io.Writer) error {
	return runFlow(context.Background(), args, stdout, stderr, os.LookupEnv)
}

func runFlow(ctx context.Context, args []string, stdout, stderr io.Writer, lookup func(string) (string, bool)) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, flowUsage)
		return errUsage
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "validate", "list", "versions", "show", "diff", "publish", "rollback":
	case "help", "-h", "--help":
		fmt.Fprint(stdout, flowUsage)
		return nil
	default:
		fmt.Fprintf(stderr, "callgate flow: unknown command %q\n\n%s", cmd, flowUsage)
		return errUsage
	}
	fs := flag.NewFlagSet("flow "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	var sf serverFlags
	sf.register(fs, lookup)
	promptDir := fs.String("prompts", "", "validate: prompt directory (<lang>/<name>.wav); default the bundled prompts")
	comment := fs.String("comment", "", "publish, rollback: why (one line, no member data)")
	version := fs.Int("version", 0, "rollback: the version to make live again; show: the version to print")
	draft := fs.Bool("draft", false, "show: print the draft")
	pos, err := parseInterleaved(fs, rest)
	if err != nil {
		return errUsage
	}
	server := false
	fs.Visit(func(f *flag.Flag) {
		server = server || f.Name == "server" || f.Name == "user" || f.Name == "token-env"
	})
	switch {
	case cmd == "validate" && !server:
		return flowValidate(pos, *promptDir, stdout, stderr)
	case cmd == "list" && !server:
		return flowList(stdout)
	}
	need := map[string]int{"validate": -1, "list": 0, "versions": 1, "show": 1, "diff": 1, "publish": -2, "rollback": 1}[cmd]
	switch {
	case need >= 0 && len(pos) != need,
		need == -1 && len(pos) == 0,
		need == -2 && (len(pos) < 1 || len(pos) > 2),
		cmd == "rollback" && *version < 1:
		fmt.Fprint(stderr, flowUsage)
		return errUsage
	}
	c, err := sf.connect(ctx, lookup)
	if err != nil {
		return fmt.Errorf("flow %s: %w", cmd, err)
	}
	defer c.close(ctx)
	switch cmd {
	case "validate":
		return flowValidateRemote(ctx, c, pos, stdout)
	case "list":
		return flowListRemote(ctx, c, stdout)
	case "versions":
		return flowVersions(ctx, c, pos[0], stdout)
	case "show":
		return flowShow(ctx, c, pos[0], *version, *draft, stdout)
	case "diff":
		return flowDiff(ctx, c, pos[0], stdout)
	case "publish":
		return flowPublish(ctx, c, pos, *comment, stdout)
	default:
		return flowRollback(ctx, c, pos[0], *version, *comment, stdout)
	}
}

// errInvalid makes the command exit 1 after it printed the problems itself.
var errInvalid = errors.New("invalid") //nolint:gochecknoglobals // sentinel

func flowValidate(paths []string, promptDir string, stdout, stderr io.Writer) error {
	if len(paths) == 0 {
		fmt.Fprintln(stderr, "usage: callgate flow validate [--prompts DIR | --server URL ...] FILE...")
		return errUsage
	}
	sets, err := loadPrompts(promptDir)
	if err != nil {
		return err
	}
	opts := flows.ValidateOptions{PromptExists: promptExists(sets)}
	bad := false
	for _, path := range paths {
		src, err := os.ReadFile(path) //nolint:gosec // the user's file
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

// flowValidateRemote checks files as the server would, saving nothing;
// each file's flow ID is the id in it.
func flowValidateRemote(ctx context.Context, c *flowClient, paths []string, stdout io.Writer) error {
	bad := false
	for _, path := range paths {
		src, err := os.ReadFile(path) //nolint:gosec // the user's file
		if err != nil {
			return fmt.Errorf("flow validate: %w", err)
		}
		f, _ := flows.Parse(src)
		if f == nil || flows.CheckID(f.ID) != nil {
			// Nothing to name the flow by: the local parse says why.
			if err := flowValidate([]string{path}, "", stdout, io.Discard); err != nil {
				bad = true
			}
			continue
		}
		var out struct {
			Valid  bool        `json:"valid"`
			Errors []flowError `json:"errors"`
		}
		if err := c.do(ctx, http.MethodPost, "/api/v1/flows/"+url.PathEscape(f.ID)+"/validate", map[string]string{"source": string(src)}, &out); err != nil {
			return fmt.Errorf("flow validate: %s: %w", path, err)
		}
		if !out.Valid {
			bad = true
			printFlowErrors(stdout, path, out.Errors)
			continue
		}
		fmt.Fprintf(stdout, "%s: ok (flow %s, %d nodes)\n", path, f.ID, len(f.Nodes))
	}
	if bad {
		return errInvalid
	}
	return nil
}

func printFlowErrors(w io.Writer, path string, errs []flowError) {
	for _, e := range errs {
		if e.Line > 0 {
			fmt.Fprintf(w, "%s:%d:%d: %s\n", path, e.Line, e.Column, e.Message)
		} else {
			fmt.Fprintf(w, "%s: %s\n", path, e.Message)
		}
	}
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

func flowListRemote(ctx context.Context, c *flowClient, stdout io.Writer) error {
	var out struct {
		Flows []struct {
			ID          string `json:"id"`
			LiveVersion int    `json:"live_version"`
			Author      string `json:"author"`
			Draft       string `json:"draft"`
			Nodes       int    `json:"nodes"`
		} `json:"flows"`
	}
	if err := c.do(ctx, http.MethodGet, "/api/v1/flows", nil, &out); err != nil {
		return fmt.Errorf("flow list: %w", err)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FLOW\tLIVE\tBY\tDRAFT\tNODES")
	for _, f := range out.Flows {
		live := "-"
		if f.LiveVersion > 0 {
			live = "v" + strconv.Itoa(f.LiveVersion)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\n", f.ID, live, f.Author, f.Draft, f.Nodes)
	}
	return tw.Flush()
}

// apiVersion is a version as the API answers it.
type apiVersion struct {
	ID         string `json:"id"`
	Version    int    `json:"version"`
	Source     string `json:"source"`
	SHA256     string `json:"sha256"`
	Author     string `json:"author"`
	Published  string `json:"published"`
	Comment    string `json:"comment"`
	RollbackOf int    `json:"rollback_of"`
	Before     int    `json:"before_version"`
}

func flowVersions(ctx context.Context, c *flowClient, id string, stdout io.Writer) error {
	var out struct {
		LiveVersion int          `json:"live_version"`
		Versions    []apiVersion `json:"versions"`
	}
	if err := c.do(ctx, http.MethodGet, "/api/v1/flows/"+url.PathEscape(id)+"/versions", nil, &out); err != nil {
		return fmt.Errorf("flow versions: %w", err)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "VERSION\tPUBLISHED\tBY\tSHA-256\tCOMMENT")
	for _, v := range out.Versions {
		mark := ""
		if v.Version == out.LiveVersion {
			mark = " (live)"
		}
		note := v.Comment
		if v.RollbackOf > 0 {
			note += fmt.Sprintf(" [rollback to v%d]", v.RollbackOf)
		}
		fmt.Fprintf(tw, "v%d%s\t%s\t%s\t%s\t%s\n", v.Version, mark, v.Published, v.Author, v.SHA256[:min(12, len(v.SHA256))], note)
	}
	return tw.Flush()
}

func flowShow(ctx context.Context, c *flowClient, id string, version int, draft bool, stdout io.Writer) error {
	path := "/api/v1/flows/" + url.PathEscape(id)
	switch {
	case draft:
		path += "/draft"
	case version > 0:
		path += "?version=" + strconv.Itoa(version)
	}
	var out apiVersion
	if err := c.do(ctx, http.MethodGet, path, nil, &out); err != nil {
		return fmt.Errorf("flow show: %w", err)
	}
	_, err := io.WriteString(stdout, out.Source)
	return err
}

func flowDiff(ctx context.Context, c *flowClient, id string, stdout io.Writer) error {
	var out struct {
		Draft bool   `json:"draft"`
		Diff  string `json:"diff"`
	}
	if err := c.do(ctx, http.MethodGet, "/api/v1/flows/"+url.PathEscape(id)+"/diff", nil, &out); err != nil {
		return fmt.Errorf("flow diff: %w", err)
	}
	switch {
	case !out.Draft:
		fmt.Fprintf(stdout, "%s has no draft\n", id)
	case out.Diff == "":
		fmt.Fprintf(stdout, "the draft of %s is its live version\n", id)
	default:
		_, err := io.WriteString(stdout, out.Diff)
		return err
	}
	return nil
}

// flowPublish saves FILE (when given) as the draft and publishes the
// draft. Problems in the file are printed like validate's, exit 1.
func flowPublish(ctx context.Context, c *flowClient, pos []string, comment string, stdout io.Writer) error {
	id := pos[0]
	base := "/api/v1/flows/" + url.PathEscape(id)
	if len(pos) == 2 {
		src, err := os.ReadFile(pos[1])
		if err != nil {
			return fmt.Errorf("flow publish: %w", err)
		}
		err = c.do(ctx, http.MethodPut, base+"/draft", map[string]string{"source": string(src)}, nil)
		var he *errHTTP
		if errors.As(err, &he) && len(he.errs) > 0 {
			printFlowErrors(stdout, pos[1], he.errs)
			return errInvalid
		}
		if err != nil {
			return fmt.Errorf("flow publish: save the draft: %w", err)
		}
	}
	var out apiVersion
	err := c.do(ctx, http.MethodPost, base+"/publish", map[string]string{"comment": comment}, &out)
	var he *errHTTP
	if errors.As(err, &he) && len(he.errs) > 0 {
		printFlowErrors(stdout, id+" draft", he.errs)
		return errInvalid
	}
	if err != nil {
		return fmt.Errorf("flow publish: %w", err)
	}
	fmt.Fprintf(stdout, "published %s version %d (was %s); new calls use it now\n", out.ID, out.Version, versionWord(out.Before))
	return nil
}

func flowRollback(ctx context.Context, c *flowClient, id string, version int, comment string, stdout io.Writer) error {
	var out apiVersion
	body := map[string]any{"version": version}
	if comment != "" {
		body["comment"] = comment
	}
	if err := c.do(ctx, http.MethodPost, "/api/v1/flows/"+url.PathEscape(id)+"/rollback", body, &out); err != nil {
		return fmt.Errorf("flow rollback: %w", err)
	}
	fmt.Fprintf(stdout, "%s version %d is live: a copy of version %d (was %s)\n", out.ID, out.Version, out.RollbackOf, versionWord(out.Before))
	return nil
}

func versionWord(v int) string {
	if v == 0 {
		return "unpublished"
	}
	return "version " + strconv.Itoa(v)
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
