package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/callgate/callgate/audit"
	"github.com/callgate/callgate/media/prompt"
	"github.com/callgate/callgate/routing/promptstore"
	"github.com/callgate/callgate/web"
)

// promptAdmin adapts the prompt store to web.PromptAdmin: uploads are
// converted (prompt.Convert: any common PCM WAV to 8 kHz mono), and stored
// as an 8 kHz WAV; the bundled names are listed beside them.
type promptAdmin struct {
	store   *promptstore.Store
	cache   *promptstore.Cache // this node's, refreshed at once after an upload
	bundled map[string]*prompt.Set
}

func (p promptAdmin) List(ctx context.Context) (map[string][]string, []web.PromptVersion, error) {
	bundled := make(map[string][]string, len(p.bundled))
	for lang, set := range p.bundled {
		bundled[lang] = set.Names()
	}
	vs, err := p.store.List(ctx)
	if err != nil {
		return nil, nil, err
	}
	return bundled, webVersions(vs), nil
}

func (p promptAdmin) Upload(ctx context.Context, lang, name string, wav []byte, author, comment string) (web.PromptVersion, error) {
	if !promptstore.ValidName(lang, name) {
		return web.PromptVersion{}, fmt.Errorf("%w: language must be like en or es-mx and the name a-z, 0-9 and _ (starting with a letter, at most 64)", web.ErrInvalidAudio)
	}
	pr, err := prompt.Convert(name, bytes.NewReader(wav))
	if err != nil {
		return web.PromptVersion{}, fmt.Errorf("%w: %w", web.ErrInvalidAudio, err)
	}
	var norm bytes.Buffer
	if err := prompt.Encode(&norm, pr.PCM); err != nil {
		return web.PromptVersion{}, err
	}
	v, err := p.store.Publish(ctx, lang, name, norm.Bytes(), pr.Duration().Seconds(), author, comment)
	if err != nil {
		return web.PromptVersion{}, err
	}
	if p.cache != nil {
		_ = p.cache.Refresh(ctx, lang, name) // other nodes reload on the announcement
	}
	return webVersion(v), nil
}

func (p promptAdmin) Versions(ctx context.Context, lang, name string) ([]web.PromptVersion, error) {
	vs, err := p.store.Versions(ctx, lang, name)
	if err != nil {
		return nil, err
	}
	return webVersions(vs), nil
}

func (p promptAdmin) Audio(ctx context.Context, lang, name string) ([]byte, bool, error) {
	_, wav, err := p.store.Live(ctx, lang, name)
	if errors.Is(err, promptstore.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return wav, true, nil
}

func webVersion(v promptstore.Version) web.PromptVersion {
	return web.PromptVersion{Lang: v.Lang, Name: v.Name, Version: v.Version, SHA256: v.SHA256, Author: v.Author,
		At: v.At.Format(time.RFC3339Nano), Comment: v.Comment, Seconds: v.Seconds}
}

func webVersions(vs []promptstore.Version) []web.PromptVersion {
	out := make([]web.PromptVersion, len(vs))
	for i, v := range vs {
		out[i] = webVersion(v)
	}
	return out
}

// promptLedger records an upload: who, which prompt, version and hash.
func promptLedger(l *audit.Ledger) web.PromptLedger {
	return func(ctx context.Context, actor string, v web.PromptVersion) error {
		_, err := l.Append(ctx, audit.Entry{Kind: audit.KindPromptPublish, Actor: actor, Detail: map[string]string{
			"lang": v.Lang, "prompt": v.Name, "version": strconv.Itoa(v.Version), "sha256": v.SHA256, "comment": v.Comment,
		}})
		return err
	}
}

// uploadedExists reports whether an uploaded prompt exists on this node
// (for flow validation once the cache is loaded).
func (a *App) uploadedExists(lang, name string) bool {
	if a.promptCache == nil {
		return false
	}
	_, ok := a.promptCache.Get(lang, name)
	return ok
}

var _ web.PromptAdmin = promptAdmin{}
