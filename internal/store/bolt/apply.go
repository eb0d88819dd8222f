package bolt

import (
	"context"
	"encoding/binary"
	"fmt"
	"sync"

	bbolt "go.etcd.io/bbolt"

	"github.com/iamd/iamd/internal/store"
)

// op is a validated store.Op in the form the transaction needs: the key as
// bytes and, for a put, a buffer holding the 16-byte revision header (filled
// in inside the transaction) followed by a private copy of the value.
type op struct {
	key    string
	bkey   []byte
	record []byte // nil for a delete
}

// request is one Apply call travelling to the committer and back.
type request struct {
	conds []store.Cond
	ops   []op

	// Results, set by the committer before it signals done.
	rev    int64
	err    error
	events []store.Event

	done chan struct{}
}

var requestPool = sync.Pool{New: func() any { return &request{done: make(chan struct{}, 1)} }}

// Apply implements [store.Store.Apply]. See the package documentation for
// how concurrent calls are grouped into one commit.
func (s *Store) Apply(ctx context.Context, conds []store.Cond, ops []store.Op) (int64, error) {
	if err := validate(conds, ops); err != nil {
		return 0, err
	}
	if err := s.acquire(ctx); err != nil {
		return 0, err
	}
	defer s.mu.RUnlock()
	if p := s.writeErr.Load(); p != nil {
		return 0, *p
	}

	r := requestPool.Get().(*request)
	r.conds = conds
	r.ops = make([]op, len(ops))
	for i, o := range ops {
		r.ops[i] = op{key: o.Key, bkey: []byte(o.Key)}
		if !o.Delete {
			rec := make([]byte, hdrLen+len(o.Value))
			copy(rec[hdrLen:], o.Value)
			r.ops[i].record = rec
		}
	}
	// s.reqs is only closed by Close, which cannot run while we hold s.mu.
	s.reqs <- r
	<-r.done
	rev, err := r.rev, r.err
	*r = request{done: r.done}
	requestPool.Put(r)
	return rev, err
}

// validate rejects requests that the transaction would fail on, so that an
// error inside the shared transaction means an internal failure.
func validate(conds []store.Cond, ops []store.Op) error {
	for _, c := range conds {
		if err := validKey(c.Key); err != nil {
			return err
		}
		if c.ModRevision < 0 {
			return fmt.Errorf("%w: negative revision %d in condition on %q", store.ErrInvalid, c.ModRevision, c.Key)
		}
	}
	for i, o := range ops {
		if err := validKey(o.Key); err != nil {
			return err
		}
		if !o.Delete && int64(len(o.Value)) > bbolt.MaxValueSize-hdrLen {
			return fmt.Errorf("%w: value of %q is too large (%d bytes)", store.ErrInvalid, o.Key, len(o.Value))
		}
		if len(ops) <= 16 {
			for _, p := range ops[:i] {
				if p.Key == o.Key {
					return fmt.Errorf("%w: key %q named by more than one op", store.ErrInvalid, o.Key)
				}
			}
		}
	}
	if len(ops) > 16 {
		seen := make(map[string]struct{}, len(ops))
		for _, o := range ops {
			if _, dup := seen[o.Key]; dup {
				return fmt.Errorf("%w: key %q named by more than one op", store.ErrInvalid, o.Key)
			}
			seen[o.Key] = struct{}{}
		}
	}
	return nil
}

func validKey(k string) error {
	switch {
	case k == "":
		return fmt.Errorf("%w: empty key", store.ErrInvalid)
	case len(k) > bbolt.MaxKeySize:
		return fmt.Errorf("%w: key of %d bytes exceeds %d", store.ErrInvalid, len(k), bbolt.MaxKeySize)
	}
	return nil
}

// committer is the single writer. It takes whatever requests are queued (at
// least one, at most maxBatch) and commits them in one transaction; requests
// arriving meanwhile queue up for the next round.
func (s *Store) committer() {
	defer close(s.committerDone)
	batch := make([]*request, 0, s.maxBatch)
	for {
		r, ok := <-s.reqs
		if !ok {
			return
		}
		batch = append(batch[:0], r)
	fill:
		for len(batch) < s.maxBatch {
			select {
			case r, ok := <-s.reqs:
				if !ok {
					break fill
				}
				batch = append(batch, r)
			default:
				break fill
			}
		}
		s.commit(batch)
		clear(batch)
	}
}

// commit applies batch in one transaction, each request at its own revision
// and in order, and reports every request's outcome. A request that fails
// inside bbolt is taken out and the rest retried (the same rule as
// bbolt.DB.Batch), so one request's failure never fails the others.
func (s *Store) commit(batch []*request) {
	for len(batch) > 0 {
		if p := s.writeErr.Load(); p != nil {
			for _, r := range batch {
				s.reply(r, 0, *p)
			}
			return
		}
		failed := -1
		committed := int64(-1)
		err := s.db.Update(func(tx *bbolt.Tx) error {
			kv, meta := tx.Bucket(bucketKV), tx.Bucket(bucketMeta)
			start, err := decodeRev(meta.Get(keyRevision))
			if err != nil {
				return err
			}
			rev := start
			for i, r := range batch {
				if rev, err = applyRequest(kv, rev, r); err != nil {
					failed = i
					return err
				}
			}
			if rev == start {
				return nil
			}
			committed = rev
			var b [8]byte
			binary.BigEndian.PutUint64(b[:], uint64(rev))
			return meta.Put(keyRevision, b[:])
		})
		if failed >= 0 {
			s.reply(batch[failed], 0, fmt.Errorf("store/bolt: apply: %w", err))
			batch = append(batch[:failed], batch[failed+1:]...)
			continue
		}
		if err != nil {
			// The commit itself failed: refuse writes from now on.
			err = fmt.Errorf("store/bolt: commit failed, reopen the store: %w", err)
			s.writeErr.CompareAndSwap(nil, &err)
			for _, r := range batch {
				s.reply(r, 0, err)
			}
			return
		}
		s.commits.Add(1)
		if committed >= 0 {
			s.rev.Store(committed)
		}
		for _, r := range batch {
			if len(r.events) > 0 {
				s.hub.publish(r.rev, r.events)
			}
			s.reply(r, r.rev, r.err)
		}
		return
	}
}

func (s *Store) reply(r *request, rev int64, err error) {
	r.rev, r.err = rev, err
	if err != nil {
		r.rev = 0
	}
	r.done <- struct{}{}
}

// applyRequest checks r's conditions against the transaction's state at
// revision rev and, if they hold, writes r's ops at revision rev+1. It
// returns the revision after r. The request's results (rev, err, events)
// are (re)set from scratch, because a retried batch applies it again.
// A failed condition is r's result (ErrConflict), not an error of the
// transaction: nothing of r has been written at that point.
func applyRequest(kv *bbolt.Bucket, rev int64, r *request) (int64, error) {
	r.rev, r.err, r.events = 0, nil, r.events[:0]
	for _, c := range r.conds {
		v := kv.Get([]byte(c.Key))
		switch {
		case c.ModRevision == 0 && v != nil:
			r.err = fmt.Errorf("%w: %q exists (at revision %d)", store.ErrConflict, c.Key, modRevision(v))
		case c.ModRevision != 0 && v == nil:
			r.err = fmt.Errorf("%w: %q does not exist (want revision %d)", store.ErrConflict, c.Key, c.ModRevision)
		case c.ModRevision != 0 && modRevision(v) != c.ModRevision:
			r.err = fmt.Errorf("%w: %q is at revision %d (want %d)", store.ErrConflict, c.Key, modRevision(v), c.ModRevision)
		}
		if r.err != nil {
			return rev, nil
		}
	}
	next := rev + 1
	for _, o := range r.ops {
		old := kv.Get(o.bkey)
		if o.record == nil {
			if old == nil {
				continue // deleting an absent key changes nothing
			}
			if err := kv.Delete(o.bkey); err != nil {
				return rev, err
			}
			r.events = append(r.events, store.Event{Revision: next, Key: o.key, Delete: true})
			continue
		}
		create := next
		if old != nil {
			create = createRevision(old)
		}
		binary.BigEndian.PutUint64(o.record[0:8], uint64(create))
		binary.BigEndian.PutUint64(o.record[8:16], uint64(next))
		if err := kv.Put(o.bkey, o.record); err != nil {
			return rev, err
		}
		n := len(o.record)
		r.events = append(r.events, store.Event{Revision: next, Key: o.key, Value: o.record[hdrLen:n:n]})
	}
	if len(r.events) == 0 {
		r.rev = rev
		return rev, nil
	}
	r.rev = next
	return next, nil
}
