package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/callgate/callgate/flows"
)

// maxBody bounds request bodies.
const maxBody = 4 << 10

// errorBody is every error response's body. Errors lists a flow's
// problems with their lines (422 invalid flow only).
type errorBody struct {
	Error  string      `json:"error"`
	Errors []flowError `json:"errors,omitempty"`
}

// decodeJSON reads r's body, which must be one application/json object of
// at most maxBody bytes with no unknown fields, into v. Errors wrap
// ErrBadRequest or ErrUnsupportedMediaType and never quote the body.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	return decodeJSONLimit(w, r, v, maxBody)
}

// decodeJSONLimit is decodeJSON with a body limit of limit bytes.
func decodeJSONLimit(w http.ResponseWriter, r *http.Request, v any, limit int64) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return ErrUnsupportedMediaType
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, limit))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return fmt.Errorf("%w: body over %d bytes", ErrBadRequest, limit)
		}
		return fmt.Errorf("%w: not the expected JSON object", ErrBadRequest)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return fmt.Errorf("%w: data after the JSON object", ErrBadRequest)
	}
	return nil
}

// writeJSON answers status with v as JSON.
func (s *Server) writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		s.log.Error("encode response", "error", err)
		status, b = http.StatusInternalServerError, []byte(`{"error":"internal error"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// writeError answers err's status (see httpStatus) with {"error": ...}.
func (s *Server) writeError(w http.ResponseWriter, err error) {
	status, msg := httpStatus(err)
	var locked *lockedOutError
	if errors.As(err, &locked) {
		secs := int64((locked.retryAfter + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.FormatInt(max(secs, 1), 10))
	}
	body := errorBody{Error: msg}
	var ferrs flows.Errors
	if errors.As(err, &ferrs) {
		body.Errors = flowErrors(ferrs)
	}
	s.writeJSON(w, status, body)
}

// remoteIP is the client address of r without its port.
func remoteIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
