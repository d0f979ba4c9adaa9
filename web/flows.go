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

// PolicyID is the disclosure policy's one document ID (policyadmin.ID).
const PolicyID = "default"

// WithPolicy serves the disclosure policy's administration API (role
// admin) from a, a document administration with the single ID PolicyID,
// recording every publish and rollback with l (policy_publish entries).
// Without it those routes answer 503.
func WithPolicy(a FlowAdmin, l FlowLedger) Option {
	return func(s *Server) error {
		if a == nil || l == nil {
			return fmt.Errorf("%w: policy admin and ledger are required", ErrInvalidConfig)
		}
		s.policies, s.policyLedger = a, l
		return nil
	}
}

// docAPI serves the administration of one kind of versioned document: the
// flows, or the disclosure policy (one document, fixedID).
type docAPI struct {
	s       *Server
	admin   FlowAdmin
	ledger  FlowLedger
	noun    string // flow or policy, in logs
	fixedID string // the policy's ID; "" takes {id} from the path
}

// id is the document a request is about.
func (d *docAPI) id(r *http.Request) string {
	if d.fixedID != "" {
		return d.fixedID
	}
	return r.PathValue("id")
}

// flowRoutes registers the flow and policy administration APIs: admins only.
func (s *Server) flowRoutes(mux *http.ServeMux) {
	f := &docAPI{s: s, admin: s.flows, ledger: s.flowLedger, noun: "flow"}
	admin := func(d *docAPI, h func(http.ResponseWriter, *http.Request, principal)) http.Handler {
		return s.authed(d.need(h), true, agents.RoleAdmin)
	}
	mux.Handle("GET /api/v1/flows", admin(f, f.handleList))
	mux.Handle("GET /api/v1/flows/{id}", admin(f, f.handleGet))
	mux.Handle("GET /api/v1/flows/{id}/draft", admin(f, f.handleDraftGet))
	mux.Handle("PUT /api/v1/flows/{id}/draft", admin(f, f.handleDraftPut))
	mux.Handle("DELETE /api/v1/flows/{id}/draft", admin(f, f.handleDraftDelete))
	mux.Handle("POST /api/v1/flows/{id}/validate", admin(f, f.handleValidate))
	mux.Handle("GET /api/v1/flows/{id}/diff", admin(f, f.handleDiff))
	mux.Handle("POST /api/v1/flows/{id}/publish", admin(f, f.handlePublish))
	mux.Handle("POST /api/v1/flows/{id}/rollback", admin(f, f.handleRollback))
	mux.Handle("GET /api/v1/flows/{id}/versions", admin(f, f.handleVersions))
	mux.Handle("GET /api/v1/flows/{id}/graph.svg", admin(f, f.handleGraph))

	p := &docAPI{s: s, admin: s.policies, ledger: s.policyLedger, noun: "policy", fixedID: PolicyID}
	mux.Handle("GET /api/v1/policy", admin(p, p.handleGet))
	mux.Handle("GET /api/v1/policy/draft", admin(p, p.handleDraftGet))
	mux.Handle("PUT /api/v1/policy/draft", admin(p, p.handleDraftPut))
	mux.Handle("DELETE /api/v1/policy/draft", admin(p, p.handleDraftDelete))
	mux.Handle("POST /api/v1/policy/validate", admin(p, p.handleValidate))
	mux.Handle("GET /api/v1/policy/diff", admin(p, p.handleDiff))
	mux.Handle("POST /api/v1/policy/publish", admin(p, p.handlePublish))
	mux.Handle("POST /api/v1/policy/rollback", admin(p, p.handleRollback))
	mux.Handle("GET /api/v1/policy/versions", admin(p, p.handleVersions))
}

// PolicyRoutes lists the disclosure policy administration routes, for
// tests that check every one is admin-only.
func PolicyRoutes() []string {
	return []string{
		"GET /api/v1/policy", "GET /api/v1/policy/draft", "PUT /api/v1/policy/draft", "DELETE /api/v1/policy/draft",
		"POST /api/v1/policy/validate", "GET /api/v1/policy/diff", "POST /api/v1/policy/publish",
		"POST /api/v1/policy/rollback", "GET /api/v1/policy/versions",
	}
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

// need answers 503 when the server has no administration for d.
func (d *docAPI) need(h func(http.ResponseWriter, *http.Request, principal)) func(http.ResponseWriter, *http.Request, principal) {
	return func(w http.ResponseWriter, r *http.Request, p principal) {
		if d.admin == nil {
			d.s.writeError(w, fmt.Errorf("%w: no %s administration", ErrUnavailable, d.noun))
			return
		}
		h(w, r, p)
	}
}

// fail answers err: a flows sentinel maps to its status (httpStatus),
// anything else is the store failing (503), logged.
func (d *docAPI) fail(w http.ResponseWriter, r *http.Request, p principal, op string, err error) {
	for _, known := range []error{
		flows.ErrInvalidFlow, flows.ErrInvalidID, flows.ErrInvalidComment, flows.ErrUnknownFlow, flows.ErrUnknownVersion,
		flows.ErrNoDraft, flows.ErrNoChange, flows.ErrStale, flows.ErrDraftChanged, ErrNotFound, ErrBadRequest,
		ErrUnsupportedMediaType, ErrNotRecordable,
	} {
		if errors.Is(err, known) {
			d.s.writeError(w, err)
			return
		}
	}
	d.s.log.ErrorContext(r.Context(), d.noun+" administration failed", "op", op, "username", p.username,
		d.noun, d.id(r), "error", err)
	d.s.writeError(w, fmt.Errorf("%w: %w", ErrUnavailable, err))
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

func (d *docAPI) handleList(w http.ResponseWriter, r *http.Request, p principal) {
	list, err := d.admin.List(r.Context())
	if err != nil {
		d.fail(w, r, p, "list", err)
		return
	}
	out := make([]flowSummary, len(list))
	for i, f := range list {
		out[i] = flowSummary{ID: f.ID, LiveVersion: f.Live, LiveSHA256: f.LiveSHA256, Author: f.Author,
			Published: timePtr(f.Published), Description: f.Description, Nodes: f.Nodes,
			Draft: string(f.Draft), DraftAuthor: f.DraftAuthor, DraftSaved: timePtr(f.DraftSaved)}
	}
	d.s.writeJSON(w, http.StatusOK, map[string]any{"flows": out})
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

func (d *docAPI) handleGet(w http.ResponseWriter, r *http.Request, p principal) {
	n, err := versionParam(r)
	if err != nil {
		d.s.writeError(w, err)
		return
	}
	rec, err := d.admin.Get(r.Context(), d.id(r), n)
	if err != nil {
		d.fail(w, r, p, "get", err)
		return
	}
	d.s.writeJSON(w, http.StatusOK, versionOf(rec, true))
}

func (d *docAPI) handleVersions(w http.ResponseWriter, r *http.Request, p principal) {
	recs, err := d.admin.Versions(r.Context(), d.id(r))
	if err != nil {
		d.fail(w, r, p, "versions", err)
		return
	}
	out := make([]flowVersion, len(recs))
	for i, rec := range recs { // newest first
		out[len(recs)-1-i] = versionOf(rec, false)
	}
	d.s.writeJSON(w, http.StatusOK, map[string]any{"id": d.id(r), "live_version": recs[len(recs)-1].Version, "versions": out})
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

func (d *docAPI) readSource(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	var req sourceRequest
	if err := decodeJSONLimit(w, r, &req, maxFlowBody); err != nil {
		return nil, err
	}
	if req.Source == nil {
		return nil, fmt.Errorf("%w: source is required", ErrBadRequest)
	}
	return []byte(*req.Source), nil
}

func (d *docAPI) handleDraftGet(w http.ResponseWriter, r *http.Request, p principal) {
	draft, ok, err := d.admin.Draft(r.Context(), d.id(r))
	if err != nil {
		d.fail(w, r, p, "draft", err)
		return
	}
	if !ok {
		d.s.writeError(w, fmt.Errorf("%w: no draft", ErrNotFound))
		return
	}
	d.s.writeJSON(w, http.StatusOK, draftBody{ID: draft.ID, Source: string(draft.Source), SHA256: draft.SHA256, Author: draft.Author, Saved: draft.Saved.UTC()})
}

// handleDraftPut validates and saves a draft (422 with every problem when
// invalid; nothing is saved then). Saving a draft for an ID that has no
// flow creates the flow (as a draft). Draft saves are logged, not ledger
// entries: only publication changes what callers hear.
func (d *docAPI) handleDraftPut(w http.ResponseWriter, r *http.Request, p principal) {
	id := d.id(r)
	if err := flows.CheckID(id); err != nil {
		d.s.writeError(w, err)
		return
	}
	if err := d.ledger.Check(id, p.username, ""); err != nil {
		d.s.writeError(w, fmt.Errorf("%w: %w", ErrNotRecordable, err))
		return
	}
	src, err := d.readSource(w, r)
	if err != nil {
		d.s.writeError(w, err)
		return
	}
	draft, err := d.admin.SaveDraft(r.Context(), id, src, p.username, d.s.now())
	if err != nil {
		d.fail(w, r, p, "save_draft", err)
		return
	}
	d.s.log.InfoContext(r.Context(), d.noun+" draft saved", "username", p.username, d.noun, id, "sha256", draft.SHA256, "bytes", len(draft.Source))
	d.s.writeJSON(w, http.StatusOK, draftBody{ID: draft.ID, Source: string(draft.Source), SHA256: draft.SHA256, Author: draft.Author, Saved: draft.Saved.UTC()})
}

func (d *docAPI) handleDraftDelete(w http.ResponseWriter, r *http.Request, p principal) {
	id := d.id(r)
	if err := d.admin.DeleteDraft(r.Context(), id); err != nil {
		d.fail(w, r, p, "delete_draft", err)
		return
	}
	d.s.log.InfoContext(r.Context(), d.noun+" draft discarded", "username", p.username, d.noun, id)
	w.WriteHeader(http.StatusNoContent)
}

// handleFlowValidate checks a source as a publish would, saving nothing:
// 200 with valid and the problems (for validation as the admin types).
func (d *docAPI) handleValidate(w http.ResponseWriter, r *http.Request, p principal) {
	id := d.id(r)
	if err := flows.CheckID(id); err != nil {
		d.s.writeError(w, err)
		return
	}
	src, err := d.readSource(w, r)
	if err != nil {
		d.s.writeError(w, err)
		return
	}
	errs := d.admin.Check(id, src)
	d.s.writeJSON(w, http.StatusOK, map[string]any{"valid": len(errs) == 0, "errors": flowErrors(errs)})
}

func (d *docAPI) handleDiff(w http.ResponseWriter, r *http.Request, p principal) {
	diff, err := d.admin.Diff(r.Context(), d.id(r))
	if err != nil {
		d.fail(w, r, p, "diff", err)
		return
	}
	d.s.writeJSON(w, http.StatusOK, map[string]any{"id": diff.ID, "live_version": diff.Live, "draft": diff.HasDraft, "diff": diff.Unified})
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

func (d *docAPI) handlePublish(w http.ResponseWriter, r *http.Request, p principal) {
	var req publishRequest
	if err := decodeOptional(w, r, &req); err != nil {
		d.s.writeError(w, err)
		return
	}
	pr := flows.PublishRequest{ID: d.id(r), Author: p.username, Comment: req.Comment, Now: d.s.now()}
	if req.ExpectLive != nil {
		pr.CheckLive, pr.Live = true, *req.ExpectLive
	}
	d.change(w, r, p, "publish", pr.ID, req.Comment, func(ctx context.Context) (flows.Change, error) {
		return d.admin.Publish(ctx, pr)
	})
}

func (d *docAPI) handleRollback(w http.ResponseWriter, r *http.Request, p principal) {
	var req rollbackRequest
	if err := decodeJSON(w, r, &req); err != nil {
		d.s.writeError(w, err)
		return
	}
	if req.Version < 1 {
		d.s.writeError(w, fmt.Errorf("%w: version must be a positive number", ErrBadRequest))
		return
	}
	rr := flows.RollbackRequest{ID: d.id(r), Version: req.Version, Author: p.username, Comment: req.Comment, Now: d.s.now()}
	if req.ExpectLive != nil {
		rr.CheckLive, rr.Live = true, *req.ExpectLive
	}
	d.change(w, r, p, "rollback", rr.ID, req.Comment, func(ctx context.Context) (flows.Change, error) {
		return d.admin.Rollback(ctx, rr)
	})
}

// change runs a publish or rollback and records it in the ledger. The
// ledger is asked first whether it will take the entry, so a change it
// would refuse is never made; the entry is appended after the store
// committed (the version number is the store's). If that append fails
// the change stands and the failure is logged as an error and answered
// 503: the version is live but unrecorded, which an operator must see.
func (d *docAPI) change(w http.ResponseWriter, r *http.Request, p principal, op, id, comment string,
	do func(context.Context) (flows.Change, error),
) {
	if err := flows.CheckID(id); err != nil {
		d.s.writeError(w, err)
		return
	}
	if err := flows.CheckComment(comment); err != nil {
		d.s.writeError(w, err)
		return
	}
	if err := d.ledger.Check(id, p.username, comment); err != nil {
		d.s.writeError(w, fmt.Errorf("%w: %w", ErrNotRecordable, err))
		return
	}
	ch, err := do(r.Context())
	if err != nil {
		d.fail(w, r, p, op, err)
		return
	}
	logArgs := []any{"username", p.username, d.noun, ch.ID, "flow_version", ch.Version, "before_version", ch.Before.Version,
		"sha256", ch.SHA256, "rollback_of", ch.RollbackOf}
	ctx := context.WithoutCancel(r.Context()) // the version is live: record it even if the client went away
	if err := d.ledger.Record(ctx, p.username, ch); err != nil {
		d.s.log.ErrorContext(ctx, d.noun+" version published but NOT recorded in the audit ledger", append(logArgs, "error", err)...)
		d.s.writeError(w, fmt.Errorf("%w: ledger: %w", ErrUnavailable, err))
		return
	}
	d.s.log.InfoContext(ctx, d.noun+" "+op, logArgs...)
	d.s.writeJSON(w, http.StatusOK, changeBody{flowVersion: versionOf(ch.Record, false), BeforeVersion: ch.Before.Version, BeforeSHA256: ch.Before.SHA256})
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}
