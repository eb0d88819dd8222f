package sigv4

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/iamd/iamd/internal/apierr"
)

// SecretLookup resolves an access key id (and the session token sent with
// the request, "" if none) to the secret access key. It returns an
// *apierr.Error (InvalidClientTokenId, ExpiredToken ...) when the key or
// token is unknown or invalid; the verifier passes that error through
// unchanged.
type SecretLookup func(ctx context.Context, accessKeyID, sessionToken string) (secret string, err error)

// Verifier verifies SigV4-signed requests. It is safe for concurrent use
// and must not be copied after first use. The zero value accepts no service;
// use NewVerifier.
type Verifier struct {
	// Now is the verifier's clock (required; time.Now is used if nil).
	Now func() time.Time
	// Services lists the service names accepted in the credential scope,
	// e.g. {"iam", "sts"}. The first one is named in the "scoped to correct
	// service" error.
	Services []string

	keys signingKeyCache // derived signing keys, per verifier
}

// NewVerifier returns a verifier with clock now that accepts credential
// scopes for the given services.
func NewVerifier(now func() time.Time, services ...string) *Verifier {
	return &Verifier{Now: now, Services: slices.Clone(services)}
}

// Result describes a successfully verified request.
type Result struct {
	// AccessKeyID and SessionToken are the credentials that signed the
	// request (SessionToken is "" for long-term keys).
	AccessKeyID, SessionToken string
	// Region and Service are from the credential scope.
	Region, Service string
	// SignedAt is the request's X-Amz-Date (or Date header).
	SignedAt time.Time
	// Presigned is true when the request was authenticated by query
	// parameters rather than an Authorization header.
	Presigned bool
}

// signedRequest is everything Verify learns from a request before asking
// for the secret: the checked credential scope, date, signed header list,
// the signature sent and the inputs of the canonical request.
type signedRequest struct {
	cred         credential
	amzDate      string // ISO 8601 basic form, as in the string to sign
	signedAt     time.Time
	token        string
	tokenInQuery bool // presigned request carrying X-Amz-Security-Token in its query
	signature    string
	canon        canonicalInput
}

// errSignatureMismatch is the final SignatureDoesNotMatch.
func errSignatureMismatch() *apierr.Error {
	return apierr.SignatureDoesNotMatch("The request signature we calculated does not match the signature you provided. " +
		"Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")
}

// Verify authenticates r. body is the full request body (already read;
// r.Body is not read again). On success it returns who signed the request
// and how; otherwise an *apierr.Error, or the error of lookup unchanged.
func (v *Verifier) Verify(ctx context.Context, r *http.Request, body []byte, lookup SecretLookup) (*Result, error) {
	sr, aerr := v.parse(r)
	if aerr != nil {
		return nil, aerr
	}
	if lookup == nil {
		return nil, apierr.ServiceFailure()
	}
	secret, err := lookup(ctx, sr.cred.AccessKeyID, sr.token)
	if err != nil {
		return nil, err
	}
	if secret == "" { // a misconfigured resolver must not make keys signable by anyone
		if sr.token != "" {
			return nil, apierr.InvalidClientTokenID("The security token included in the request is invalid")
		}
		return nil, apierr.InvalidClientTokenID("The security token included in the request is invalid.")
	}
	sr.canon.PayloadHash = sha256.Sum256(body)
	sig, ok := v.sign(r, &sr, secret)
	match := ok && signatureEqual(sig, sr.signature)
	if !match && sr.tokenInQuery {
		// The session token may have been appended to a presigned URL after
		// signing (post-sts-header-after): try without it.
		sr.canon.OmitToken = true
		sig, ok = v.sign(r, &sr, secret)
		match = ok && signatureEqual(sig, sr.signature)
	}
	if !match {
		return nil, errSignatureMismatch()
	}
	return &Result{
		AccessKeyID:  sr.cred.AccessKeyID,
		SessionToken: sr.token,
		Region:       sr.cred.Region,
		Service:      sr.cred.Service,
		SignedAt:     sr.signedAt,
		Presigned:    sr.canon.Presigned,
	}, nil
}

// sign computes the hex signature sr should carry if signed with secret; ok
// is false if the signed header list is unusable.
func (v *Verifier) sign(r *http.Request, sr *signedRequest, secret string) (sig [2 * sha256.Size]byte, ok bool) {
	var creqBuf [2048]byte
	creq, ok := appendCanonicalRequest(creqBuf[:0], r, &sr.canon)
	if !ok {
		return sig, false
	}
	var stsBuf [256]byte
	sts := appendStringToSign(stsBuf[:0], sr.amzDate, sr.cred.Scope, sha256.Sum256(creq))
	key := v.keys.get(sr.cred.AccessKeyID, secret, sr.cred.Date, sr.cred.Region, sr.cred.Service)
	mac := hmacSHA256(key[:], sts)
	hex.Encode(sig[:], mac[:])
	return sig, true
}

// now returns the verifier's clock reading, truncated to the second like
// the dates it is compared with.
func (v *Verifier) now() time.Time {
	now := time.Now
	if v.Now != nil {
		now = v.Now
	}
	return now().UTC().Truncate(time.Second)
}

// parse performs every check that needs no secret, in AWS's order, and
// returns what the signature check needs.
func (v *Verifier) parse(r *http.Request) (sr signedRequest, _ *apierr.Error) {
	if r == nil {
		return sr, apierr.MissingAuthenticationToken()
	}
	var rawQuery string
	if r.URL != nil {
		rawQuery = r.URL.RawQuery
	}
	query, qerr := parseQuery(rawQuery)
	if qerr != nil {
		return sr, qerr
	}
	authz := r.Header["Authorization"]
	hasHeader := len(authz) > 0
	_, hasQuery := firstParam(query, qAlgorithm)
	switch {
	case hasHeader && hasQuery:
		return sr, apierr.SignatureDoesNotMatch("")
	case !hasHeader && !hasQuery:
		return sr, apierr.MissingAuthenticationToken()
	}

	sr.canon = canonicalInput{Query: query, Presigned: hasQuery}
	var credStr, dateStr string
	dateFromDateHeader := false
	if hasHeader {
		a, err := parseAuthorization(authz[0])
		if err != nil {
			return sr, err
		}
		dateStr = r.Header.Get("X-Amz-Date")
		if dateStr == "" {
			dateStr = r.Header.Get("Date")
			dateFromDateHeader = true
		}
		if err := a.incomplete(dateStr != ""); err != nil {
			return sr, err
		}
		credStr, sr.signature, sr.canon.SignedHeaders = a.Credential, a.Signature, a.SignedHeaders
		sr.token = r.Header.Get("X-Amz-Security-Token")
		if sr.token == "" {
			sr.token, _ = firstParam(query, qSecurityToken)
		}
	} else {
		if alg, _ := firstParam(query, qAlgorithm); alg != Algorithm {
			return sr, apierr.MissingAuthenticationToken()
		}
		var hasCred, hasSig, hasSH, hasDate bool
		credStr, hasCred = firstParam(query, qCredential)
		sr.signature, hasSig = firstParam(query, qSignature)
		sr.canon.SignedHeaders, hasSH = firstParam(query, qSignedHeaders)
		dateStr, hasDate = firstParam(query, qDate)
		if !(hasCred && hasSig && hasSH && hasDate) {
			var b strings.Builder
			for _, p := range []struct {
				has  bool
				name string
			}{{hasCred, qCredential}, {hasSig, qSignature}, {hasSH, qSignedHeaders}, {hasDate, qDate}} {
				if !p.has {
					b.WriteString("AWS query-string parameters must include '" + p.name + "'. ")
				}
			}
			b.WriteString("Re-examine the query-string parameters.")
			return sr, apierr.IncompleteSignature("%s", b.String())
		}
		sr.token, sr.tokenInQuery = firstParam(query, qSecurityToken)
		if !sr.tokenInQuery {
			sr.token = r.Header.Get("X-Amz-Security-Token")
		}
	}

	if !signsHost(sr.canon.SignedHeaders) {
		return sr, apierr.SignatureDoesNotMatch("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
	}

	var ok bool
	sr.amzDate = dateStr // a valid ISO 8601 basic date formats as itself
	if sr.signedAt, ok = parseAmzDate(dateStr); !ok && dateFromDateHeader {
		if sr.signedAt, ok = parseDateHeader(dateStr); ok {
			sr.amzDate = sr.signedAt.Format(amzDateLayout)
		}
	}
	if !ok {
		return sr, badDate(dateStr)
	}

	now := v.now()
	if earliest := now.Add(-MaxClockSkew); sr.signedAt.Before(earliest) {
		return sr, apierr.SignatureDoesNotMatch("Signature expired: %s is now earlier than %s (%s - 15 min.)",
			sr.amzDate, earliest.Format(amzDateLayout), now.Format(amzDateLayout))
	}
	if latest := now.Add(MaxClockSkew); sr.signedAt.After(latest) {
		return sr, apierr.SignatureDoesNotMatch("Signature not yet current: %s is still later than %s (%s + 15 min.)",
			sr.amzDate, latest.Format(amzDateLayout), now.Format(amzDateLayout))
	}

	cred, err := splitCredential(credStr)
	if err != nil {
		return sr, err
	}
	sr.cred = cred
	return sr, v.checkScope(&cred, sr.amzDate)
}

// checkScope checks region, service, terminator and date of the credential
// scope; the messages of all failed checks are joined.
func (v *Verifier) checkScope(c *credential, amzDate string) *apierr.Error {
	var msgs []string
	if !validRegion(c.Region) {
		msgs = append(msgs, "Credential should be scoped to a valid region, not '"+c.Region+"'.")
	}
	if !slices.Contains(v.Services, c.Service) {
		want := ""
		if len(v.Services) > 0 {
			want = v.Services[0]
		}
		msgs = append(msgs, "Credential should be scoped to correct service: '"+want+"'.")
	}
	if c.Terminator != Terminator {
		msgs = append(msgs, "Credential should be scoped with a valid terminator: '"+Terminator+"', not '"+c.Terminator+"'.")
	}
	if day := amzDate[:min(8, len(amzDate))]; c.Date != day {
		msgs = append(msgs, "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '"+
			c.Date+"' != '"+day+"', from '"+amzDate+"'.")
	}
	if len(msgs) == 0 {
		return nil
	}
	return apierr.SignatureDoesNotMatch("%s", strings.Join(msgs, " "))
}
