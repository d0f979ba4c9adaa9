package promptstore

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"

	"github.com/callgate/callgate/media/prompt"
)

// Cache holds this node's decoded copy of every live uploaded prompt. Get
// is what the IVR calls for each prompt it plays: no store round trip.
type Cache struct {
	s   *Store
	log *slog.Logger

	mu      sync.RWMutex
	prompts map[string]*prompt.Prompt // "lang/name"
}

// NewCache returns an empty cache over s; Load fills it and Run keeps it
// current.
func NewCache(s *Store, log *slog.Logger) *Cache {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Cache{s: s, log: log, prompts: map[string]*prompt.Prompt{}}
}

// Get returns the live uploaded prompt lang/name, if there is one.
func (c *Cache) Get(lang, name string) (*prompt.Prompt, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	p, ok := c.prompts[lang+"/"+name]
	return p, ok
}

// Load reads every live uploaded prompt.
func (c *Cache) Load(ctx context.Context) error {
	list, err := c.s.List(ctx)
	if err != nil {
		return err
	}
	for _, v := range list {
		if err := c.reload(ctx, v.Lang, v.Name); err != nil {
			return err
		}
	}
	return nil
}

// Refresh reloads lang/name now (the node that published it need not
// wait for its own announcement).
func (c *Cache) Refresh(ctx context.Context, lang, name string) error {
	return c.reload(ctx, lang, name)
}

// reload fetches and decodes the live version of lang/name.
func (c *Cache) reload(ctx context.Context, lang, name string) error {
	v, wav, err := c.s.Live(ctx, lang, name)
	if err != nil {
		return err
	}
	p, err := prompt.Decode(name, bytes.NewReader(wav))
	if err != nil {
		return err
	}
	c.mu.Lock()
	c.prompts[lang+"/"+name] = p
	c.mu.Unlock()
	c.log.Info("prompt loaded", "lang", lang, "name", name, "version", v.Version)
	return nil
}

// Run applies the publishes every node announces until ctx ends. The
// subscription is taken before Run reloads everything once, so no publish
// between Load and Run is missed.
func (c *Cache) Run(ctx context.Context) {
	sub := c.s.rdb.Subscribe(ctx, Channel)
	defer sub.Close()
	if _, err := sub.Receive(ctx); err != nil { // the subscription confirmation
		return
	}
	if err := c.Load(ctx); err != nil && ctx.Err() == nil {
		c.log.Warn("uploaded prompts not reloaded", "error", err)
	}
	ch := sub.Channel()
	for {
		select {
		case <-ctx.Done():
			return
		case m, ok := <-ch:
			if !ok {
				return
			}
			lang, name, _ := strings.Cut(m.Payload, "/")
			if !ValidName(lang, name) {
				continue
			}
			if err := c.reload(ctx, lang, name); err != nil && ctx.Err() == nil {
				c.log.Warn("uploaded prompt not reloaded", "lang", lang, "name", name, "error", err)
			}
		}
	}
}
