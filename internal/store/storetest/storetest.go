package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/iamd/iamd/internal/store"
)

// eventTimeout bounds every wait for a watch event or channel close.
const eventTimeout = 10 * time.Second

// Run runs the conformance suite, one subtest per property. newStore must
// return a new, empty store for the given (sub)test and arrange for it to be
// closed when that test ends (t.Cleanup); the suite may close it earlier, so
// a second Close must be harmless.
func Run(t *testing.T, newStore func(t *testing.T) store.Store) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"EmptyStore", testEmptyStore},
		{"PutGet", testPutGet},
		{"Values", testValues},
		{"ValueIsolation", testValueIsolation},
		{"Delete", testDelete},
		{"NoopApply", testNoopApply},
		{"RevisionsMonotonic", testRevisionsMonotonic},
		{"RevisionSharedByApply", testRevisionSharedByApply},
		{"CreateRevisionKept", testCreateRevisionKept},
		{"CondMustNotExist", testCondMustNotExist},
		{"CondExactRevision", testCondExactRevision},
		{"ConflictWritesNothing", testConflictWritesNothing},
		{"InvalidArguments", testInvalidArguments},
		{"BinaryKeys", testBinaryKeys},
		{"RangePrefix", testRangePrefix},
		{"RangeAfter", testRangeAfter},
		{"RangeLimitAndPaging", testRangeLimitAndPaging},
		{"Count", testCount},
		{"CountRevision", testCountRevision},
		{"ConcurrentCASCounter", testConcurrentCASCounter},
		{"ConcurrentApplyDistinctRevisions", testConcurrentApplyDistinctRevisions},
		{"ConcurrentConflictIsolation", testConcurrentConflictIsolation},
		{"WatchLive", testWatchLive},
		{"WatchReplay", testWatchReplay},
		{"WatchOpOrderWithinRevision", testWatchOpOrderWithinRevision},
		{"WatchPrefixes", testWatchPrefixes},
		{"WatchNoEventsForNoopOrConflict", testWatchNoEventsForNoopOrConflict},
		{"WatchCancel", testWatchCancel},
		{"ContextCanceled", testContextCanceled},
		{"Close", testClose},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.fn(t, newStore(t))
		})
	}
}

// ---- helpers ----

func put(k, v string) store.Op { return store.Op{Key: k, Value: []byte(v)} }
func del(k string) store.Op    { return store.Op{Key: k, Delete: true} }

func apply(t *testing.T, s store.Store, conds []store.Cond, ops ...store.Op) int64 {
	t.Helper()
	rev, err := s.Apply(context.Background(), conds, ops)
	if err != nil {
		t.Fatalf("Apply(%v, %v): %v", conds, ops, err)
	}
	return rev
}

func mustGet(t *testing.T, s store.Store, key string) store.KV {
	t.Helper()
	kv, err := s.Get(context.Background(), key)
	if err != nil {
		t.Fatalf("Get(%q): %v", key, err)
	}
	if kv.Key != key {
		t.Fatalf("Get(%q).Key = %q", key, kv.Key)
	}
	return kv
}

func mustNotExist(t *testing.T, s store.Store, key string) {
	t.Helper()
	kv, err := s.Get(context.Background(), key)
	if !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get(%q) = %+v, %v; want ErrNotFound", key, kv, err)
	}
}

func revision(t *testing.T, s store.Store) int64 {
	t.Helper()
	rev, err := s.Revision(context.Background())
	if err != nil {
		t.Fatalf("Revision: %v", err)
	}
	return rev
}

func rangeKeys(t *testing.T, s store.Store, prefix, after string, limit int) ([]string, bool) {
	t.Helper()
	kvs, more, err := s.Range(context.Background(), prefix, after, limit)
	if err != nil {
		t.Fatalf("Range(%q, %q, %d): %v", prefix, after, limit, err)
	}
	keys := make([]string, len(kvs))
	for i, kv := range kvs {
		keys[i] = kv.Key
	}
	return keys, more
}

func watch(t *testing.T, s store.Store, prefix string, fromRev int64) <-chan store.Event {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	ch, err := s.Watch(ctx, prefix, fromRev)
	if err != nil {
		t.Fatalf("Watch(%q, %d): %v", prefix, fromRev, err)
	}
	return ch
}

// recv receives exactly n events.
func recv(t *testing.T, ch <-chan store.Event, n int) []store.Event {
	t.Helper()
	var evs []store.Event
	timeout := time.After(eventTimeout)
	for len(evs) < n {
		select {
		case ev, ok := <-ch:
			if !ok {
				t.Fatalf("watch channel closed after %d of %d events: %v", len(evs), n, evs)
			}
			evs = append(evs, ev)
		case <-timeout:
			t.Fatalf("timed out after %d of %d events: %v", len(evs), n, evs)
		}
	}
	return evs
}

// expectQuiet checks that no event arrives for a short while.
func expectQuiet(t *testing.T, ch <-chan store.Event) {
	t.Helper()
	select {
	case ev, ok := <-ch:
		if ok {
			t.Fatalf("unexpected event %+v", ev)
		}
		t.Fatal("watch channel closed unexpectedly")
	case <-time.After(50 * time.Millisecond):
	}
}

func expectClosed(t *testing.T, ch <-chan store.Event) {
	t.Helper()
	timeout := time.After(eventTimeout)
	for {
		select {
		case _, ok := <-ch:
			if !ok {
				return
			}
		case <-timeout:
			t.Fatal("watch channel not closed")
		}
	}
}

func checkEvents(t *testing.T, got, want []store.Event) {
	t.Helper()
	eq := slices.EqualFunc(got, want, func(a, b store.Event) bool {
		if a.Revision != b.Revision || a.Key != b.Key || a.Delete != b.Delete {
			return false
		}
		if a.Delete {
			return len(a.Value) == 0
		}
		return bytes.Equal(a.Value, b.Value)
	})
	if !eq {
		t.Fatalf("events:\n got %v\nwant %v", fmtEvents(got), fmtEvents(want))
	}
}

func fmtEvents(evs []store.Event) string {
	var b bytes.Buffer
	for _, ev := range evs {
		if ev.Delete {
			fmt.Fprintf(&b, "{%d del %q} ", ev.Revision, ev.Key)
		} else {
			fmt.Fprintf(&b, "{%d put %q=%q} ", ev.Revision, ev.Key, ev.Value)
		}
	}
	return b.String()
}

func putEv(rev int64, k, v string) store.Event {
	return store.Event{Revision: rev, Key: k, Value: []byte(v)}
}

func delEv(rev int64, k string) store.Event {
	return store.Event{Revision: rev, Key: k, Delete: true}
}

// ---- basic reads and writes ----

func testEmptyStore(t *testing.T, s store.Store) {
	if rev := revision(t, s); rev < 0 {
		t.Fatalf("Revision of empty store = %d", rev)
	}
	mustNotExist(t, s, "missing")
	if keys, more := rangeKeys(t, s, "", "", 0); len(keys) != 0 || more {
		t.Fatalf("Range on empty store = %q, %v", keys, more)
	}
}

func testPutGet(t *testing.T, s store.Store) {
	before := revision(t, s)
	rev := apply(t, s, nil, put("users/alice", "v1"))
	if rev <= before {
		t.Fatalf("Apply revision %d not after %d", rev, before)
	}
	kv := mustGet(t, s, "users/alice")
	if string(kv.Value) != "v1" || kv.CreateRevision != rev || kv.ModRevision != rev {
		t.Fatalf("Get = %+v; want value v1 at create=mod=%d", kv, rev)
	}
	if cur := revision(t, s); cur < rev {
		t.Fatalf("Revision() = %d after Apply returned %d", cur, rev)
	}
	mustNotExist(t, s, "users/alic")
	mustNotExist(t, s, "users/alice/")
	mustNotExist(t, s, "users/Alice")
}

func testValues(t *testing.T, s store.Store) {
	big := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB
	bin := []byte{0, 1, 2, 0xff, 0xfe, 0x80, 0, '\n'}
	apply(t, s, nil,
		store.Op{Key: "nil", Value: nil},
		store.Op{Key: "empty", Value: []byte{}},
		store.Op{Key: "bin", Value: bin},
		store.Op{Key: "big", Value: big},
	)
	if v := mustGet(t, s, "nil").Value; len(v) != 0 {
		t.Fatalf("nil value read back as %q", v)
	}
	if v := mustGet(t, s, "empty").Value; len(v) != 0 {
		t.Fatalf("empty value read back as %q", v)
	}
	if v := mustGet(t, s, "bin").Value; !bytes.Equal(v, bin) {
		t.Fatalf("binary value read back as %q", v)
	}
	if v := mustGet(t, s, "big").Value; !bytes.Equal(v, big) {
		t.Fatalf("1 MiB value read back wrong (%d bytes)", len(v))
	}
}

func testValueIsolation(t *testing.T, s store.Store) {
	in := []byte("original")
	apply(t, s, nil, store.Op{Key: "k", Value: in})
	copy(in, "XXXXXXXX")
	got := mustGet(t, s, "k").Value
	if string(got) != "original" {
		t.Fatalf("store kept a reference to the caller's value: %q", got)
	}
	copy(got, "YYYYYYYY")
	if v := mustGet(t, s, "k").Value; string(v) != "original" {
		t.Fatalf("Get returned the store's own buffer: %q", v)
	}
	kvs, _, err := s.Range(context.Background(), "k", "", 0)
	if err != nil || len(kvs) != 1 {
		t.Fatalf("Range: %v, %v", kvs, err)
	}
	copy(kvs[0].Value, "ZZZZZZZZ")
	if v := mustGet(t, s, "k").Value; string(v) != "original" {
		t.Fatalf("Range returned the store's own buffer: %q", v)
	}
}

func testDelete(t *testing.T, s store.Store) {
	r1 := apply(t, s, nil, put("a", "1"), put("b", "2"))
	r2 := apply(t, s, nil, del("a"))
	if r2 <= r1 {
		t.Fatalf("delete revision %d not after %d", r2, r1)
	}
	mustNotExist(t, s, "a")
	if kv := mustGet(t, s, "b"); kv.ModRevision != r1 {
		t.Fatalf("b touched by delete of a: %+v", kv)
	}
	// Deleting an absent key is not an error and not a change.
	r3, err := s.Apply(context.Background(), nil, []store.Op{del("a"), del("never")})
	if err != nil {
		t.Fatalf("deleting absent keys: %v", err)
	}
	if r3 != r2 {
		t.Fatalf("deleting absent keys returned revision %d, want unchanged %d", r3, r2)
	}
	if cur := revision(t, s); cur != r2 {
		t.Fatalf("Revision() = %d after no-op delete, want %d", cur, r2)
	}
	// A mixed Apply: the absent delete is skipped, the put happens.
	r4 := apply(t, s, nil, del("never"), put("c", "3"))
	if r4 <= r2 || mustGet(t, s, "c").ModRevision != r4 {
		t.Fatalf("mixed apply at %d after %d: %+v", r4, r2, mustGet(t, s, "c"))
	}
}

func testNoopApply(t *testing.T, s store.Store) {
	r1 := apply(t, s, nil, put("a", "1"))
	if r := apply(t, s, nil); r != r1 {
		t.Fatalf("empty Apply returned %d, want current revision %d", r, r1)
	}
	// Conditions only: a pure check.
	if r := apply(t, s, []store.Cond{{Key: "a", ModRevision: r1}, {Key: "b"}}); r != r1 {
		t.Fatalf("condition-only Apply returned %d, want %d", r, r1)
	}
	if _, err := s.Apply(context.Background(), []store.Cond{{Key: "a"}}, nil); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("failing condition-only Apply: %v, want ErrConflict", err)
	}
	if cur := revision(t, s); cur != r1 {
		t.Fatalf("Revision() = %d after no-op applies, want %d", cur, r1)
	}
}

func testRevisionsMonotonic(t *testing.T, s store.Store) {
	last := revision(t, s)
	for i := range 20 {
		var rev int64
		switch i % 3 {
		case 0:
			rev = apply(t, s, nil, put("k"+strconv.Itoa(i%5), strconv.Itoa(i)))
		case 1:
			rev = apply(t, s, nil, put("k"+strconv.Itoa(i%5), "x"), put("other", "y"))
		case 2:
			rev = apply(t, s, nil, del("other"), put("z", "1"))
		}
		if rev <= last {
			t.Fatalf("write %d got revision %d, not after %d", i, rev, last)
		}
		if cur := revision(t, s); cur < rev {
			t.Fatalf("Revision() = %d after Apply returned %d", cur, rev)
		}
		last = rev
	}
}

func testRevisionSharedByApply(t *testing.T, s store.Store) {
	apply(t, s, nil, put("gone", "x"), put("x", "old"))
	rev := apply(t, s, nil, put("x", "1"), put("y", "2"), put("z/deep/key", "3"), del("gone"))
	for _, k := range []string{"x", "y", "z/deep/key"} {
		if kv := mustGet(t, s, k); kv.ModRevision != rev {
			t.Fatalf("%s: ModRevision %d, want the Apply's revision %d", k, kv.ModRevision, rev)
		}
	}
	mustNotExist(t, s, "gone")
	kvs, _, err := s.Range(context.Background(), "", "", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, kv := range kvs {
		if kv.ModRevision != rev {
			t.Fatalf("%s: ModRevision %d, want %d", kv.Key, kv.ModRevision, rev)
		}
	}
}

func testCreateRevisionKept(t *testing.T, s store.Store) {
	r1 := apply(t, s, nil, put("k", "1"))
	r2 := apply(t, s, nil, put("k", "2"))
	r3 := apply(t, s, nil, put("k", "3"), put("other", "x"))
	kv := mustGet(t, s, "k")
	if kv.CreateRevision != r1 || kv.ModRevision != r3 || string(kv.Value) != "3" {
		t.Fatalf("after updates at %d,%d,%d: %+v", r1, r2, r3, kv)
	}
	apply(t, s, nil, del("k"))
	r5 := apply(t, s, nil, put("k", "again"))
	if kv := mustGet(t, s, "k"); kv.CreateRevision != r5 || kv.ModRevision != r5 {
		t.Fatalf("recreated key: %+v, want create=mod=%d", kv, r5)
	}
}

func testCondMustNotExist(t *testing.T, s store.Store) {
	r1 := apply(t, s, []store.Cond{{Key: "k"}}, put("k", "first"))
	_, err := s.Apply(context.Background(), []store.Cond{{Key: "k"}}, []store.Op{put("k", "second")})
	if !errors.Is(err, store.ErrConflict) {
		t.Fatalf("create of existing key: %v, want ErrConflict", err)
	}
	if kv := mustGet(t, s, "k"); string(kv.Value) != "first" || kv.ModRevision != r1 {
		t.Fatalf("failed create changed the key: %+v", kv)
	}
	// After a delete, "must not exist" holds again.
	apply(t, s, nil, del("k"))
	apply(t, s, []store.Cond{{Key: "k"}}, put("k", "third"))
	// A condition on one key can guard a write to another.
	apply(t, s, []store.Cond{{Key: "lock"}}, put("guarded", "1"))
	apply(t, s, nil, put("lock", "held"))
	if _, err := s.Apply(context.Background(), []store.Cond{{Key: "lock"}}, []store.Op{put("guarded", "2")}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("guarded write with lock held: %v, want ErrConflict", err)
	}
	if v := mustGet(t, s, "guarded").Value; string(v) != "1" {
		t.Fatalf("guarded = %q", v)
	}
}

func testCondExactRevision(t *testing.T, s store.Store) {
	r1 := apply(t, s, nil, put("k", "1"))
	r2 := apply(t, s, []store.Cond{{Key: "k", ModRevision: r1}}, put("k", "2"))
	// r1 is now stale.
	_, err := s.Apply(context.Background(), []store.Cond{{Key: "k", ModRevision: r1}}, []store.Op{put("k", "3")})
	if !errors.Is(err, store.ErrConflict) {
		t.Fatalf("stale revision: %v, want ErrConflict", err)
	}
	// A revision from the future is not the key's revision either.
	if _, err := s.Apply(context.Background(), []store.Cond{{Key: "k", ModRevision: r2 + 1000}}, []store.Op{put("k", "3")}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("future revision: %v, want ErrConflict", err)
	}
	// A nonzero revision on an absent key fails.
	if _, err := s.Apply(context.Background(), []store.Cond{{Key: "absent", ModRevision: r1}}, []store.Op{put("absent", "x")}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("revision condition on absent key: %v, want ErrConflict", err)
	}
	mustNotExist(t, s, "absent")
	// An update of another key does not change k's ModRevision.
	apply(t, s, nil, put("other", "x"))
	r3 := apply(t, s, []store.Cond{{Key: "k", ModRevision: r2}, {Key: "absent"}}, put("k", "3"), del("other"))
	if kv := mustGet(t, s, "k"); string(kv.Value) != "3" || kv.ModRevision != r3 || kv.CreateRevision != r1 {
		t.Fatalf("k = %+v", kv)
	}
	// Condition and delete: delete only if unchanged.
	if _, err := s.Apply(context.Background(), []store.Cond{{Key: "k", ModRevision: r2}}, []store.Op{del("k")}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("conditional delete with stale revision: %v", err)
	}
	apply(t, s, []store.Cond{{Key: "k", ModRevision: r3}}, del("k"))
	mustNotExist(t, s, "k")
}

func testConflictWritesNothing(t *testing.T, s store.Store) {
	var setup []store.Op
	for i := range 40 {
		setup = append(setup, put(fmt.Sprintf("item/%02d", i), "orig"))
	}
	base := apply(t, s, nil, setup...)

	var ops []store.Op
	var conds []store.Cond
	for i := range 40 {
		k := fmt.Sprintf("item/%02d", i)
		conds = append(conds, store.Cond{Key: k, ModRevision: base})
		if i%4 == 0 {
			ops = append(ops, del(k))
		} else {
			ops = append(ops, put(k, "changed"))
		}
	}
	for i := range 20 {
		ops = append(ops, put(fmt.Sprintf("new/%02d", i), "new"))
	}
	// Every condition holds except the last one.
	conds = append(conds, store.Cond{Key: "item/39", ModRevision: base + 1000})
	_, err := s.Apply(context.Background(), conds, ops)
	if !errors.Is(err, store.ErrConflict) {
		t.Fatalf("Apply with one failing condition: %v, want ErrConflict", err)
	}
	if rev := revision(t, s); rev != base {
		t.Fatalf("conflicting Apply moved the revision from %d to %d", base, rev)
	}
	kvs, _, err := s.Range(context.Background(), "", "", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(kvs) != 40 {
		t.Fatalf("conflicting Apply changed the key set: %d keys", len(kvs))
	}
	for _, kv := range kvs {
		if string(kv.Value) != "orig" || kv.ModRevision != base {
			t.Fatalf("conflicting Apply wrote %+v", kv)
		}
	}
	// The same Apply without the failing condition applies everything.
	rev := apply(t, s, conds[:40], ops...)
	keys, _ := rangeKeys(t, s, "", "", 0)
	if len(keys) != 30+20 {
		t.Fatalf("after successful Apply: %d keys, want 50", len(keys))
	}
	if kv := mustGet(t, s, "item/01"); string(kv.Value) != "changed" || kv.ModRevision != rev {
		t.Fatalf("item/01 = %+v", kv)
	}
}

func testInvalidArguments(t *testing.T, s store.Store) {
	ctx := context.Background()
	cases := []struct {
		name  string
		conds []store.Cond
		ops   []store.Op
	}{
		{"empty op key", nil, []store.Op{put("", "x")}},
		{"empty delete key", nil, []store.Op{del("")}},
		{"empty cond key", []store.Cond{{Key: ""}}, []store.Op{put("a", "x")}},
		{"negative cond revision", []store.Cond{{Key: "a", ModRevision: -1}}, []store.Op{put("a", "x")}},
		{"duplicate put", nil, []store.Op{put("a", "1"), put("b", "2"), put("a", "3")}},
		{"put and delete of one key", nil, []store.Op{put("a", "1"), del("a")}},
	}
	var many []store.Op
	for i := range 100 {
		many = append(many, put(fmt.Sprintf("m%03d", i), "x"))
	}
	many = append(many, put("m050", "dup"))
	cases = append(cases, struct {
		name  string
		conds []store.Cond
		ops   []store.Op
	}{"duplicate among many", nil, many})

	for _, c := range cases {
		if _, err := s.Apply(ctx, c.conds, c.ops); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("%s: Apply error %v, want ErrInvalid", c.name, err)
		}
	}
	if _, err := s.Get(ctx, ""); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("Get(\"\"): %v, want ErrInvalid", err)
	}
	if _, err := s.Watch(ctx, "", -1); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("Watch from revision -1: %v, want ErrInvalid", err)
	}
	if keys, _ := rangeKeys(t, s, "", "", 0); len(keys) != 0 {
		t.Fatalf("invalid Applies wrote %q", keys)
	}
}

// ---- keys and ranges ----

// awkwardKeys are keys whose byte order differs from what naive string or
// rune handling would give, including bytes >= 0x80, NUL and invalid UTF-8.
var awkwardKeys = []string{
	"a", "a/", "a/1", "a/10", "a/2", "a/b", "a/b/", "a/b/1", "a/b/2", "a/bc",
	"a/\x00", "a/\x7f", "a/\x80", "a/\xc3\xa9", "a/\xff", "a/\xff\xff",
	"a0", "a\x00", "a\xff", "ab", "b", "\x00", "\x01", "\x7f", "\x80", "\xfe\xff", "\xff",
	"users/alice", "users/alice/keys/1", "users/alice2", "users/bob", "é", "日本",
}

func loadAwkward(t *testing.T, s store.Store) []string {
	t.Helper()
	ops := make([]store.Op, len(awkwardKeys))
	for i, k := range awkwardKeys {
		ops[i] = put(k, "v:"+k)
	}
	apply(t, s, nil, ops...)
	sorted := slices.Clone(awkwardKeys)
	slices.Sort(sorted) // Go string order is byte order
	return sorted
}

func withPrefix(keys []string, prefix string) []string {
	var out []string
	for _, k := range keys {
		if len(k) >= len(prefix) && k[:len(prefix)] == prefix {
			out = append(out, k)
		}
	}
	return out
}

func testBinaryKeys(t *testing.T, s store.Store) {
	sorted := loadAwkward(t, s)
	for _, k := range awkwardKeys {
		if v := mustGet(t, s, k).Value; string(v) != "v:"+k {
			t.Fatalf("Get(%q) = %q", k, v)
		}
	}
	keys, more := rangeKeys(t, s, "", "", 0)
	if more || !slices.Equal(keys, sorted) {
		t.Fatalf("Range(all) = %q, more=%v;\nwant %q (byte order)", keys, more, sorted)
	}
	kvs, _, err := s.Range(context.Background(), "", "", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, kv := range kvs {
		if string(kv.Value) != "v:"+kv.Key || kv.ModRevision == 0 || kv.CreateRevision == 0 {
			t.Fatalf("Range returned %+v", kv)
		}
	}
}

func testRangePrefix(t *testing.T, s store.Store) {
	sorted := loadAwkward(t, s)
	for _, prefix := range []string{"a", "a/", "a/b", "a/b/", "a/\xff", "\xff", "\x00", "users/alice", "users/alice/", "users/", "é", "zzz", "a/b/2/", "\xff\xff"} {
		keys, more := rangeKeys(t, s, prefix, "", 0)
		want := withPrefix(sorted, prefix)
		if more || !slices.Equal(keys, want) {
			t.Errorf("Range(%q) = %q, more=%v; want %q", prefix, keys, more, want)
		}
	}
}

func testCount(t *testing.T, s store.Store) {
	sorted := loadAwkward(t, s)
	for _, prefix := range []string{"", "a", "a/", "a/b", "a/b/", "a/\xff", "\xff", "\x00", "users/alice", "users/", "é", "zzz", "\xff\xff"} {
		n, rev, err := s.Count(context.Background(), prefix)
		if err != nil {
			t.Fatal(err)
		}
		if want := len(withPrefix(sorted, prefix)); n != want {
			t.Errorf("Count(%q) = %d; want %d", prefix, n, want)
		}
		if want := revision(t, s); rev != want {
			t.Errorf("Count(%q) revision %d; want %d", prefix, rev, want)
		}
	}
}

// testCountRevision checks that the revision a Count returns places every
// write on the right side of it, while writes race with the counts.
func testCountRevision(t *testing.T, s store.Store) {
	const writes = 200
	revs := make(chan int64, writes)
	go func() {
		defer close(revs)
		for i := range writes {
			rev, err := s.Apply(context.Background(), nil, []store.Op{put(fmt.Sprintf("c/%04d", i), "v")})
			if err != nil {
				t.Error(err)
				return
			}
			revs <- rev
		}
	}()
	type sample struct {
		n   int
		rev int64
	}
	var samples []sample
	for range 50 {
		n, rev, err := s.Count(context.Background(), "c/")
		if err != nil {
			t.Fatal(err)
		}
		samples = append(samples, sample{n, rev})
	}
	var applied []int64
	for rev := range revs {
		applied = append(applied, rev)
	}
	for _, smp := range samples {
		want := 0
		for _, r := range applied {
			if r <= smp.rev {
				want++
			}
		}
		if smp.n != want {
			t.Errorf("Count at revision %d = %d; %d writes had applied by then", smp.rev, smp.n, want)
		}
	}
}

func testRangeAfter(t *testing.T, s store.Store) {
	sorted := loadAwkward(t, s)
	for _, tc := range []struct{ prefix, after string }{
		{"a/", "a/1"},        // existing key: strictly after
		{"a/", "a/10"},       //
		{"a/", "a/3"},        // absent key between a/2 and a/b
		{"a/", "a/"},         // the prefix itself (a key here) is excluded
		{"a/", "a"},          // before the prefix: everything
		{"a/", ""},           // from the start
		{"a/", "a/\xff\xff"}, // the last key: nothing
		{"a/", "b"},          // past the prefix: nothing
		{"a/b/", "a/b/1"},    // nested prefix
		{"", "a\xff"},        // whole space
		{"", "\xff"},         // after the highest key
		{"users/alice", "users/alice/keys/1"},
	} {
		keys, more := rangeKeys(t, s, tc.prefix, tc.after, 0)
		var want []string
		for _, k := range withPrefix(sorted, tc.prefix) {
			if tc.after == "" || k > tc.after {
				want = append(want, k)
			}
		}
		if more || !slices.Equal(keys, want) {
			t.Errorf("Range(%q, after %q) = %q, more=%v; want %q", tc.prefix, tc.after, keys, more, want)
		}
	}
}

func testRangeLimitAndPaging(t *testing.T, s store.Store) {
	sorted := loadAwkward(t, s)
	for _, prefix := range []string{"", "a/", "a/b/", "users/"} {
		want := withPrefix(sorted, prefix)
		// limit <= 0: no limit.
		for _, limit := range []int{0, -1} {
			if keys, more := rangeKeys(t, s, prefix, "", limit); more || !slices.Equal(keys, want) {
				t.Fatalf("Range(%q, limit %d) = %q, %v", prefix, limit, keys, more)
			}
		}
		// Exactly as many as there are: more is false.
		if keys, more := rangeKeys(t, s, prefix, "", len(want)); more || !slices.Equal(keys, want) {
			t.Fatalf("Range(%q, limit %d) = %q, more=%v", prefix, len(want), keys, more)
		}
		if len(want) > 1 {
			if keys, more := rangeKeys(t, s, prefix, "", len(want)-1); !more || !slices.Equal(keys, want[:len(want)-1]) {
				t.Fatalf("Range(%q, limit %d) = %q, more=%v", prefix, len(want)-1, keys, more)
			}
		}
		// Paging with every page size collects every key exactly once.
		for limit := 1; limit <= len(want)+1; limit++ {
			var got []string
			after := ""
			for page := 0; ; page++ {
				if page > len(want)+1 {
					t.Fatalf("paging Range(%q) with limit %d does not end", prefix, limit)
				}
				keys, more := rangeKeys(t, s, prefix, after, limit)
				if len(keys) > limit {
					t.Fatalf("Range returned %d keys for limit %d", len(keys), limit)
				}
				got = append(got, keys...)
				if !more {
					break
				}
				if len(keys) != limit {
					t.Fatalf("Range returned %d < limit %d keys with more=true", len(keys), limit)
				}
				after = keys[len(keys)-1]
			}
			if !slices.Equal(got, want) {
				t.Fatalf("paging Range(%q) with limit %d = %q; want %q", prefix, limit, got, want)
			}
		}
	}
}

// ---- concurrency ----

func testConcurrentCASCounter(t *testing.T, s store.Store) {
	const workers, incs = 8, 15
	ctx := context.Background()
	apply(t, s, nil, put("counter", "0"))
	var (
		wg        sync.WaitGroup
		mu        sync.Mutex
		revs      = map[int64]bool{}
		conflicts int
		failure   error
	)
	fail := func(err error) {
		mu.Lock()
		if failure == nil {
			failure = err
		}
		mu.Unlock()
	}
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for done := 0; done < incs; {
				kv, err := s.Get(ctx, "counter")
				if err != nil {
					fail(err)
					return
				}
				n, err := strconv.Atoi(string(kv.Value))
				if err != nil {
					fail(err)
					return
				}
				rev, err := s.Apply(ctx, []store.Cond{{Key: "counter", ModRevision: kv.ModRevision}},
					[]store.Op{put("counter", strconv.Itoa(n+1))})
				if errors.Is(err, store.ErrConflict) {
					mu.Lock()
					conflicts++
					mu.Unlock()
					continue
				}
				if err != nil {
					fail(err)
					return
				}
				mu.Lock()
				if revs[rev] {
					failure = fmt.Errorf("revision %d returned to two successful increments", rev)
				}
				revs[rev] = true
				mu.Unlock()
				done++
			}
		}()
	}
	wg.Wait()
	if failure != nil {
		t.Fatal(failure)
	}
	kv := mustGet(t, s, "counter")
	if string(kv.Value) != strconv.Itoa(workers*incs) {
		t.Fatalf("counter = %s after %d increments (%d conflicts retried): lost updates", kv.Value, workers*incs, conflicts)
	}
	t.Logf("%d increments, %d conflicts retried", workers*incs, conflicts)
}

func testConcurrentApplyDistinctRevisions(t *testing.T, s store.Store) {
	const workers, writes = 16, 8
	ctx := context.Background()
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		revs = map[int64]string{}
		errs []error
	)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range writes {
				k := fmt.Sprintf("w%02d/%02d", w, i)
				rev, err := s.Apply(ctx, []store.Cond{{Key: k}}, []store.Op{put(k, k), put(fmt.Sprintf("last/%02d", w), k)})
				mu.Lock()
				if err != nil {
					errs = append(errs, err)
				} else if other, dup := revs[rev]; dup {
					errs = append(errs, fmt.Errorf("revision %d returned for %s and %s", rev, other, k))
				} else {
					revs[rev] = k
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(errs) > 0 {
		t.Fatal(errors.Join(errs...))
	}
	for rev, k := range revs {
		kv := mustGet(t, s, k)
		if kv.ModRevision != rev || kv.CreateRevision != rev || string(kv.Value) != k {
			t.Fatalf("%s = %+v; Apply returned revision %d", k, kv, rev)
		}
	}
	for w := range workers {
		kv := mustGet(t, s, fmt.Sprintf("last/%02d", w))
		if want := fmt.Sprintf("w%02d/%02d", w, writes-1); string(kv.Value) != want {
			t.Fatalf("last/%02d = %s, want %s (writes of one goroutine reordered)", w, kv.Value, want)
		}
	}
	var max int64
	for rev := range revs {
		max = maxInt64(max, rev)
	}
	if cur := revision(t, s); cur < max {
		t.Fatalf("Revision() = %d < highest returned %d", cur, max)
	}
}

// testConcurrentConflictIsolation runs conflicting and succeeding Applies
// side by side (so that a backend that groups them into one transaction is
// exercised): each conflicting one must fail alone and write nothing.
func testConcurrentConflictIsolation(t *testing.T, s store.Store) {
	ctx := context.Background()
	apply(t, s, nil, put("taken", "x"))
	const n = 32
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			k := fmt.Sprintf("k%02d", i)
			conds := []store.Cond{{Key: k}}
			if i%2 == 1 {
				conds = append(conds, store.Cond{Key: "taken"}) // fails
			}
			_, errs[i] = s.Apply(ctx, conds, []store.Op{put(k, "v"), put(fmt.Sprintf("side/%02d", i), "v")})
		}()
	}
	wg.Wait()
	for i, err := range errs {
		k := fmt.Sprintf("k%02d", i)
		if i%2 == 1 {
			if !errors.Is(err, store.ErrConflict) {
				t.Fatalf("Apply %d: %v, want ErrConflict", i, err)
			}
			mustNotExist(t, s, k)
			mustNotExist(t, s, fmt.Sprintf("side/%02d", i))
		} else {
			if err != nil {
				t.Fatalf("Apply %d failed next to conflicting ones: %v", i, err)
			}
			mustGet(t, s, k)
			mustGet(t, s, fmt.Sprintf("side/%02d", i))
		}
	}
}

func maxInt64(a, b int64) int64 {
	if a > b {
		return a
	}
	return b
}

// ---- watch ----

func testWatchLive(t *testing.T, s store.Store) {
	apply(t, s, nil, put("w/old", "0"))
	from := revision(t, s)
	ch := watch(t, s, "w/", from)
	r1 := apply(t, s, nil, put("w/a", "1"))
	apply(t, s, nil, put("x/a", "ignored"))
	r3 := apply(t, s, nil, put("w/a", "2"), put("x/b", "ignored"), put("w/b", "3"))
	r4 := apply(t, s, nil, del("w/a"), del("w/nothing"))
	r5 := apply(t, s, nil, put("w/", "prefix itself"))
	checkEvents(t, recv(t, ch, 5), []store.Event{
		putEv(r1, "w/a", "1"),
		putEv(r3, "w/a", "2"),
		putEv(r3, "w/b", "3"),
		delEv(r4, "w/a"),
		putEv(r5, "w/", "prefix itself"),
	})
	expectQuiet(t, ch)
}

func testWatchReplay(t *testing.T, s store.Store) {
	apply(t, s, nil, put("q/x", "before"))
	r0 := revision(t, s)
	r1 := apply(t, s, nil, put("r/a", "1"))
	r2 := apply(t, s, nil, put("r/b", "2"), put("q/x", "no"))
	r3 := apply(t, s, nil, del("r/a"))
	// From before r1: everything; from r1: strictly after r1.
	checkEvents(t, recv(t, watch(t, s, "r/", r0), 3), []store.Event{
		putEv(r1, "r/a", "1"), putEv(r2, "r/b", "2"), delEv(r3, "r/a"),
	})
	ch := watch(t, s, "r/", r1)
	checkEvents(t, recv(t, ch, 2), []store.Event{putEv(r2, "r/b", "2"), delEv(r3, "r/a")})
	// Replay continues seamlessly into live events.
	r4 := apply(t, s, nil, put("r/c", "4"))
	checkEvents(t, recv(t, ch, 1), []store.Event{putEv(r4, "r/c", "4")})
	expectQuiet(t, ch)
	// From the current revision: nothing until the next write.
	ch = watch(t, s, "r/", r4)
	expectQuiet(t, ch)
	r5 := apply(t, s, nil, put("r/d", "5"))
	checkEvents(t, recv(t, ch, 1), []store.Event{putEv(r5, "r/d", "5")})
}

func testWatchOpOrderWithinRevision(t *testing.T, s store.Store) {
	apply(t, s, nil, put("o/m", "old"))
	ch := watch(t, s, "o/", revision(t, s))
	rev := apply(t, s, nil, put("o/z", "1"), del("o/m"), put("o/a", "2"), put("o/q", "3"))
	checkEvents(t, recv(t, ch, 4), []store.Event{
		putEv(rev, "o/z", "1"), delEv(rev, "o/m"), putEv(rev, "o/a", "2"), putEv(rev, "o/q", "3"),
	})
}

func testWatchPrefixes(t *testing.T, s store.Store) {
	from := revision(t, s)
	all := watch(t, s, "", from)
	users := watch(t, s, "users/", from)
	alice := watch(t, s, "users/alice/", from)
	high := watch(t, s, "\xff", from)
	r1 := apply(t, s, nil, put("users/alice/k1", "a"), put("users/alice2", "b"), put("groups/g", "c"))
	r2 := apply(t, s, nil, put("\xff\x00", "d"), put("users/bob", "e"))
	checkEvents(t, recv(t, all, 5), []store.Event{
		putEv(r1, "users/alice/k1", "a"), putEv(r1, "users/alice2", "b"), putEv(r1, "groups/g", "c"),
		putEv(r2, "\xff\x00", "d"), putEv(r2, "users/bob", "e"),
	})
	checkEvents(t, recv(t, users, 3), []store.Event{
		putEv(r1, "users/alice/k1", "a"), putEv(r1, "users/alice2", "b"), putEv(r2, "users/bob", "e"),
	})
	checkEvents(t, recv(t, alice, 1), []store.Event{putEv(r1, "users/alice/k1", "a")})
	checkEvents(t, recv(t, high, 1), []store.Event{putEv(r2, "\xff\x00", "d")})
	for _, ch := range []<-chan store.Event{all, users, alice, high} {
		expectQuiet(t, ch)
	}
}

func testWatchNoEventsForNoopOrConflict(t *testing.T, s store.Store) {
	apply(t, s, nil, put("n/a", "1"))
	ch := watch(t, s, "n/", revision(t, s))
	if _, err := s.Apply(context.Background(), []store.Cond{{Key: "n/a"}}, []store.Op{put("n/a", "2"), put("n/b", "2")}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("Apply: %v, want ErrConflict", err)
	}
	apply(t, s, nil, del("n/absent"))
	apply(t, s, nil)
	rev := apply(t, s, nil, put("n/c", "3"))
	checkEvents(t, recv(t, ch, 1), []store.Event{putEv(rev, "n/c", "3")})
	expectQuiet(t, ch)
}

func testWatchCancel(t *testing.T, s store.Store) {
	ctx, cancel := context.WithCancel(context.Background())
	ch, err := s.Watch(ctx, "c/", revision(t, s))
	if err != nil {
		t.Fatal(err)
	}
	rev := apply(t, s, nil, put("c/1", "x"))
	checkEvents(t, recv(t, ch, 1), []store.Event{putEv(rev, "c/1", "x")})
	// Leave an event undelivered, then cancel: the channel must close
	// even though nobody reads the pending event.
	apply(t, s, nil, put("c/2", "y"))
	cancel()
	expectClosed(t, ch)
	// Writes after the watcher is gone are unaffected.
	apply(t, s, nil, put("c/3", "z"))
}

func testContextCanceled(t *testing.T, s store.Store) {
	apply(t, s, nil, put("k", "v"))
	before := revision(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Get(ctx, "k"); !errors.Is(err, context.Canceled) {
		t.Errorf("Get: %v, want context.Canceled", err)
	}
	if _, _, err := s.Range(ctx, "", "", 0); !errors.Is(err, context.Canceled) {
		t.Errorf("Range: %v, want context.Canceled", err)
	}
	if _, err := s.Revision(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Revision: %v, want context.Canceled", err)
	}
	if _, err := s.Apply(ctx, nil, []store.Op{put("k", "changed"), put("new", "x")}); !errors.Is(err, context.Canceled) {
		t.Errorf("Apply: %v, want context.Canceled", err)
	}
	if _, err := s.Watch(ctx, "", before); !errors.Is(err, context.Canceled) {
		t.Errorf("Watch: %v, want context.Canceled", err)
	}
	dctx, dcancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer dcancel()
	if _, err := s.Get(dctx, "k"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Get past deadline: %v, want context.DeadlineExceeded", err)
	}
	if _, err := s.Apply(dctx, nil, []store.Op{put("k", "changed")}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Apply past deadline: %v, want context.DeadlineExceeded", err)
	}
	if rev := revision(t, s); rev != before {
		t.Fatalf("revision moved from %d to %d with a canceled context", before, rev)
	}
	if v := mustGet(t, s, "k").Value; string(v) != "v" {
		t.Fatalf("k = %q after canceled Apply", v)
	}
	mustNotExist(t, s, "new")
}

func testClose(t *testing.T, s store.Store) {
	ctx := context.Background()
	apply(t, s, nil, put("k", "v"))
	ch := watch(t, s, "", revision(t, s))
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	expectClosed(t, ch)
	if _, err := s.Get(ctx, "k"); !errors.Is(err, store.ErrClosed) {
		t.Errorf("Get after Close: %v, want ErrClosed", err)
	}
	if _, _, err := s.Range(ctx, "", "", 0); !errors.Is(err, store.ErrClosed) {
		t.Errorf("Range after Close: %v, want ErrClosed", err)
	}
	if _, err := s.Apply(ctx, nil, []store.Op{put("k", "w")}); !errors.Is(err, store.ErrClosed) {
		t.Errorf("Apply after Close: %v, want ErrClosed", err)
	}
	if _, err := s.Revision(ctx); !errors.Is(err, store.ErrClosed) {
		t.Errorf("Revision after Close: %v, want ErrClosed", err)
	}
	if _, err := s.Watch(ctx, "", 0); !errors.Is(err, store.ErrClosed) {
		t.Errorf("Watch after Close: %v, want ErrClosed", err)
	}
	_ = s.Close() // harmless
}
