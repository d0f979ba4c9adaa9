package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type fakePrompts struct{ uploads []string }

func (f *fakePrompts) List(context.Context) (map[string][]string, []PromptVersion, error) {
	return map[string][]string{"en": {"welcome"}}, nil, nil
}

func (f *fakePrompts) Upload(_ context.Context, lang, name string, wav []byte, author, comment string) (PromptVersion, error) {
	if !bytes.HasPrefix(wav, []byte("RIFF")) {
		return PromptVersion{}, fmt.Errorf("%w: prompt %q: not a valid WAV file", ErrInvalidAudio, name)
	}
	f.uploads = append(f.uploads, lang+"/"+name)
	return PromptVersion{Lang: lang, Name: name, Version: len(f.uploads), Author: author, Comment: comment}, nil
}

func (f *fakePrompts) Versions(context.Context, string, string) ([]PromptVersion, error) {
	return []PromptVersion{}, nil
}

func (f *fakePrompts) Audio(context.Context, string, string) ([]byte, bool, error) {
	return nil, false, nil
}

func TestPromptUpload(t *testing.T) {
	f := newFixture(t, Config{Demo: true}, nil)
	store := &fakePrompts{}
	var ledgerErr error
	var recorded []PromptVersion
	require.NoError(t, WithPrompts(store, func(_ context.Context, actor string, v PromptVersion) error {
		recorded = append(recorded, v)
		return ledgerErr
	})(f.srv))
	f.h = f.srv.Handler()
	ada := f.login(t, "ada")
	put := func(path, ct string, body []byte) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodPut, path, bytes.NewReader(body))
		r.Header.Set("Content-Type", ct)
		r.Header.Set("Authorization", "Bearer "+ada)
		w := httptest.NewRecorder()
		f.h.ServeHTTP(w, r)
		return w
	}
	w := put("/api/v1/prompts/en/welcome?comment=new+voice", "audio/wav", []byte("RIFF...."))
	require.Equal(t, http.StatusCreated, w.Code, w.Body.String())
	assert.JSONEq(t, `{"lang":"en","name":"welcome","version":1,"sha256":"","author":"ada","at":"","comment":"new voice","seconds":0}`, w.Body.String())
	require.Len(t, recorded, 1)

	w = put("/api/v1/prompts/en/welcome", "audio/wav", []byte("ID3"))
	assert.Equal(t, http.StatusUnprocessableEntity, w.Code)
	assert.JSONEq(t, `{"error":"prompt \"welcome\": not a valid WAV file"}`, w.Body.String())

	w = put("/api/v1/prompts/en/welcome", "audio/wav", make([]byte, maxPromptUpload+1))
	assert.Equal(t, http.StatusRequestEntityTooLarge, w.Code)

	ledgerErr = errors.New("disk full")
	w = put("/api/v1/prompts/en/welcome", "audio/wav", []byte("RIFF...."))
	assert.Equal(t, http.StatusServiceUnavailable, w.Code, "an upload the ledger did not record is not reported as done")
}
