// Package bolt is the embedded [store.Store] backend of iamd: one bbolt
// (go.etcd.io/bbolt) file per store.
//
// # Layout
//
// The file has two buckets, in the manner of etcd's schema package:
//
//	meta   "schema"   -> "1"
//	       "revision" -> current store revision, 8 bytes big-endian
//	kv     <key>      -> CreateRevision (8 bytes BE) | ModRevision (8 bytes BE) | value
//
// Keys are stored verbatim, so a cursor walks them in byte order and Range is a
// seek plus a scan. Deleted keys leave no tombstone; the revision counter in
// meta keeps revisions monotonic across deletes and restarts.
//
// # Writes and durability
//
// Every Apply is handed to a single committer goroutine. The committer takes
// every request queued at that moment (up to Options.MaxBatchSize) and
// applies them one after another, each at its own revision, inside a single
// bbolt read-write transaction that is committed with one fsync; Apply
// returns only after that commit. This is group commit: while one fsync is in
// progress the next batch accumulates, so concurrent writers share fsyncs and
// a lone writer pays exactly one fsync and no added delay.
//
// bbolt's own DB.Batch was considered and not used: it starts every batch
// with a MaxBatchDelay timer (10ms by default), which a lone writer always
// waits out, and it requires closures that it may re-run. The committer
// keeps Batch's isolation rule, though: a failed Cond is a result of its own
// request (ErrConflict, nothing written) and never an error of the shared
// transaction, and if applying one request fails inside bbolt, the
// transaction is rolled back, that request alone gets the error and the
// others are retried in a fresh transaction. Requests are validated before
// they are queued so that this path is only taken on internal errors.
//
// The file is never opened with NoSync. Like etcd, the store uses bbolt's
// hashmap freelist and does not persist the freelist (NoFreelistSync), which
// saves writes per commit; bbolt rebuilds the freelist when the file is
// opened. If a commit fails (an I/O error), the Store refuses further writes
// and must be reopened, since the state of a file after a failed fsync cannot
// be trusted in memory.
//
// # Watch
//
// Watch is an in-process broadcast. After each commit the committer appends
// the new events, in revision order, to a bounded in-memory history
// (Options.WatchHistory events, Options.WatchHistoryBytes bytes) and to the queues of matching watchers;
// it never blocks on a watcher. A watcher whose queue would exceed
// Options.WatchQueue events is dropped: it receives what was already queued
// (whole revisions only) and then its channel is closed. The history starts
// empty when the file is opened, so Watch from a revision older than the
// history (for instance, from before the last Open) fails with
// [store.ErrCompacted].
//
// # Locking
//
// bbolt holds an exclusive flock on the file while it is open. Open on a file
// locked by another process (or another Store in this process) waits at most
// Options.LockTimeout and then fails with an error wrapping [ErrLocked].
package bolt
