package sip

import (
	"log/slog"
	"os"
	"testing"

	"github.com/emiago/sipgo/sip"
)

func TestMain(m *testing.M) {
	// sipgo logs some events to its package default logger whatever the
	// options say; route it through the redacting handler.
	sip.SetDefaultLogger(LibraryLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))))
	os.Exit(m.Run())
}
