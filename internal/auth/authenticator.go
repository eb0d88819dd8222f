package auth

import (
	"context"
	"crypto/subtle"
	"net/http"

	"github.com/iamd/iamd/internal/apierr"
	"github.com/iamd/iamd/internal/auth/sigv4"
)

// Resolver maps an access key id (and session token) to its secret and
// principal. It answers (nil, "", nil) when the key is not its own, so the
// next resolver may try; it answers an *apierr.Error when the key is its
// own but unusable (inactive, expired, forged token).
type Resolver interface {
	Resolve(ctx context.Context, accessKeyID, sessionToken string) (p *Principal, secret string, err error)
}

// Authenticator verifies requests against a chain of resolvers.
type Authenticator struct {
	Verifier  *sigv4.Verifier
	Resolvers []Resolver
	// Observers learn of every successful authentication (e.g. to record
	// when an access key was last used).
	Observers []Observer
}

// Observer is told of each authenticated request.
type Observer interface {
	Authenticated(ctx context.Context, p *Principal, service, region string) error
}

// Authenticate verifies r's signature and returns the calling principal and
// the verification result (region, service, signing time).
func (a *Authenticator) Authenticate(ctx context.Context, r *http.Request, body []byte) (*Principal, *sigv4.Result, error) {
	var p *Principal
	lookup := func(ctx context.Context, akid, token string) (string, error) {
		for _, res := range a.Resolvers {
			pp, secret, err := res.Resolve(ctx, akid, token)
			if err != nil {
				return "", err
			}
			if pp != nil {
				p = pp
				return secret, nil
			}
		}
		if token != "" {
			return "", apierr.InvalidClientTokenID("The security token included in the request is invalid")
		}
		return "", apierr.InvalidClientTokenID("The security token included in the request is invalid.")
	}
	res, err := a.Verifier.Verify(ctx, r, body, lookup)
	if err != nil {
		return nil, nil, err
	}
	p.SessionToken = res.SessionToken
	for _, o := range a.Observers {
		if err := o.Authenticated(ctx, p, res.Service, res.Region); err != nil {
			return nil, nil, err
		}
	}
	return p, res, nil
}

// RootResolver resolves the account's root access key.
type RootResolver struct {
	AccountID       string
	AccessKeyID     string
	SecretAccessKey string
}

// Resolve implements Resolver.
func (rr *RootResolver) Resolve(_ context.Context, akid, token string) (*Principal, string, error) {
	if subtle.ConstantTimeCompare([]byte(akid), []byte(rr.AccessKeyID)) != 1 {
		return nil, "", nil
	}
	if token != "" {
		return nil, "", apierr.InvalidClientTokenID("The security token included in the request is invalid")
	}
	return &Principal{
		Kind:        Root,
		AccountID:   rr.AccountID,
		ARN:         "arn:aws:iam::" + rr.AccountID + ":root",
		UserID:      rr.AccountID,
		AccessKeyID: akid,
	}, rr.SecretAccessKey, nil
}
