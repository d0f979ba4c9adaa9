package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/callgate/callgate/flows"
	"github.com/callgate/callgate/routing/agents"
)

// maxFlowBody bounds a request carrying a flow source: the largest source
// (flows.MaxSourceSize) JSON-escaped, with room to spare. A source over
// flows.MaxSourceSize inside it is reported as a flow error at 1:1.
const maxFlowBody = 2*flows.MaxSourceSize + maxBody

// FlowAdmin administers call flows: flows.Catalog over the shared store.
type FlowAdmin interface {
	List(ctx context.Context) ([]flows.Summary, error)
	Get(ctx context.Context, id string, version int) (flows.Record, error)
	Versions(ctx context.Context, id string) ([]flows.Record, error)
	Draft(ctx context.Context, id string) (flows.Draft, bool, error)
	SaveDraft(ctx context.Context, id string, src []byte, author string, now time.Time) (flows.Draft, error)
	DeleteDraft(ctx context.Context, id string) error
	Check(id string, src []byte) []flows.Error
	Diff(ctx context.Context, id string) (flows.DiffResult, error)
	Publish(ctx context.Context, req flows.PublishRequest) (flows.Change, error)
	Rollback(ctx context.Context, req flows.RollbackRequest) (flows.Change, error)
}

var _ FlowAdmin = (*flows.Catalog)(nil)

// FlowLedger records each publish and rollback in the audit ledger.
// Check says, before anything changes, whether the entry for a change of
// flow id by actor with comment would be accepted; Record appends it.
type FlowLedger interface {
	Check(id, actor, comment string) error
	Record(ctx context.Context, actor string, ch flows.Change) error
}

// WithFlows serves the flow administration API (role admin) from a,
// recording every publish and rollback with l. Without it those routes
// answer 503.
func WithFlows(a FlowAdmin, l FlowLedger) Option {
	return func(s *Server) error {
		if a == nil || l == nil {
			return fmt.Errorf("%w: flow admin and ledger are required", ErrInvalidConfig)
		}
		s.flows, s.flowLedger = a, l
		return nil
	}
}

// flowRoutes registers the flow administration API: admins only.
func (s *Server) flowRoutes(mux *http.ServeMux) {
	admin := func(h func(http.ResponseWriter, *http.Request, principal)) http.Handler {
		return s.authed(s.needFlows(h), true, agents.RoleAdmin)
	}
	mux.Handle("GET /api/v1/flows", admin(s.handleFlowList))
	mux.Handle("GET /api/v1/flows/{id}", admin(s.handleFlowGet))
	mux.Handle("GET /api/v1/flows/{id}/draft", admin(s.handleDraftGet))
	mux.Handle("PUT /api/v1/flows/{id}/draft", admin(s.handleDraftPut))
	mux.Handle("DELETE /api/v1/flows/{id}/draft", admin(s.handleDraftDelete))
	mux.Handle("POST /api/v1/flows/{id}/validate", admin(s.handleFlowValidate))
	mux.Handle("GET /api/v1/flows/{id}/diff", admin(s.handleFlowDiff))
	mux.Handle("POST /api/v1/flows/{id}/publish", admin(s.handleFlowPublish))
	mux.Handle("POST /api/v1/flows/{id}/rollback", admin(s.handleFlowRollback))
	mux.Handle("GET /api/v1/flows/{id}/versions", admin(s.handleFlowVersions))
	mux.Handle("GET /api/v1/flows/{id}/graph.svg", admin(s.handleFlowGraph))
}

// FlowRoutes lists the flow administration routes ("METHOD /path", with
// {id} for the flow), for tests that check every one is admin-only.
func FlowRoutes() []string {
	return []string{
		"GET /api/v1/flows", "GET /api/v1/flows/{id}", "GET /api/v1/flows/{id}/draft",
		"PUT /api/v1/flows/{id}/draft", "DELETE /api/v1/flows/{id}/draft", "POST /api/v1/flows/{id}/validate",
		"GET /api/v1/flows/{id}/diff", "POST /api/v1/flows/{id}/publish", "POST /api/v1/flows/{id}/rollback",
		"GET /api/v1/flows/{id}/versions", "GET /api/v1/flows/{id}/graph.svg",
	}
}

// needFlows answers 503 when the server has no flow admin.
func (s *Server) needFlows(h func(http.ResponseWriter, *http.Request, principal)) func(http.ResponseWriter, *http.Request, principal) {
	return func(w http.ResponseWriter, r *http.Request, p principal) {
		if s.flows == nil {
			s.writeError(w, fmt.Errorf("%w: no flow administration", ErrUnavailable))
			return
		}
		h(w, r, p)
	}
}

// flowFail answers err: a flows sentinel maps to its status (httpStatus),
// anything else is the store failing (503), logged.
func (s *Server) flowFail(w http.ResponseWriter, r *http.Request, p principal, op string, err error) {
	for _, known := range []error{
		flows.ErrInvalidFlow, flows.ErrInvalidID, flows.ErrInvalidComment, flows.ErrUnknownFlow, flows.ErrUnknownVersion,
		flows.ErrNoDraft, flows.ErrNoChange, flows.ErrStale, flows.ErrDraftChanged, ErrNotFound, ErrBadRequest,
		ErrUnsupportedMediaType, ErrNotRecordable,
	} {
		if errors.Is(err, known) {
			s.writeError(w, err)
			return
		}
	}
	s.log.ErrorContext(r.Context(), "flow administration failed", "op", op, "username", p.username,
		"flow", r.PathValue("id"), "error", err)
	s.writeError(w, fmt.Errorf("%w: %w", ErrUnavailable, err))
}

// flowError is one problem in a flow source, in a 422 body.
type flowError struct {
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"message"`
}

func flowErrors(errs []flows.Error) []flowError {
	out := make([]flowError, len(errs))
	for i, e := range errs {
		out[i] = flowError{Line: e.Line, Column: e.Column, Message: e.Message}
	}
	return out
}

// flowSummary is one flow in GET /api/v1/flows.
type flowSummary struct {
	ID          string `json:"id"`
	LiveVersion int    `json:"live_version"` // 0: never published
	LiveSHA256  string `json:"live_sha256,omitempty"`
	// Author and Published are the live version's.
	Author      string     `json:"author,omitempty"`
	Published   *time.Time `json:"published,omitempty"`
	Description string     `json:"description"`
	Nodes       int        `json:"nodes"`
	// Draft is none, same (as live), changed or new (no live version).
	Draft       string     `json:"draft"`
	DraftAuthor string     `json:"draft_author,omitempty"`
	DraftSaved  *time.Time `json:"draft_saved,omitempty"`
}

func (s *Server) handleFlowList(w http.ResponseWriter, r *http.Request, p principal) {
	list, err := s.flows.List(r.Context())
	if err != nil {
		s.flowFail(w, r, p, "list", err)
		return
	}
	out := make([]flowSummary, len(list))
	for i, f := range list {
		out[i] = flowSummary{ID: f.ID, LiveVersion: f.Live, LiveSHA256: f.LiveSHA256, Author: f.Author,
			Published: timePtr(f.Published), Description: f.Description, Nodes: f.Nodes,
			Draft: string(f.Draft), DraftAuthor: f.DraftAuthor, DraftSaved: timePtr(f.DraftSaved)}
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"flows": out})
}

// flowVersion is one version in GET /api/v1/flows/{id} and .../versions.
type flowVersion struct {
	ID         string    `json:"id"`
	Version    int       `json:"version"`
	Source     *string   `json:"source,omitempty"` // GET /api/v1/flows/{id} only
	SHA256     string    `json:"sha256"`
	Author     string    `json:"author"`
	Published  time.Time `json:"published"`
	Comment    string    `json:"comment"`
	RollbackOf int       `json:"rollback_of,omitempty"`
}

func versionOf(rec flows.Record, withSource bool) flowVersion {
	v := flowVersion{ID: rec.ID, Version: rec.Version, SHA256: rec.SHA256, Author: rec.Author,
		Published: rec.Published.UTC(), Comment: rec.Comment, RollbackOf: rec.RollbackOf}
	if withSource {
		src := string(rec.Source)
		v.Source = &src
	}
	return v
}

// versionParam reads ?version=N (0 when absent: the live version).
func versionParam(r *http.Request) (int, error) {
	q := r.URL.Query().Get("version")
	if q == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(q)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("%w: version must be a positive number", ErrBadRequest)
	}
	return n, nil
}

func (s *Server) handleFlowGet(w http.ResponseWriter, r *http.Request, p principal) {
	n, err := versionParam(r)
	if err != nil {
		s.writeError(w, err)
		return
	}
	rec, err := s.flows.Get(r.Context(), r.PathValue("id"), n)
	if err != nil {
		s.flowFail(w, r, p, "get", err)
		return
	}
	s.writeJSON(w, http.StatusOK, versionOf(rec, true))
}

func (s *Server) handleFlowVersions(w http.ResponseWriter, r *http.Request, p principal) {
	recs, err := s.flows.Versions(r.Context(), r.PathValue("id"))
	if err != nil {
		s.flowFail(w, r, p, "versions", err)
		return
	}
	out := make([]flowVersion, len(recs))
	for i, rec := range recs { // newest first
		out[len(recs)-1-i] = versionOf(rec, false)
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"id": r.PathValue("id"), "live_version": recs[len(recs)-1].Version, "versions": out})
}

// draftBody is a draft in GET and PUT .../draft.
type draftBody struct {
	ID     string    `json:"id"`
	Source string    `json:"source"`
	SHA256 string    `json:"sha256"`
	Author string    `json:"author"`
	Saved  time.Time `json:"saved"`
}

// sourceRequest is the body of PUT .../draft and POST .../validate.
type sourceRequest struct {
	Source *string `json:"source"`
}

func (s *Server) readSource(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	var req sourceRequest
	if err := decodeJSONLimit(w, r, &req, maxFlowBody); err != nil {
		return nil, err
	}
	if req.Source == nil {
		return nil, fmt.Errorf("%w: source is required", ErrBadRequest)
	}
	return []byte(*req.Source), nil
}

func (s *Server) handleDraftGet(w http.ResponseWriter, r *http.Request, p principal) {
	d, ok, err := s.flows.Draft(r.Context(), r.PathValue("id"))
	if err != nil {
		s.flowFail(w, r, p, "draft", err)
		return
	}
	if !ok {
		s.writeError(w, fmt.Errorf("%w: no draft", ErrNotFound))
		return
	}
	s.writeJSON(w, http.StatusOK, draftBody{ID: d.ID, Source: string(d.Source), SHA256: d.SHA256, Author: d.Author, Saved: d.Saved.UTC()})
}

// handleDraftPut validates and saves a draft (422 with every problem when
// invalid; nothing is saved then). Saving a draft for an ID that has no
// flow creates the flow (as a draft). Draft saves are logged, not ledger
// entries: only publication changes what callers hear.
func (s *Server) handleDraftPut(w http.ResponseWriter, r *http.Request, p principal) {
	id := r.PathValue("id")
	if err := flows.CheckID(id); err != nil {
		s.writeError(w, err)
		return
	}
	if err := s.flowLedger.Check(id, p.username, ""); err != nil {
		s.writeError(w, fmt.Errorf("%w: %w", ErrNotRecordable, err))
		return
	}
	src, err := s.readSource(w, r)
	if err != nil {
		s.writeError(w, err)
		return
	}
	d, err := s.flows.SaveDraft(r.Context(), id, src, p.username, s.now())
	if err != nil {
		s.flowFail(w, r, p, "save_draft", err)
		return
	}
	s.log.InfoContext(r.Context(), "flow draft saved", "username", p.username, "flow", id, "sha256", d.SHA256, "bytes", len(d.Source))
	s.writeJSON(w, http.StatusOK, draftBody{ID: d.ID, Source: string(d.Source), SHA256: d.SHA256, Author: d.Author, Saved: d.Saved.UTC()})
}

func (s *Server) handleDraftDelete(w http.ResponseWriter, r *http.Request, p principal) {
	id := r.PathValue("id")
	if err := s.flows.DeleteDraft(r.Context(), id); err != nil {
		s.flowFail(w, r, p, "delete_draft", err)
		return
	}
	s.log.InfoContext(r.Context(), "flow draft discarded", "username", p.username, "flow", id)
	w.WriteHeader(http.StatusNoContent)
}

// handleFlowValidate checks a source as a publish would, saving nothing:
// 200 with valid and the problems (for validation as the admin types).
func (s *Server) handleFlowValidate(w http.ResponseWriter, r *http.Request, p principal) {
	id := r.PathValue("id")
	if err := flows.CheckID(id); err != nil {
		s.writeError(w, err)
		return
	}
	src, err := s.readSource(w, r)
	if err != nil {
		s.writeError(w, err)
		return
	}
	errs := s.flows.Check(id, src)
	s.writeJSON(w, http.StatusOK, map[string]any{"valid": len(errs) == 0, "errors": flowErrors(errs)})
}

func (s *Server) handleFlowDiff(w http.ResponseWriter, r *http.Request, p principal) {
	d, err := s.flows.Diff(r.Context(), r.PathValue("id"))
	if err != nil {
		s.flowFail(w, r, p, "diff", err)
		return
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"id": d.ID, "live_version": d.Live, "draft": d.HasDraft, "diff": d.Unified})
}

// publishRequest is the optional body of POST .../publish.
type publishRequest struct {
	Comment string `json:"comment"`
	// ExpectLive, when given, refuses the publish (409) unless the live
	// version is still this one: the version the diff was reviewed against.
	ExpectLive *int `json:"expect_live"`
}

// rollbackRequest is the body of POST .../rollback.
type rollbackRequest struct {
	Version    int    `json:"version"`
	Comment    string `json:"comment"`
	ExpectLive *int   `json:"expect_live"`
}

// changeBody answers a publish or rollback.
type changeBody struct {
	flowVersion
	BeforeVersion int    `json:"before_version"`
	BeforeSHA256  string `json:"before_sha256,omitempty"`
}

// decodeOptional decodes a JSON body into v when there is one.
func decodeOptional(w http.ResponseWriter, r *http.Request, v any) error {
	if r.ContentLength == 0 {
		return nil
	}
	return decodeJSON(w, r, v)
}

func (s *Server) handleFlowPublish(w http.ResponseWriter, r *http.Request, p principal) {
	var req publishRequest
	if err := decodeOptional(w, r, &req); err != nil {
		s.writeError(w, err)
		return
	}
	pr := flows.PublishRequest{ID: r.PathValue("id"), Author: p.username, Comment: req.Comment, Now: s.now()}
	if req.ExpectLive != nil {
		pr.CheckLive, pr.Live = true, *req.ExpectLive
	}
	s.change(w, r, p, "publish", pr.ID, req.Comment, func(ctx context.Context) (flows.Change, error) {
		return s.flows.Publish(ctx, pr)
	})
}

func (s *Server) handleFlowRollback(w http.ResponseWriter, r *http.Request, p principal) {
	var req rollbackRequest
	if err := decodeJSON(w, r, &req); err != nil {
		s.writeError(w, err)
		return
	}
	if req.Version < 1 {
		s.writeError(w, fmt.Errorf("%w: version must be a positive number", ErrBadRequest))
		return
	}
	rr := flows.RollbackRequest{ID: r.PathValue("id"), Version: req.Version, Author: p.username, Comment: req.Comment, Now: s.now()}
	if req.ExpectLive != nil {
		rr.CheckLive, rr.Live = true, *req.ExpectLive
	}
	s.change(w, r, p, "rollback", rr.ID, req.Comment, func(ctx context.Context) (flows.Change, error) {
		return s.flows.Rollback(ctx, rr)
	})
}

// change runs a publish or rollback and records it in the ledger. The
// ledger is asked first whether it will take the entry, so a change it
// would refuse is never made; the entry is appended after the store
// committed (the version number is the store's). If that append fails
// the change stands and the failure is logged as an error and answered
// 503: the version is live but unrecorded, which an operator must see.
func (s *Server) change(w http.ResponseWriter, r *http.Request, p principal, op, id, comment string,
	do func(context.Context) (flows.Change, error),
) {
	if err := flows.CheckID(id); err != nil {
		s.writeError(w, err)
		return
	}
	if err := flows.CheckComment(comment); err != nil {
		s.writeError(w, err)
		return
	}
	if err := s.flowLedger.Check(id, p.username, comment); err != nil {
		s.writeError(w, fmt.Errorf("%w: %w", ErrNotRecordable, err))
		return
	}
	ch, err := do(r.Context())
	if err != nil {
		s.flowFail(w, r, p, op, err)
		return
	}
	logArgs := []any{"username", p.username, "flow", ch.ID, "flow_version", ch.Version, "before_version", ch.Before.Version,
		"sha256", ch.SHA256, "rollback_of", ch.RollbackOf}
	ctx := context.WithoutCancel(r.Context()) // the version is live: record it even if the client went away
	if err := s.flowLedger.Record(ctx, p.username, ch); err != nil {
		s.log.ErrorContext(ctx, "flow version published but NOT recorded in the audit ledger", append(logArgs, "error", err)...)
		s.writeError(w, fmt.Errorf("%w: ledger: %w", ErrUnavailable, err))
		return
	}
	s.log.InfoContext(ctx, "flow "+op, logArgs...)
	s.writeJSON(w, http.StatusOK, changeBody{flowVersion: versionOf(ch.Record, false), BeforeVersion: ch.Before.Version, BeforeSHA256: ch.Before.SHA256})
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}
