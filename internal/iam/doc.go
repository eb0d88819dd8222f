// Package iam is the IAM domain: users (and, as they arrive, groups, roles,
// policies, credentials). It takes the generated typed inputs, applies
// AWS's rules (case-insensitive unique names, quotas, delete conflicts, ids
// and ARNs) and reads and writes the store through the key layout of
// package schema. It knows nothing of HTTP or XML.
package iam
