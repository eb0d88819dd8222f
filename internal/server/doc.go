// Package server assembles a running iamd from its configuration: it opens
// the store in the data dir, fixes the account id, loads or creates the
// root credentials, and builds the HTTP handler from the operation tables
// of the domain packages. cmd/iamd and the integration tests both use it.
package server
