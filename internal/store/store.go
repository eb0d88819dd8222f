package store

import (
	"context"
	"errors"
)

// ErrNotFound is returned by [Store.Get] when the key does not exist.
var ErrNotFound = errors.New("store: key not found")

// ErrConflict is returned by [Store.Apply] when one of its conditions does not
// hold; nothing was written.
var ErrConflict = errors.New("store: revision conflict")

// ErrCompacted is returned by [Store.Watch] when the events after the requested
// revision are no longer all available (the backend's history does not reach
// back that far). The caller should re-read the state it needs and watch from
// a current revision.
var ErrCompacted = errors.New("store: requested revision has been compacted")

// ErrInvalid is returned (wrapped with detail) for malformed requests: an empty
// key, the same key named by two ops of one Apply, a negative revision in a
// Cond, or a key or value larger than the backend supports.
var ErrInvalid = errors.New("store: invalid argument")

// ErrClosed is returned by every method of a Store that has been closed.
var ErrClosed = errors.New("store: closed")

// KV is a key with its value and revisions, as returned by reads.
type KV struct {
	// Key is the key; never empty.
	Key string
	// Value is the stored value (possibly empty). The caller owns it.
	Value []byte
	// CreateRevision is the revision at which the key was (last) created.
	CreateRevision int64
	// ModRevision is the revision of the last write to the key.
	ModRevision int64
}

// Cond requires Key to be at ModRevision; ModRevision 0 means "the key must
// not exist".
type Cond struct {
	// Key is the key the condition is about.
	Key string
	// ModRevision is the required ModRevision of Key, or 0 for "absent".
	ModRevision int64
}

// Op writes (Put) or deletes (Delete=true) a key.
type Op struct {
	// Key is the key to write or delete.
	Key string
	// Value is the value to write; ignored for deletes. The store copies it.
	Value []byte
	// Delete selects a delete instead of a put.
	Delete bool
}

// Event is one change in the write history delivered by [Store.Watch].
type Event struct {
	// Revision is the revision of the Apply that made the change.
	Revision int64
	// Key is the key that was put or deleted.
	Key string
	// Value is the new value of a put; nil for a delete. It may be shared
	// with other watchers and must not be modified.
	Value []byte
	// Delete reports that Key was deleted.
	Delete bool
}

// Store is a transactional key-value store with revisions. Implementations
// are safe for concurrent use by multiple goroutines.
type Store interface {
	// Get returns the key's value and revisions, or ErrNotFound.
	Get(ctx context.Context, key string) (KV, error)

	// Range returns up to limit (<=0: no limit) keys with the prefix, in byte
	// order, strictly after `after` ("" = from start), and whether more
	// remain. All returned keys come from one consistent snapshot; to page,
	// pass the last returned key as `after`.
	Range(ctx context.Context, prefix, after string, limit int) (kvs []KV, more bool, err error)

	// Count returns how many keys have the prefix and the revision of the
	// snapshot it counted: every Apply with a revision up to rev is
	// reflected in n, none after it is.
	Count(ctx context.Context, prefix string) (n int, rev int64, err error)

	// Apply atomically checks every cond and, only if all hold, applies every
	// op, all at one new revision (returned). Deleting an absent key is not an
	// error and is not a change: an Apply that changes nothing (no ops, or only
	// deletes of absent keys) creates no revision and returns the current one.
	// An op's key must not appear in another op of the same call. Fails with
	// ErrConflict (and writes nothing) if a cond fails. When Apply returns nil
	// the write is durable (fsynced): it survives kill -9 and, as far as the
	// disk honours fsync, power loss.
	// The context is only consulted before the write is submitted: once
	// submitted, Apply waits for the outcome so that its result is never
	// ambiguous.
	Apply(ctx context.Context, conds []Cond, ops []Op) (int64, error)

	// Revision returns the current store revision (0 for an empty store).
	Revision(ctx context.Context) (int64, error)

	// Watch delivers, in order, every event with Revision > fromRev for keys
	// with the prefix until ctx is done (the channel is then closed). It fails
	// with ErrCompacted if such events are no longer all available. The
	// channel is also closed, with ctx still live, when the watcher falls too
	// far behind or the store is closed; the events delivered before that are
	// complete up to the last revision received, so the caller can resume
	// with Watch(ctx, prefix, lastRevisionReceived).
	Watch(ctx context.Context, prefix string, fromRev int64) (<-chan Event, error)

	// Close releases the store. In-flight calls finish first; later calls
	// fail with ErrClosed and open watch channels are closed. Calling Close
	// more than once is harmless.
	Close() error
}
