// Command callgate is the callgate server and its tools.
//
//	callgate serve [flags]   run the server (SIP, RTP, HTTP)
//	callgate dial URI [flags] place a test call, send DTMF, record what it hears
//	callgate version
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/callgate/callgate/audit"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev" //nolint:gochecknoglobals // build stamp

const usage = `usage: callgate <command> [flags]

commands:
  serve     run the server (SIP on UDP+TCP, RTP, HTTP /metrics /healthz /readyz)
  dial      place a SIP call, send a DTMF script, record and time what it hears
  load      place many calls on loopback and report latencies and server cost
  flow      validate, list, diff, publish and roll back call flows
  members   import members into Redis (members import FILE.csv)
  audit     verify the disclosure ledger's hash chain (audit verify FILE)
  version   print the version

Run "callgate <command> -h" for the command's flags.
`

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	if len(args) == 0 {
		fmt.Fprint(os.Stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "serve":
		err = cmdServe(args[1:])
	case "dial":
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		err = cmdDial(ctx, args[1:], os.Stdout)
	case "load":
		err = cmdLoad(args[1:], os.Stdout)
	case "audit":
		if len(args) < 2 || args[1] != "verify" {
			fmt.Fprintln(os.Stderr, "usage: callgate audit verify FILE...")
			return 2
		}
		return audit.VerifyCommand(args[2:], os.Stdout, os.Stderr)
	case "flow":
		err = cmdFlow(args[1:], os.Stdout, os.Stderr)
	case "members":
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		err = cmdMembers(ctx, args[1:], os.Stdout, os.Stderr, os.LookupEnv)
	case "version", "--version", "-v":
		fmt.Println("callgate", version)
	case "help", "-h", "--help":
		fmt.Print(usage)
	default:
		fmt.Fprintf(os.Stderr, "callgate: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	if err != nil {
		if errors.Is(err, errUsage) {
			return 2
		}
		if errors.Is(err, errInvalid) {
			return 1 // the command printed the problems
		}
		fmt.Fprintln(os.Stderr, "callgate:", err)
		return 1
	}
	return 0
}

var errUsage = errors.New("usage") //nolint:gochecknoglobals // sentinel
