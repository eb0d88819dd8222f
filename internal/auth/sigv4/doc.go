// Package sigv4 verifies AWS Signature Version 4 (AWS4-HMAC-SHA256) signed
// requests the way the IAM and STS query-protocol endpoints do.
//
// A request is authenticated either by an Authorization header or by
// presigned query parameters (X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date,
// X-Amz-SignedHeaders, X-Amz-Signature, optional X-Amz-Expires and
// X-Amz-Security-Token), never both. Verification follows the error order
// observed on IAM/STS (see testdata/sigv4 and the project's SigV4 notes):
//
//  1. malformed query string (MalformedQueryString);
//  2. both or neither authentication form (SignatureDoesNotMatch,
//     MissingAuthenticationToken);
//  3. Authorization header / query parameter syntax and completeness
//     (IncompleteSignature);
//  4. host must be signed; date format; the ±15 minute window around the
//     verifier's clock (SignatureDoesNotMatch / IncompleteSignature);
//  5. credential shape and scope (region, service, terminator, date);
//  6. the access key and session token, through the caller's SecretLookup,
//     whose error is returned unchanged;
//  7. the signature itself, compared in constant time.
//
// Every error returned by the verifier itself is an *apierr.Error carrying
// the AWS code, HTTP status and message. Secrets and derived keys are never
// logged or returned.
//
// The stages live in separate files: parse.go (Authorization header, query
// string, dates, credential scope), canonical.go (canonical request),
// sign.go (key derivation, string to sign, HMAC, signing-key cache) and
// verify.go (the Verifier and the checking order).
package sigv4
