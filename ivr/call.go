package ivr

import (
	"context"
	"log/slog"

	"github.com/callgate/callgate/media"
	"github.com/callgate/callgate/media/prompt"
)

// Call is what the IVR needs of a call. *sip.Call implements it.
type Call interface {
	CallID() string
	Play(ctx context.Context, p *prompt.Prompt, opts media.PlayOptions) error
	Digits() *media.DigitQueue
	Hangup(ctx context.Context) error
	Logger() *slog.Logger
}
