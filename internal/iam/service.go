package iam

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/iamd/iamd/internal/apierr"
	"github.com/iamd/iamd/internal/iam/managed"
	"github.com/iamd/iamd/internal/schema"
	"github.com/iamd/iamd/internal/secrets"
	"github.com/iamd/iamd/internal/store"
)

// Config wires a Service.
type Config struct {
	Store     store.Store
	AccountID string
	Now       func() time.Time
	Rand      io.Reader // source of ids; crypto/rand in production
	// Sealer encrypts access key secrets at rest.
	Sealer *secrets.Sealer
	// Catalogue holds the AWS managed policies.
	Catalogue *managed.Catalogue
	// Quotas are the account's adjustable quotas; zero fields are AWS's
	// defaults.
	Quotas Quotas
	// RootAccessKeyID is the root access key iamd was started with; it
	// is listed among root's keys and counts against their quota.
	RootAccessKeyID string
}

// Service implements the IAM operations.
type Service struct {
	st        store.Store
	account   string
	now       func() time.Time
	rand      io.Reader
	catalogue *managed.Catalogue
	keys      *keyCache
	policies  *compiledCache
	sets      *setCache
	views     *viewCache
	sealer    *secrets.Sealer
	quotas    Quotas
	counts    entityCounts
	rootKey   string
}

// New returns a Service.
func New(cfg Config) *Service {
	return &Service{st: cfg.Store, account: cfg.AccountID, now: cfg.Now, rand: cfg.Rand, sealer: cfg.Sealer, catalogue: cfg.Catalogue, quotas: cfg.Quotas.withDefaults(), rootKey: cfg.RootAccessKeyID, keys: newKeyCache(), policies: newCompiledCache(), sets: newSetCache(), views: newViewCache()}
}

// AccountID is the account this service manages.
func (s *Service) AccountID() string { return s.account }

// maxRetries bounds optimistic-concurrency retries of one write.
const maxRetries = 16

// retry runs an optimistic read-modify-write until it applies without a
// revision conflict.
func (s *Service) retry(ctx context.Context, f func() error) error {
	for i := 0; ; i++ {
		err := f()
		if !errors.Is(err, store.ErrConflict) {
			return err
		}
		if i == maxRetries {
			return apierr.New("ConcurrentModification", 409, "The request was rejected because multiple requests to change this object were submitted simultaneously. Wait a few minutes and submit your request again.")
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
}

// getJSON reads and decodes a record; found is false if the key is absent.
func (s *Service) getJSON(ctx context.Context, key string, v any) (rev int64, found bool, err error) {
	kv, err := s.st.Get(ctx, key)
	if errors.Is(err, store.ErrNotFound) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	if err := json.Unmarshal(kv.Value, v); err != nil {
		return 0, false, fmt.Errorf("decode %s: %w", key, err)
	}
	return kv.ModRevision, true, nil
}

// hasAny reports whether any key has the prefix.
func (s *Service) hasAny(ctx context.Context, prefix string) (bool, error) {
	kvs, _, err := s.st.Range(ctx, prefix, "", 1)
	return len(kvs) > 0, err
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // records are plain structs; this cannot fail
	}
	return b
}

// getNamed reads a record by key, answering notFound's error when absent.
func getNamed[T any](ctx context.Context, s *Service, key string, notFound func() error) (*T, int64, error) {
	var v T
	rev, ok, err := s.getJSON(ctx, key, &v)
	if err != nil {
		return nil, 0, err
	}
	if !ok {
		return nil, 0, notFound()
	}
	return &v, rev, nil
}

// rename names one record kind's keys for rewriteNamed.
type rename struct {
	oldKey  string // where the record is, read at rev
	rev     int64
	newKey  string // where it goes (oldKey when the name is unchanged)
	idKey   string // its unique-id index, which holds the lower-case name
	newName string
	taken   func() error // the error when newKey is another record's
}

// rewriteNamed writes a record read at r.rev back under its (possibly new)
// name in one transaction: on a rename the old key goes, the id index
// follows, and the new name must be free without regard to case.
func (s *Service) rewriteNamed(ctx context.Context, r rename, rec any) error {
	conds := []store.Cond{{Key: r.oldKey, ModRevision: r.rev}}
	var ops []store.Op
	if r.newKey != r.oldKey {
		if _, err := s.st.Get(ctx, r.newKey); err == nil {
			return r.taken()
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		conds = append(conds, store.Cond{Key: r.newKey})
		ops = append(ops, store.Op{Key: r.oldKey, Delete: true}, store.Op{Key: r.idKey, Value: []byte(schema.Lower(r.newName))})
	}
	ops = append(ops, store.Op{Key: r.newKey, Value: mustJSON(rec)})
	_, err := s.st.Apply(ctx, conds, ops)
	return err
}

// byID reads a record through its unique-id index (nil if either is
// gone). The record is read-only (see viewNamed).
func byID[T any](ctx context.Context, s *Service, idKey string, recordKey func(lower string) string) (*T, error) {
	gone := func() error { return errGone }
	name, err := viewWith(ctx, s, idKey, gone, func(b []byte, v *string) error { *v = string(b); return nil })
	if err == errGone {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	v, err := viewNamed[T](ctx, s, recordKey(*name), gone)
	if err == errGone {
		return nil, nil
	}
	return v, err
}

// errGone marks a record that is absent where absence is not an error.
var errGone = errors.New("iam: record gone")

// checkOwned answers DeleteConflict, with AWS's message for the family,
// while the entity still owns keys in any of the families.
func (s *Service) checkOwned(ctx context.Context, owned []schema.Owned, id string) error {
	for _, o := range owned {
		has, err := s.hasAny(ctx, schema.OwnedPrefix(s.account, o.Family, id))
		if err != nil {
			return err
		}
		if has {
			return apierr.DeleteConflict("%s", o.Conflict)
		}
	}
	return nil
}
