package iam

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/iamd/iamd/internal/store"
)

// viewCache keeps decoded records by key and modification revision. A
// record at a given revision never changes, so an entry is never stale:
// a newer write has a newer revision and simply misses. Values handed out
// are shared and must be treated as read-only; code that modifies a
// record reads it with getNamed instead.
type viewCache struct {
	mu sync.RWMutex
	m  map[string]viewEntry
}

type viewEntry struct {
	rev     int64 // the record's modification revision
	validAt int64 // the store revision at which the record was last read
	v       any
}

// maxViewEntries bounds the cache; it is emptied when full.
const maxViewEntries = 1 << 16

func newViewCache() *viewCache { return &viewCache{m: map[string]viewEntry{}} }

// decodeView decodes kv into a *T, or returns the value decoded before
// for the same key and revision. The result is read-only.
func decodeView[T any](s *Service, kv store.KV) (*T, error) {
	return decodeViewWith(s, kv, func(b []byte, v *T) error { return json.Unmarshal(b, v) })
}

// decodeViewWith is decodeView with its own decoder.
func decodeViewWith[T any](s *Service, kv store.KV, decode func([]byte, *T) error) (*T, error) {
	c := s.views
	c.mu.RLock()
	e, ok := c.m[kv.Key]
	c.mu.RUnlock()
	if ok && e.rev == kv.ModRevision {
		if v, ok := e.v.(*T); ok {
			return v, nil
		}
	}
	v := new(T)
	if err := decode(kv.Value, v); err != nil {
		return nil, fmt.Errorf("decode %s: %w", kv.Key, err)
	}
	c.mu.Lock()
	if len(c.m) >= maxViewEntries {
		clear(c.m)
	}
	c.m[kv.Key] = viewEntry{rev: kv.ModRevision, v: v}
	c.mu.Unlock()
	return v, nil
}

// viewNamed reads a record by key for reading only (see decodeView),
// answering notFound's error when absent. While the store's revision has
// not moved since the record was last read, it is served from memory
// without touching the store.
func viewNamed[T any](ctx context.Context, s *Service, key string, notFound func() error) (*T, error) {
	return viewWith(ctx, s, key, notFound, func(b []byte, v *T) error { return json.Unmarshal(b, v) })
}

// viewWith is viewNamed with its own decoder.
func viewWith[T any](ctx context.Context, s *Service, key string, notFound func() error, decode func([]byte, *T) error) (*T, error) {
	rev, err := s.st.Revision(ctx)
	if err != nil {
		return nil, err
	}
	c := s.views
	c.mu.RLock()
	e, ok := c.m[key]
	c.mu.RUnlock()
	if ok && e.validAt == rev {
		if v, ok := e.v.(*T); ok {
			return v, nil
		}
	}
	kv, err := s.st.Get(ctx, key)
	if errors.Is(err, store.ErrNotFound) {
		return nil, notFound()
	}
	if err != nil {
		return nil, err
	}
	v, err := decodeViewWith(s, kv, decode)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if e, ok := c.m[key]; ok && e.rev == kv.ModRevision && e.validAt < rev {
		e.validAt = rev
		c.m[key] = e
	}
	c.mu.Unlock()
	return v, nil
}
