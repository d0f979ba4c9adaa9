// Package webtest starts headless Chromium for tests of callgate's web
// pages (chromedp). Chromium is a real peer: without it a test is skipped,
// or failed when CALLGATE_REQUIRE_PEERS=1 (as in CI).
package webtest

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// EnvChromium names the Chromium binary to use instead of looking one up.
const EnvChromium = "CALLGATE_CHROMIUM"

const installHint = "install Chromium (apt-get install -y chromium) or set " + EnvChromium

// chromiumPath finds the browser.
func chromiumPath() string {
	if p := os.Getenv(EnvChromium); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// Browser starts a headless Chromium with a fresh profile and returns a
// chromedp context for one tab, bounded by timeout. Everything stops when
// the test ends.
func Browser(t testing.TB, timeout time.Duration) context.Context {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		if os.Getenv("CALLGATE_REQUIRE_PEERS") == "1" {
			t.Fatalf("no Chromium found: %s", installHint)
		}
		t.Skipf("no Chromium found: %s", installHint)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], //nolint:gocritic // a copy with our flags
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox, // root in CI containers
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, timeout)
	t.Cleanup(func() {
		cancelTimeout()
		cancelTab()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx); err != nil { // starts the browser
		t.Fatalf("start Chromium %s: %v", path, err)
	}
	return ctx
}

// HTML returns the page's whole current DOM as HTML.
func HTML(ctx context.Context) (string, error) {
	return chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS("html")))
}
