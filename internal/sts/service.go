package sts

import (
	"context"
	"crypto/subtle"
	"io"
	"strings"
	"time"

	"github.com/iamd/iamd/internal/api"
	"github.com/iamd/iamd/internal/apierr"
	"github.com/iamd/iamd/internal/auth"
	"github.com/iamd/iamd/internal/ids"
	"github.com/iamd/iamd/internal/secrets"
	"github.com/iamd/iamd/internal/wire/stswire"
)

// Identities tells whether the long-term identity behind a session still
// exists (users and roles, by unique id).
type Identities interface {
	Exists(ctx context.Context, uniqueID string) (bool, error)
}

// MFAChecker verifies a TOTP code of an MFA device assigned to the
// principal (a code is accepted once).
type MFAChecker interface {
	CheckMFA(ctx context.Context, p *auth.Principal, serialNumber, code string) error
}

// Config wires a Service.
type Config struct {
	AccountID  string
	Sealer     *secrets.Sealer
	Now        func() time.Time
	Rand       io.Reader
	Identities Identities
	// KeyOwner returns the account owning a long-term access key, "" if
	// unknown.
	KeyOwner func(ctx context.Context, akid string) (string, error)
	// MFA checks codes for GetSessionToken (and AssumeRole).
	MFA MFAChecker
	// Roles decides and serves AssumeRole.
	Roles Roles
}

// Service implements STS.
type Service struct{ cfg Config }

// New returns a Service.
func New(cfg Config) *Service { return &Service{cfg: cfg} }

// API describes the STS Query API.
func API() *api.Service {
	return &api.Service{Name: "sts", Version: stswire.Version, Namespace: stswire.Namespace}
}

// Operations returns the STS operation descriptors.
func (s *Service) Operations(svc *api.Service) []*api.Operation {
	return []*api.Operation{
		api.Op(svc, "GetCallerIdentity", false, s.GetCallerIdentity),
		api.Op(svc, "GetSessionToken", false, s.GetSessionToken),
		api.Op(svc, "GetAccessKeyInfo", false, s.GetAccessKeyInfo),
		api.Op(svc, "AssumeRole", false, s.AssumeRole),
	}
}

// GetCallerIdentity describes the caller.
func (s *Service) GetCallerIdentity(ctx context.Context, _ *stswire.GetCallerIdentityInput) (*stswire.GetCallerIdentityOutput, error) {
	p := auth.PrincipalFrom(ctx)
	return &stswire.GetCallerIdentityOutput{UserId: &p.UserID, Account: &p.AccountID, Arn: &p.ARN}, nil
}

// Session lengths for GetSessionToken.
const (
	defaultSessionDuration = 12 * time.Hour
	rootMaxSessionDuration = time.Hour
)

// Authenticated implements auth.Observer: credentials from GetSessionToken
// without MFA cannot call IAM at all (AWS answers as if the token were not
// valid there); with MFA they can.
func (s *Service) Authenticated(_ context.Context, p *auth.Principal, service, _ string) error {
	if service == "iam" && p.SessionToken != "" && p.Kind != auth.AssumedRole && !p.MFA {
		return apierr.InvalidClientTokenID("The security token included in the request is invalid")
	}
	return nil
}

// GetSessionToken issues temporary credentials for the calling user (or
// root) with long-term credentials.
func (s *Service) GetSessionToken(ctx context.Context, in *stswire.GetSessionTokenInput) (*stswire.GetSessionTokenOutput, error) {
	p := auth.PrincipalFrom(ctx)
	if p.SessionToken != "" {
		return nil, apierr.AccessDenied("Cannot call GetSessionToken with session credentials")
	}
	d := defaultSessionDuration
	if in.DurationSeconds != nil {
		d = time.Duration(*in.DurationSeconds) * time.Second
	}
	if p.Kind == auth.Root && d > rootMaxSessionDuration {
		d = rootMaxSessionDuration
	}
	if (in.SerialNumber == nil) != (in.TokenCode == nil) {
		return nil, apierr.New("ValidationError", 400, "SerialNumber and TokenCode must be given together")
	}
	now := s.cfg.Now().UTC().Truncate(time.Second)
	mfa := false
	if in.SerialNumber != nil {
		if s.cfg.MFA == nil {
			return nil, apierr.AccessDenied("MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user.")
		}
		if err := s.cfg.MFA.CheckMFA(ctx, p, *in.SerialNumber, *in.TokenCode); err != nil {
			return nil, err
		}
		mfa = true
	}
	sess := &Session{Kind: p.Kind, AccountID: p.AccountID, ARN: p.ARN, UserID: p.UserID, Name: p.Name, Issued: now, Expires: now.Add(d), MFA: mfa}
	if mfa {
		sess.MFATime = now
	}
	if p.Kind == auth.User {
		sess.ParentID = p.UserID
	}
	creds, err := s.issue(sess)
	if err != nil {
		return nil, err
	}
	return &stswire.GetSessionTokenOutput{Credentials: creds}, nil
}

// issue fills the session's key and secret and seals it.
func (s *Service) issue(sess *Session) (*stswire.Credentials, error) {
	var err error
	if sess.AccessKeyID, err = ids.AccessKeyID(s.cfg.Rand, "ASIA", s.cfg.AccountID); err != nil {
		return nil, err
	}
	if sess.Secret, err = ids.String(s.cfg.Rand, ids.Secret, 40); err != nil {
		return nil, err
	}
	token, err := seal(s.cfg.Sealer, sess)
	if err != nil {
		return nil, err
	}
	return &stswire.Credentials{AccessKeyId: sess.AccessKeyID, SecretAccessKey: sess.Secret, SessionToken: token, Expiration: sess.Expires}, nil
}

// GetAccessKeyInfo returns the account that owns an access key.
func (s *Service) GetAccessKeyInfo(ctx context.Context, in *stswire.GetAccessKeyInfoInput) (*stswire.GetAccessKeyInfoOutput, error) {
	account := ""
	if s.cfg.KeyOwner != nil {
		var err error
		if account, err = s.cfg.KeyOwner(ctx, in.AccessKeyId); err != nil {
			return nil, err
		}
	}
	if account == "" {
		// Like AWS, read the account out of the key id itself: keys this
		// service does not hold still name their account.
		account, _ = ids.AccountOfAccessKeyID(in.AccessKeyId)
	}
	if account == "" {
		return nil, apierr.New("InvalidParameterValue", 400, "The access key %s is not known to this service.", in.AccessKeyId)
	}
	return &stswire.GetAccessKeyInfoOutput{Account: &account}, nil
}

// Resolve implements auth.Resolver for temporary credentials.
func (s *Service) Resolve(ctx context.Context, akid, token string) (*auth.Principal, string, error) {
	if token == "" {
		if strings.HasPrefix(akid, "ASIA") {
			return nil, "", apierr.InvalidClientTokenID("The security token included in the request is invalid.")
		}
		return nil, "", nil
	}
	invalid := apierr.InvalidClientTokenID("The security token included in the request is invalid")
	sess, ok := open(s.cfg.Sealer, token)
	if !ok || subtle.ConstantTimeCompare([]byte(sess.AccessKeyID), []byte(akid)) != 1 || sess.AccountID != s.cfg.AccountID {
		return nil, "", invalid
	}
	if !s.cfg.Now().Before(sess.Expires) {
		return nil, "", apierr.ExpiredToken()
	}
	if sess.ParentID != "" && s.cfg.Identities != nil {
		ok, err := s.cfg.Identities.Exists(ctx, sess.ParentID)
		if err != nil {
			return nil, "", err
		}
		if !ok {
			return nil, "", invalid
		}
	}
	return &auth.Principal{
		Kind:              sess.Kind,
		AccountID:         sess.AccountID,
		ARN:               sess.ARN,
		UserID:            sess.UserID,
		Name:              sess.Name,
		AccessKeyID:       akid,
		SessionToken:      token,
		TokenIssued:       sess.Issued,
		MFA:               sess.MFA,
		MFAAuthTime:       sess.MFATime,
		RoleARN:           sess.RoleARN,
		SessionPolicies:   sess.Policies,
		SessionTags:       sess.Tags,
		TransitiveTagKeys: sess.Transitive,
		SourceIdentity:    sess.SourceIdentity,
	}, sess.Secret, nil
}

// signedRegion returns the region the request was signed for.
func signedRegion(ctx context.Context) string {
	if info := api.InfoFrom(ctx); info != nil {
		return info.Region
	}
	return ""
}
