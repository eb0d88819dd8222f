// Package store defines the storage contract of iamd: a small, flat,
// byte-ordered key-value space with etcd-style revisions.
//
// # Model
//
// The store holds string keys (any bytes, including '/', 0x00 and bytes
// >= 0x80; never empty) mapped to opaque byte values. Every successful write
// (an [Store.Apply] call that changes at least one key) creates exactly one new
// store revision, shared by every key it puts or deletes. Revisions are positive and
// strictly increasing, and 0 is the revision of an empty, never-written store.
// The bolt backend numbers writes 1, 2, 3, ...; other backends may skip
// numbers (etcd has one counter per cluster), so callers must only compare
// revisions, never do arithmetic on them. Each key remembers the revision that created it (CreateRevision, kept
// across updates, reset when a deleted key is written again) and the revision
// that last modified it (ModRevision).
//
// Optimistic concurrency is expressed with [Cond]: an Apply carries conditions
// of the form "key K is at ModRevision R" (R = 0: "K does not exist"), and
// either all conditions hold and all operations are applied atomically at one
// new revision, or nothing is written and the call fails with [ErrConflict].
// A read-modify-write is therefore: Get, compute, Apply with
// Cond{Key, kv.ModRevision}; on ErrConflict, retry.
//
// [Store.Watch] streams the write history (puts and deletes, in revision
// order, ops of one Apply in op order) after a given revision, which lets
// caches and controllers follow the store without polling. Backends keep a
// bounded history; asking for events that are no longer available fails with
// [ErrCompacted], and a watcher that cannot keep up is dropped by closing its
// channel while its context is still live. Either way the caller re-reads
// the state it needs and watches again from the last revision it processed.
//
// The semantics deliberately follow etcd v3 (revision, create_revision,
// mod_revision, Txn with compare-on-mod_revision, watch from revision), so that
// an etcd backend can implement this interface directly; the embedded backend
// lives in package bolt. Every backend must pass the conformance suite in
// package storetest.
//
// # Errors
//
// Errors are reported with the sentinel values of this package, possibly
// wrapped with detail (test with [errors.Is]), or with the context's error
// when a context is done before the call is carried out.
package store
