package bolt

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"

	bbolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/iamd/iamd/internal/store"
)

// ErrLocked is returned (wrapped) by Open when the file stays locked by
// another process, or another open Store, for longer than
// Options.LockTimeout.
var ErrLocked = errors.New("store/bolt: database file is locked by another process")

// Defaults for the zero fields of Options.
const (
	// DefaultLockTimeout is the default Options.LockTimeout.
	DefaultLockTimeout = 500 * time.Millisecond
	// DefaultMaxBatchSize is the default Options.MaxBatchSize.
	DefaultMaxBatchSize = 256
	// DefaultWatchHistory is the default Options.WatchHistory.
	DefaultWatchHistory = 4096
	// DefaultWatchHistoryBytes is the default Options.WatchHistoryBytes.
	DefaultWatchHistoryBytes = 64 << 20
	// DefaultWatchQueue is the default Options.WatchQueue.
	DefaultWatchQueue = 1024
)

// schemaVersion is the value of meta/schema written by this package.
const schemaVersion = "1"

// hdrLen is the length of the revision header in front of every value.
const hdrLen = 16

var (
	bucketMeta  = []byte("meta")
	bucketKV    = []byte("kv")
	keySchema   = []byte("schema")
	keyRevision = []byte("revision")
)

// Options configures Open. The zero value selects the defaults.
type Options struct {
	// LockTimeout is how long Open waits for the file lock held by someone
	// else before failing with ErrLocked. 0 means DefaultLockTimeout; a
	// negative value means a single attempt.
	LockTimeout time.Duration
	// MaxBatchSize caps the number of Apply calls committed in one bbolt
	// transaction. 0 means DefaultMaxBatchSize; 1 disables group commit.
	MaxBatchSize int
	// WatchHistory is the number of recent events kept in memory so that
	// Watch can start at a past revision. 0 means DefaultWatchHistory; a
	// negative value keeps none (Watch can then only start at the current
	// revision or later).
	WatchHistory int
	// WatchHistoryBytes bounds the memory of that history (keys and values,
	// roughly); older events are dropped first. 0 means
	// DefaultWatchHistoryBytes.
	WatchHistoryBytes int64
	// WatchQueue is the number of undelivered events a watcher may have
	// queued before it is dropped. 0 means DefaultWatchQueue.
	WatchQueue int
	// FileMode is the permission of a newly created file; 0 means 0600.
	FileMode os.FileMode
}

// Store is a [store.Store] kept in one bbolt file. Create it with Open.
type Store struct {
	db   *bbolt.DB
	path string
	hub  *hub

	// mu guards closed: every call holds it for reading while it uses db,
	// Close takes it for writing.
	mu     sync.RWMutex
	closed bool

	reqs          chan *request
	committerDone chan struct{}
	maxBatch      int

	// writeErr, once set, is returned by every Apply (see the package doc).
	writeErr atomic.Pointer[error]
	// commits counts committed read-write transactions (for tests and
	// benchmarks: applies per commit).
	commits atomic.Int64
	// rev is the last committed revision, kept in memory so that
	// Revision costs no transaction (it is read on every request to
	// validate caches).
	rev atomic.Int64
}

var _ store.Store = (*Store)(nil)

// Open opens or creates the store file at path. The parent directory must
// exist.
func Open(path string, opts Options) (*Store, error) {
	lockTimeout := opts.LockTimeout
	switch {
	case lockTimeout == 0:
		lockTimeout = DefaultLockTimeout
	case lockTimeout < 0:
		lockTimeout = time.Nanosecond
	}
	maxBatch := opts.MaxBatchSize
	if maxBatch <= 0 {
		maxBatch = DefaultMaxBatchSize
	}
	history := opts.WatchHistory
	switch {
	case history == 0:
		history = DefaultWatchHistory
	case history < 0:
		history = 0
	}
	historyBytes := opts.WatchHistoryBytes
	if historyBytes <= 0 {
		historyBytes = DefaultWatchHistoryBytes
	}
	queue := opts.WatchQueue
	if queue <= 0 {
		queue = DefaultWatchQueue
	}
	mode := opts.FileMode
	if mode == 0 {
		mode = 0o600
	}

	db, err := bbolt.Open(path, mode, &bbolt.Options{
		Timeout:        lockTimeout,
		FreelistType:   bbolt.FreelistMapType,
		NoFreelistSync: true,
	})
	if err != nil {
		if errors.Is(err, bolterrors.ErrTimeout) {
			return nil, fmt.Errorf("%w: %s (gave up after %v)", ErrLocked, path, lockTimeout)
		}
		return nil, fmt.Errorf("store/bolt: open %s: %w", path, err)
	}
	var rev int64
	err = db.Update(func(tx *bbolt.Tx) error {
		meta, err := tx.CreateBucketIfNotExists(bucketMeta)
		if err != nil {
			return err
		}
		if _, err := tx.CreateBucketIfNotExists(bucketKV); err != nil {
			return err
		}
		switch v := meta.Get(keySchema); {
		case v == nil:
			if err := meta.Put(keySchema, []byte(schemaVersion)); err != nil {
				return err
			}
		case string(v) != schemaVersion:
			return fmt.Errorf("unsupported schema version %q (want %q)", v, schemaVersion)
		}
		rev, err = decodeRev(meta.Get(keyRevision))
		return err
	})
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("store/bolt: open %s: %w", path, err)
	}
	s := &Store{
		db:            db,
		path:          path,
		hub:           newHub(rev, history, historyBytes, queue),
		reqs:          make(chan *request, maxBatch),
		committerDone: make(chan struct{}),
		maxBatch:      maxBatch,
	}
	s.rev.Store(rev)
	go s.committer()
	return s, nil
}

// Path returns the file name the store was opened with.
func (s *Store) Path() string { return s.path }

// acquire checks ctx and that the store is open; on success the caller must
// call s.mu.RUnlock when done with the database.
func (s *Store) acquire(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return store.ErrClosed
	}
	return nil
}

// Get implements [store.Store.Get].
func (s *Store) Get(ctx context.Context, key string) (store.KV, error) {
	if key == "" {
		return store.KV{}, fmt.Errorf("%w: empty key", store.ErrInvalid)
	}
	if err := s.acquire(ctx); err != nil {
		return store.KV{}, err
	}
	defer s.mu.RUnlock()
	var kv store.KV
	err := s.db.View(func(tx *bbolt.Tx) error {
		v := tx.Bucket(bucketKV).Get([]byte(key))
		if v == nil {
			return store.ErrNotFound
		}
		var err error
		kv, err = decodeKV(key, v)
		return err
	})
	return kv, err
}

// Range implements [store.Store.Range].
func (s *Store) Range(ctx context.Context, prefix, after string, limit int) ([]store.KV, bool, error) {
	if err := s.acquire(ctx); err != nil {
		return nil, false, err
	}
	defer s.mu.RUnlock()
	var (
		kvs  []store.KV
		more bool
	)
	err := s.db.View(func(tx *bbolt.Tx) error {
		p := []byte(prefix)
		start, skip := p, []byte(nil)
		if after != "" && after >= prefix {
			// Every key with the prefix is >= prefix, so only `after`
			// narrows the scan when it sorts at or past the prefix.
			start = []byte(after)
			skip = start
		}
		c := tx.Bucket(bucketKV).Cursor()
		for k, v := c.Seek(start); k != nil && bytes.HasPrefix(k, p); k, v = c.Next() {
			if skip != nil && bytes.Equal(k, skip) {
				continue
			}
			if limit > 0 && len(kvs) == limit {
				more = true
				break
			}
			kv, err := decodeKV(string(k), v)
			if err != nil {
				return err
			}
			kvs = append(kvs, kv)
		}
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	return kvs, more, nil
}

// Count implements [store.Store.Count]. It walks keys only; values are
// neither copied nor decoded.
func (s *Store) Count(ctx context.Context, prefix string) (int, int64, error) {
	if err := s.acquire(ctx); err != nil {
		return 0, 0, err
	}
	defer s.mu.RUnlock()
	var (
		n   int
		rev int64
	)
	err := s.db.View(func(tx *bbolt.Tx) error {
		var err error
		if rev, err = decodeRev(tx.Bucket(bucketMeta).Get(keyRevision)); err != nil {
			return err
		}
		p := []byte(prefix)
		c := tx.Bucket(bucketKV).Cursor()
		for k, _ := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, _ = c.Next() {
			n++
		}
		return nil
	})
	return n, rev, err
}

// Revision implements [store.Store.Revision].
func (s *Store) Revision(ctx context.Context) (int64, error) {
	if err := s.acquire(ctx); err != nil {
		return 0, err
	}
	defer s.mu.RUnlock()
	return s.rev.Load(), nil
}

// Watch implements [store.Store.Watch].
func (s *Store) Watch(ctx context.Context, prefix string, fromRev int64) (<-chan store.Event, error) {
	if fromRev < 0 {
		return nil, fmt.Errorf("%w: negative revision %d", store.ErrInvalid, fromRev)
	}
	if err := s.acquire(ctx); err != nil {
		return nil, err
	}
	defer s.mu.RUnlock()
	return s.hub.watch(ctx, prefix, fromRev)
}

// Close implements [store.Store.Close]. It waits for in-flight calls, stops
// the committer, closes every watch channel and closes the file (releasing
// its lock).
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	// No Apply is in flight any more and none can start: stop the committer.
	close(s.reqs)
	<-s.committerDone
	s.hub.close()
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("store/bolt: close %s: %w", s.path, err)
	}
	return nil
}

// decodeRev decodes the meta revision value (absent means 0).
func decodeRev(v []byte) (int64, error) {
	switch len(v) {
	case 0:
		return 0, nil
	case 8:
		return int64(binary.BigEndian.Uint64(v)), nil
	default:
		return 0, fmt.Errorf("store/bolt: corrupt revision record (%d bytes)", len(v))
	}
}

// decodeKV copies a stored record out of the (transaction-scoped) mmap.
func decodeKV(key string, v []byte) (store.KV, error) {
	if len(v) < hdrLen {
		return store.KV{}, fmt.Errorf("store/bolt: corrupt record for key %q (%d bytes)", key, len(v))
	}
	return store.KV{
		Key:            key,
		Value:          bytes.Clone(v[hdrLen:len(v):len(v)]),
		CreateRevision: int64(binary.BigEndian.Uint64(v[0:8])),
		ModRevision:    int64(binary.BigEndian.Uint64(v[8:16])),
	}, nil
}

// modRevision returns the ModRevision of a stored record.
func modRevision(v []byte) int64 {
	if len(v) < hdrLen {
		return -1
	}
	return int64(binary.BigEndian.Uint64(v[8:16]))
}

// createRevision returns the CreateRevision of a stored record.
func createRevision(v []byte) int64 {
	if len(v) < hdrLen {
		return -1
	}
	return int64(binary.BigEndian.Uint64(v[0:8]))
}
