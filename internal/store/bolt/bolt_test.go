package bolt

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/iamd/iamd/internal/store"
	"github.com/iamd/iamd/internal/store/storetest"
)

func openTemp(t testing.TB, opts Options) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "iamd.db")
	s, err := Open(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s, path
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s, _ := openTemp(t, Options{})
		return s
	})
}

// The conformance suite again with group commit disabled
// and a short watch history.
func TestConformanceNoBatching(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	storetest.Run(t, func(t *testing.T) store.Store {
		s, _ := openTemp(t, Options{MaxBatchSize: 1, WatchHistory: 64})
		return s
	})
}

func put(k, v string) store.Op { return store.Op{Key: k, Value: []byte(v)} }

func mustApply(t testing.TB, s store.Store, conds []store.Cond, ops ...store.Op) int64 {
	t.Helper()
	rev, err := s.Apply(context.Background(), conds, ops)
	if err != nil {
		t.Fatal(err)
	}
	return rev
}

func TestRevisionsConsecutive(t *testing.T) {
	s, _ := openTemp(t, Options{})
	ctx := context.Background()
	if rev, _ := s.Revision(ctx); rev != 0 {
		t.Fatalf("empty store at revision %d", rev)
	}
	for want := int64(1); want <= 5; want++ {
		if rev := mustApply(t, s, nil, put("k", "v"), put(fmt.Sprint(want), "x")); rev != want {
			t.Fatalf("write %d at revision %d", want, rev)
		}
	}
	if rev := mustApply(t, s, nil, store.Op{Key: "absent", Delete: true}); rev != 5 {
		t.Fatalf("no-op write returned %d", rev)
	}
	if rev := mustApply(t, s, nil, put("k", "v")); rev != 6 {
		t.Fatalf("next write at %d, want 6", rev)
	}
}

func TestReopenKeepsDataAndRevision(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "iamd.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	r1 := mustApply(t, s, nil, put("users/a", "1"), put("users/b", "2"))
	r2 := mustApply(t, s, nil, put("users/a", "1b"))
	r3 := mustApply(t, s, nil, store.Op{Key: "users/b", Delete: true})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if rev, err := s.Revision(ctx); err != nil || rev != r3 {
		t.Fatalf("Revision after reopen = %d, %v; want %d", rev, err, r3)
	}
	kv, err := s.Get(ctx, "users/a")
	if err != nil || string(kv.Value) != "1b" || kv.CreateRevision != r1 || kv.ModRevision != r2 {
		t.Fatalf("users/a after reopen = %+v, %v", kv, err)
	}
	if _, err := s.Get(ctx, "users/b"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("deleted key after reopen: %v", err)
	}
	// Revisions continue where they were, even though the last write was a
	// delete (no tombstone records it).
	if rev := mustApply(t, s, nil, put("users/c", "3")); rev != r3+1 {
		t.Fatalf("first write after reopen at %d, want %d", rev, r3+1)
	}
	// History is not persisted: watching from before the reopen is compacted,
	// from the current revision works.
	if _, err := s.Watch(ctx, "", r1); !errors.Is(err, store.ErrCompacted) {
		t.Fatalf("Watch from before reopen: %v, want ErrCompacted", err)
	}
	if _, err := s.Watch(ctx, "", r3+1); err != nil {
		t.Fatal(err)
	}
}

func TestOpenLockedFailsFast(t *testing.T) {
	s, path := openTemp(t, Options{})
	start := time.Now()
	s2, err := Open(path, Options{LockTimeout: 100 * time.Millisecond})
	if err == nil {
		s2.Close()
		t.Fatal("second Open of a locked file succeeded")
	}
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second Open: %v, want ErrLocked", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("second Open took %v", d)
	}
	if !strings.Contains(err.Error(), path) {
		t.Fatalf("error %q does not name the file", err)
	}
	t.Log(err)
	if _, err := Open(path, Options{LockTimeout: -1}); !errors.Is(err, ErrLocked) {
		t.Fatalf("single-attempt Open: %v, want ErrLocked", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s3, err := Open(path, Options{LockTimeout: -1})
	if err != nil {
		t.Fatalf("Open after the holder closed: %v", err)
	}
	s3.Close()
}

func TestOpenRejectsOtherSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "iamd.db")
	db, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bbolt.Tx) error {
		b, err := tx.CreateBucket(bucketMeta)
		if err != nil {
			return err
		}
		return b.Put(keySchema, []byte("99"))
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	if s, err := Open(path, Options{}); err == nil {
		s.Close()
		t.Fatal("Open accepted schema 99")
	}
}

func TestWatchHistoryCompaction(t *testing.T) {
	s, _ := openTemp(t, Options{WatchHistory: 4})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for i := range 10 {
		mustApply(t, s, nil, put(fmt.Sprintf("k%d", i), "v"))
	}
	// History holds the events of revisions 7..10.
	if _, err := s.Watch(ctx, "", 0); !errors.Is(err, store.ErrCompacted) {
		t.Fatalf("Watch(0): %v, want ErrCompacted", err)
	}
	if _, err := s.Watch(ctx, "", 5); !errors.Is(err, store.ErrCompacted) {
		t.Fatalf("Watch(5): %v, want ErrCompacted", err)
	}
	ch, err := s.Watch(ctx, "", 6)
	if err != nil {
		t.Fatal(err)
	}
	for want := int64(7); want <= 10; want++ {
		if ev := <-ch; ev.Revision != want {
			t.Fatalf("event %+v, want revision %d", ev, want)
		}
	}
	// One Apply larger than the history compacts its own revision.
	ops := make([]store.Op, 6)
	for i := range ops {
		ops[i] = put(fmt.Sprintf("big%d", i), "v")
	}
	rev := mustApply(t, s, nil, ops...)
	if _, err := s.Watch(ctx, "", rev-1); !errors.Is(err, store.ErrCompacted) {
		t.Fatalf("Watch into a partially kept revision: %v, want ErrCompacted", err)
	}
	if _, err := s.Watch(ctx, "", rev); err != nil {
		t.Fatal(err)
	}
}

func TestWatchHistoryBytes(t *testing.T) {
	s, _ := openTemp(t, Options{WatchHistoryBytes: 10 << 10})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	big := make([]byte, 4<<10)
	for i := range 5 {
		mustApply(t, s, nil, store.Op{Key: fmt.Sprint(i), Value: big})
	}
	// Only the last two 4 KiB values fit in 10 KiB.
	if _, err := s.Watch(ctx, "", 2); !errors.Is(err, store.ErrCompacted) {
		t.Fatalf("Watch(2): %v, want ErrCompacted", err)
	}
	ch, err := s.Watch(ctx, "", 3)
	if err != nil {
		t.Fatal(err)
	}
	if ev := <-ch; ev.Revision != 4 || len(ev.Value) != len(big) {
		t.Fatalf("first replayed event %d (%d bytes)", ev.Revision, len(ev.Value))
	}
	// A single value over the budget is not kept at all.
	rev := mustApply(t, s, nil, store.Op{Key: "huge", Value: make([]byte, 20<<10)})
	if _, err := s.Watch(ctx, "", rev-1); !errors.Is(err, store.ErrCompacted) {
		t.Fatalf("Watch before an oversized event: %v, want ErrCompacted", err)
	}
}

// A watcher that does not read must not slow writers down; it is dropped,
// and what it did receive is a gap-free, whole-revision prefix from which it
// can resume.
func TestSlowWatcherDropped(t *testing.T) {
	s, _ := openTemp(t, Options{WatchQueue: 8})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch, err := s.Watch(ctx, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	const writes = 60
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range writes {
			// Three events per revision: the queue limit falls mid-revision.
			ops := []store.Op{put(fmt.Sprintf("a%d", i), "1"), put(fmt.Sprintf("b%d", i), "2"), put(fmt.Sprintf("c%d", i), "3")}
			if _, err := s.Apply(context.Background(), nil, ops); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("writers blocked by a watcher that does not read")
	}
	var got []store.Event
	for ev := range ch {
		got = append(got, ev)
	}
	if ctx.Err() != nil {
		t.Fatal("context done")
	}
	if len(got) == 0 || len(got) >= 3*writes || len(got)%3 != 0 {
		t.Fatalf("dropped watcher received %d events; want whole revisions, fewer than all", len(got))
	}
	for i, ev := range got {
		if want := int64(i/3 + 1); ev.Revision != want {
			t.Fatalf("event %d at revision %d, want %d", i, ev.Revision, want)
		}
	}
	// Resume from the last revision received.
	last := got[len(got)-1].Revision
	ch, err = s.Watch(ctx, "", last)
	if err != nil {
		t.Fatal(err)
	}
	ev := <-ch
	if ev.Revision != last+1 || ev.Key != fmt.Sprintf("a%d", last) {
		t.Fatalf("resumed watch starts with %+v, want revision %d", ev, last+1)
	}
}

func TestGroupCommit(t *testing.T) {
	s, _ := openTemp(t, Options{})
	const workers, each = 32, 8
	before := s.commits.Load()
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				if _, err := s.Apply(context.Background(), nil, []store.Op{put(fmt.Sprintf("%d/%d", w, i), "v")}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	commits := s.commits.Load() - before
	if rev, _ := s.Revision(context.Background()); rev != workers*each {
		t.Fatalf("revision %d after %d writes", rev, workers*each)
	}
	if commits >= workers*each {
		t.Fatalf("%d writes took %d commits: no group commit", workers*each, commits)
	}
	t.Logf("%d concurrent writes in %d commits (%.1f per fsync)", workers*each, commits, float64(workers*each)/float64(commits))
}

// TestBatchFailureIsolation drives the committer directly with a batch in
// which one request fails inside bbolt (a key over bbolt's limit, which
// Apply's validation would normally reject) and one fails its condition:
// the others must commit, in order, at consecutive revisions.
func TestBatchFailureIsolation(t *testing.T) {
	s, _ := openTemp(t, Options{})
	ctx := context.Background()
	base := mustApply(t, s, nil, put("taken", "x"))
	mk := func(conds []store.Cond, keys ...string) *request {
		r := &request{conds: conds, done: make(chan struct{}, 1)}
		for _, k := range keys {
			rec := make([]byte, hdrLen+1)
			rec[hdrLen] = 'v'
			r.ops = append(r.ops, op{key: k, bkey: []byte(k), record: rec})
		}
		return r
	}
	huge := strings.Repeat("k", bbolt.MaxKeySize+1)
	batch := []*request{
		mk(nil, "ok1"),
		mk(nil, "bad-sibling", huge),
		mk([]store.Cond{{Key: "taken"}}, "conflicted"),
		mk(nil, "ok2", "ok3"),
	}
	s.mu.RLock() // as Apply does
	s.commit(append([]*request(nil), batch...))
	s.mu.RUnlock()
	for _, r := range batch {
		<-r.done
	}
	if batch[0].err != nil || batch[0].rev != base+1 {
		t.Fatalf("ok1: rev %d, %v", batch[0].rev, batch[0].err)
	}
	if !errors.Is(batch[1].err, bbolt.ErrKeyTooLarge) {
		t.Fatalf("bad request: %v, want ErrKeyTooLarge", batch[1].err)
	}
	if !errors.Is(batch[2].err, store.ErrConflict) {
		t.Fatalf("conflicted: %v", batch[2].err)
	}
	if batch[3].err != nil || batch[3].rev != base+2 {
		t.Fatalf("ok2: rev %d, %v", batch[3].rev, batch[3].err)
	}
	for _, k := range []string{"bad-sibling", "conflicted"} {
		if _, err := s.Get(ctx, k); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("%s written: %v", k, err)
		}
	}
	for _, k := range []string{"ok1", "ok2", "ok3"} {
		if _, err := s.Get(ctx, k); err != nil {
			t.Fatalf("%s: %v", k, err)
		}
	}
	// The store keeps working.
	if rev := mustApply(t, s, nil, put("after", "x")); rev != base+3 {
		t.Fatalf("next write at %d", rev)
	}
}

// ---- crash test ----

const crashChildEnv = "IAMD_STORE_BOLT_CRASH_CHILD"

// crashValue is the value the crash child writes under key.
func crashValue(key string, i int) []byte {
	return bytes.Repeat([]byte(key+";"), 1+(i*37)%300) // up to ~6 KiB: overflow pages too
}

// crashChild writes acknowledged keys until it is killed. Each line
// "ACK <key> <revision>" is printed only after Apply returned nil.
func crashChild(path, round string) {
	s, err := Open(path, Options{LockTimeout: 5 * time.Second})
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		os.Exit(3)
	}
	time.AfterFunc(60*time.Second, func() { os.Exit(4) }) // never outlive the parent
	const writers = 4
	var wg sync.WaitGroup
	for g := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				key := fmt.Sprintf("crash/%s/%d/%06d", round, g, i)
				rev, err := s.Apply(context.Background(), []store.Cond{{Key: key}}, []store.Op{
					{Key: key, Value: crashValue(key, i)},
					{Key: fmt.Sprintf("crash/last/%d", g), Value: []byte(round + "/" + strconv.Itoa(i))},
				})
				if err != nil {
					fmt.Fprintln(os.Stderr, "child:", err)
					os.Exit(5)
				}
				// One write(2) per line: lines from goroutines do not interleave.
				if _, err := fmt.Fprintf(os.Stdout, "ACK %s %d\n", key, rev); err != nil {
					os.Exit(6)
				}
			}
		}()
	}
	wg.Wait()
}

func TestCrashDurability(t *testing.T) {
	if path := os.Getenv(crashChildEnv); path != "" {
		crashChild(path, os.Getenv(crashChildEnv+"_ROUND"))
		return
	}
	if testing.Short() {
		t.Skip("short")
	}
	path := filepath.Join(t.TempDir(), "iamd.db")
	acked := map[string]int64{}
	var maxRev int64
	for round, killAfter := range []int{50, 300, 150} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashDurability$", "-test.v=false")
		cmd.Env = append(os.Environ(), crashChildEnv+"="+path, crashChildEnv+"_ROUND="+strconv.Itoa(round))
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(stdout)
		n, killed := 0, false
		lastAcked := map[string]int{} // writer -> highest index acknowledged this round
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			if len(f) != 3 || f[0] != "ACK" {
				continue
			}
			rev, err := strconv.ParseInt(f[2], 10, 64)
			if err != nil {
				t.Fatalf("bad line %q", sc.Text())
			}
			acked[f[1]] = rev
			maxRev = max(maxRev, rev)
			parts := strings.Split(f[1], "/") // crash/<round>/<writer>/<index>
			i, _ := strconv.Atoi(parts[3])
			if cur, ok := lastAcked[parts[2]]; !ok || i > cur {
				lastAcked[parts[2]] = i
			}
			if n++; n == killAfter && !killed {
				// Kill while the writers are mid-stream; acks already
				// in the pipe are still read below.
				_ = cmd.Process.Signal(syscall.SIGKILL)
				killed = true
			}
		}
		err = cmd.Wait()
		if !killed {
			t.Fatalf("child exited before being killed: %v\n%s", err, stderr.String())
		}
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
			t.Fatalf("child: %v\n%s", err, stderr.String())
		}
		t.Logf("round %d: child killed after %d acknowledged writes (%d read in total)", round, killAfter, n)
		verifyCrashFile(t, path, strconv.Itoa(round), acked, lastAcked, maxRev)
	}
}

// verifyCrashFile reopens the file after a kill and checks that every
// acknowledged write of every round is there, and that each writer's
// "last" key (updated in the same Apply as its keys) is no older than its
// last acknowledged write of this round.
func verifyCrashFile(t *testing.T, path, round string, acked map[string]int64, lastAcked map[string]int, maxRev int64) {
	t.Helper()
	ctx := context.Background()
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatalf("reopen after kill: %v", err)
	}
	defer s.Close()
	if err := s.db.View(func(tx *bbolt.Tx) error {
		for err := range tx.Check() {
			return err
		}
		return nil
	}); err != nil {
		t.Fatalf("file corrupt after kill: %v", err)
	}
	if rev, err := s.Revision(ctx); err != nil || rev < maxRev {
		t.Fatalf("revision after kill = %d, %v; acknowledged up to %d", rev, err, maxRev)
	}
	for key, rev := range acked {
		kv, err := s.Get(ctx, key)
		if err != nil {
			t.Fatalf("acknowledged key %s lost: %v", key, err)
		}
		i, _ := strconv.Atoi(key[strings.LastIndexByte(key, '/')+1:])
		if kv.ModRevision != rev || !bytes.Equal(kv.Value, crashValue(key, i)) {
			t.Fatalf("acknowledged key %s: rev %d (acked %d), %d value bytes", key, kv.ModRevision, rev, len(kv.Value))
		}
	}
	for g, i := range lastAcked {
		kv, err := s.Get(ctx, "crash/last/"+g)
		if err != nil {
			t.Fatal(err)
		}
		r, idx, _ := strings.Cut(string(kv.Value), "/")
		n, _ := strconv.Atoi(idx)
		if r != round || n < i {
			t.Fatalf("crash/last/%s = %s; writer acknowledged %s/%d", g, kv.Value, round, i)
		}
	}
}
