package ivr

import "errors"

// ErrMissingPrompt is returned when an application needs a prompt the prompt set lacks.
var ErrMissingPrompt = errors.New("ivr: missing prompt")
