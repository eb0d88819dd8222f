// Package sts is the STS domain: caller identity and temporary credentials.
// Session tokens are self-contained: the session (key id, secret, principal,
// expiry, MFA state) is sealed with AES-256-GCM under the server's key, so
// tokens are opaque to clients and cannot be forged or altered, and every
// node holding the key can check them without a store read.
package sts
