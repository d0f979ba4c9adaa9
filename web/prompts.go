package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/callgate/callgate/flows"
	"github.com/callgate/callgate/routing/agents"
)

// maxPromptUpload bounds an uploaded WAV (a minute of 48 kHz stereo is
// 11 MiB; prompts are seconds long).
const maxPromptUpload = 16 << 20

// ErrInvalidAudio means an uploaded prompt is not audio callgate can use;
// the answer says why (422).
var ErrInvalidAudio = errors.New("web: invalid audio")

// PromptVersion is one stored version of an uploaded prompt.
type PromptVersion struct {
	Lang    string  `json:"lang"`
	Name    string  `json:"name"`
	Version int     `json:"version"`
	SHA256  string  `json:"sha256"`
	Author  string  `json:"author"`
	At      string  `json:"at"`
	Comment string  `json:"comment,omitempty"`
	Seconds float64 `json:"seconds"`
}

// PromptAdmin stores uploaded prompts. Upload converts and validates the
// audio; an error wrapping ErrInvalidAudio is the uploader's to fix, and
// its message (which never quotes the audio) is shown to them.
type PromptAdmin interface {
	List(ctx context.Context) (bundled map[string][]string, uploaded []PromptVersion, err error)
	Upload(ctx context.Context, lang, name string, wav []byte, author, comment string) (PromptVersion, error)
	Versions(ctx context.Context, lang, name string) ([]PromptVersion, error)
	Audio(ctx context.Context, lang, name string) ([]byte, bool, error)
}

// PromptLedger records prompt uploads (who, which, version, sha256).
type PromptLedger func(ctx context.Context, actor string, v PromptVersion) error

// WithPrompts serves the prompt routes (admins) from a, recording each
// upload with l before it is answered.
func WithPrompts(a PromptAdmin, l PromptLedger) Option {
	return func(s *Server) error {
		if a == nil || l == nil {
			return fmt.Errorf("%w: prompt admin and ledger are required", ErrInvalidConfig)
		}
		s.prompts, s.promptLedger = a, l
		return nil
	}
}

// promptRoutes registers the prompt routes.
func (s *Server) promptRoutes(mux *http.ServeMux) {
	mux.Handle("GET /api/v1/prompts", s.authed(s.handlePromptList, true, agents.RoleAdmin))
	mux.Handle("PUT /api/v1/prompts/{lang}/{name}", s.authed(s.handlePromptUpload, true, agents.RoleAdmin))
	mux.Handle("GET /api/v1/prompts/{lang}/{name}/versions", s.authed(s.handlePromptVersions, true, agents.RoleAdmin))
	mux.Handle("GET /api/v1/prompts/{lang}/{name}/audio", s.authed(s.handlePromptAudio, true, agents.RoleAdmin))
}

func (s *Server) promptsOr503(w http.ResponseWriter) bool {
	if s.prompts == nil {
		s.writeError(w, fmt.Errorf("%w: no prompt store", ErrUnavailable))
		return false
	}
	return true
}

// handlePromptList answers the bundled prompt names by language and the
// live uploaded versions.
func (s *Server) handlePromptList(w http.ResponseWriter, r *http.Request, _ principal) {
	if !s.promptsOr503(w) {
		return
	}
	bundled, uploaded, err := s.prompts.List(r.Context())
	if err != nil {
		s.writeError(w, fmt.Errorf("%w: %w", ErrUnavailable, err))
		return
	}
	if uploaded == nil {
		uploaded = []PromptVersion{}
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"bundled": bundled, "uploaded": uploaded})
}

// handlePromptUpload takes a WAV body (audio/wav or audio/x-wav), with an
// optional ?comment=, converts it to 8 kHz mono and publishes it as the
// next version of the prompt: new calls hear it at once on every node.
func (s *Server) handlePromptUpload(w http.ResponseWriter, r *http.Request, p principal) {
	if !s.promptsOr503(w) {
		return
	}
	ct := strings.ToLower(strings.TrimSpace(strings.Split(r.Header.Get("Content-Type"), ";")[0]))
	if ct != "audio/wav" && ct != "audio/x-wav" && ct != "audio/wave" {
		s.writeError(w, fmt.Errorf("%w: want audio/wav", ErrUnsupportedMediaType))
		return
	}
	wav, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxPromptUpload))
	if err != nil {
		s.writeJSON(w, http.StatusRequestEntityTooLarge, errorBody{Error: fmt.Sprintf("a prompt upload is at most %d MiB", maxPromptUpload>>20)})
		return
	}
	comment := r.URL.Query().Get("comment")
	if err := flows.CheckComment(comment); err != nil { // it goes to the ledger
		s.writeError(w, err)
		return
	}
	lang, name := r.PathValue("lang"), r.PathValue("name")
	v, err := s.prompts.Upload(r.Context(), lang, name, wav, p.username, comment)
	if err != nil {
		if errors.Is(err, ErrInvalidAudio) {
			s.log.InfoContext(r.Context(), "prompt upload refused", "username", p.username, "lang", lang, "name", name, "error", err)
			s.writeJSON(w, http.StatusUnprocessableEntity, errorBody{Error: strings.TrimPrefix(err.Error(), ErrInvalidAudio.Error()+": ")})
			return
		}
		s.log.ErrorContext(r.Context(), "prompt upload", "username", p.username, "error", err)
		s.writeError(w, fmt.Errorf("%w: %w", ErrUnavailable, err))
		return
	}
	if err := s.promptLedger(r.Context(), p.username, v); err != nil {
		s.log.ErrorContext(r.Context(), "prompt upload not in the ledger", "username", p.username, "lang", lang, "name", name, "version", v.Version, "error", err)
		s.writeError(w, fmt.Errorf("%w: ledger: %w", ErrUnavailable, err))
		return
	}
	s.log.InfoContext(r.Context(), "prompt published", "username", p.username, "lang", lang, "name", name, "version", v.Version, "seconds", v.Seconds)
	s.writeJSON(w, http.StatusCreated, v)
}

func (s *Server) handlePromptVersions(w http.ResponseWriter, r *http.Request, _ principal) {
	if !s.promptsOr503(w) {
		return
	}
	vs, err := s.prompts.Versions(r.Context(), r.PathValue("lang"), r.PathValue("name"))
	if err != nil {
		s.writeError(w, fmt.Errorf("%w: %w", ErrUnavailable, err))
		return
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"versions": vs})
}

// handlePromptAudio answers the live uploaded audio (8 kHz WAV), for
// listening before and after a change.
func (s *Server) handlePromptAudio(w http.ResponseWriter, r *http.Request, _ principal) {
	if !s.promptsOr503(w) {
		return
	}
	wav, ok, err := s.prompts.Audio(r.Context(), r.PathValue("lang"), r.PathValue("name"))
	switch {
	case err != nil:
		s.writeError(w, fmt.Errorf("%w: %w", ErrUnavailable, err))
	case !ok:
		s.writeJSON(w, http.StatusNotFound, errorBody{Error: "no uploaded prompt by that name"})
	default:
		w.Header().Set("Content-Type", "audio/wav")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(wav)
	}
}
