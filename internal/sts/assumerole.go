package sts

import (
	"context"
	"strings"
	"time"

	"github.com/iamd/iamd/internal/apierr"
	"github.com/iamd/iamd/internal/auth"
	"github.com/iamd/iamd/internal/wire/stswire"
)

// AssumeRequest is what the IAM side needs to decide an AssumeRole call.
type AssumeRequest struct {
	RoleARN string
	// Context holds the request's condition keys beyond the principal's
	// own (sts:ExternalId, sts:RoleSessionName, sts:SourceIdentity,
	// aws:SourceIdentity, aws:MultiFactorAuthPresent, aws:RequestTag/…,
	// aws:TagKeys, sts:TransitiveTagKeys).
	Context map[string][]string
	// TagSession says the new session gets session tags (passed in Tags,
	// or transitive tags inherited from the calling session), which
	// needs sts:TagSession as well as sts:AssumeRole.
	TagSession bool
	// SetSourceIdentity says the new session gets a source identity
	// (passed in SourceIdentity, or persisting from the calling session),
	// which needs sts:SetSourceIdentity.
	SetSourceIdentity bool
}

// AssumedRole is the role an AssumeRole call was allowed to assume.
type AssumedRole struct {
	ID                 string
	Name               string
	ARN                string
	MaxSessionDuration time.Duration
}

// Roles is the IAM side of AssumeRole: it decides the call with the
// role's trust policy and the caller's identity policies (one engine with
// every other decision), resolves managed session policies, and records
// the role's last use.
type Roles interface {
	AuthorizeAssumeRole(ctx context.Context, p *auth.Principal, req *AssumeRequest) (*AssumedRole, error)
	ManagedPolicyDocument(ctx context.Context, arn string) (string, error)
	ValidateSessionPolicy(doc string) error
	SessionPolicySize(doc string) int
	RoleUsed(ctx context.Context, roleID, region string) error
}

// Session limits of AssumeRole.
const (
	defaultRoleSession   = time.Hour
	roleChainingLimit    = time.Hour
	maxPackedPolicyChars = 2048
)

// AssumeRole issues temporary credentials for a role whose trust policy
// allows the caller.
func (s *Service) AssumeRole(ctx context.Context, in *stswire.AssumeRoleInput) (*stswire.AssumeRoleOutput, error) {
	p := auth.PrincipalFrom(ctx)
	if p.Kind == auth.Root {
		return nil, apierr.AccessDenied("Roles may not be assumed by root accounts.")
	}
	if s.cfg.Roles == nil {
		return nil, apierr.ServiceFailure()
	}
	now := s.cfg.Now().UTC().Truncate(time.Second)
	keys := map[string][]string{
		"sts:RoleSessionName": {in.RoleSessionName},
	}
	if in.ExternalId != nil {
		keys["sts:ExternalId"] = []string{*in.ExternalId}
	}
	// A source identity, once set, persists through role chaining and
	// cannot be changed.
	sourceIdentity := deref(in.SourceIdentity)
	if inherited := p.SourceIdentity; inherited != "" {
		if sourceIdentity != "" && sourceIdentity != inherited {
			return nil, apierr.AccessDenied("User: %s is not authorized to perform: sts:SetSourceIdentity on resource: %s", p.ARN, in.RoleArn)
		}
		sourceIdentity = inherited
		keys["aws:SourceIdentity"] = []string{inherited}
	}
	if sourceIdentity != "" {
		keys["sts:SourceIdentity"] = []string{sourceIdentity}
	}
	mfa, mfaTime := p.MFA, p.MFAAuthTime
	if (in.SerialNumber == nil) != (in.TokenCode == nil) {
		return nil, apierr.ValidationError("SerialNumber and TokenCode must be given together")
	}
	if in.SerialNumber != nil {
		if s.cfg.MFA == nil {
			return nil, apierr.AccessDenied("MultiFactorAuthentication failed, unable to validate MFA code.")
		}
		if err := s.cfg.MFA.CheckMFA(ctx, p, *in.SerialNumber, *in.TokenCode); err != nil {
			return nil, err
		}
		mfa, mfaTime = true, now
	}
	keys["aws:MultiFactorAuthPresent"] = []string{boolString(mfa)}
	// Tag keys are case-insensitive: a key may be given once, in any case,
	// and transitive keys name their tags without regard to case. byLower
	// maps each key in lower case to the key as the session keeps it.
	tags := map[string]string{}
	byLower := map[string]string{}
	if len(in.Tags) > 0 {
		var tagKeys []string
		for _, t := range in.Tags {
			lk := strings.ToLower(t.Key)
			if _, dup := byLower[lk]; dup {
				return nil, apierr.InvalidParameterValue("Duplicate tag keys found. Please note that Tag keys are case insensitive.")
			}
			byLower[lk] = t.Key
			tags[t.Key] = t.Value
			tagKeys = append(tagKeys, t.Key)
			keys["aws:RequestTag/"+t.Key] = []string{t.Value}
		}
		keys["aws:TagKeys"] = tagKeys
	}
	// Transitive tags of a chained session carry over (and stay
	// transitive); they cannot be overridden, in any case.
	transitive := append([]string(nil), p.TransitiveTagKeys...)
	isTransitive := map[string]bool{}
	for _, k := range p.TransitiveTagKeys {
		isTransitive[strings.ToLower(k)] = true
		if v, ok := p.SessionTags[k]; ok {
			if _, set := byLower[strings.ToLower(k)]; set {
				return nil, apierr.InvalidParameterValue("One of the specified transitive tag keys can't be set because it conflicts with a transitive tag key from the calling session.")
			}
			byLower[strings.ToLower(k)] = k
			tags[k] = v
		}
	}
	for _, k := range in.TransitiveTagKeys {
		key, ok := byLower[strings.ToLower(k)]
		if !ok {
			return nil, apierr.InvalidParameterValue("The specified transitive tag key must be included in the requested tags.")
		}
		if lk := strings.ToLower(key); !isTransitive[lk] {
			isTransitive[lk] = true
			transitive = append(transitive, key)
		}
	}
	if len(in.TransitiveTagKeys) > 0 {
		keys["sts:TransitiveTagKeys"] = append([]string(nil), in.TransitiveTagKeys...)
	}

	role, err := s.cfg.Roles.AuthorizeAssumeRole(ctx, p, &AssumeRequest{
		RoleARN: in.RoleArn, Context: keys,
		TagSession:        len(tags) > 0 || len(in.TransitiveTagKeys) > 0,
		SetSourceIdentity: sourceIdentity != "",
	})
	if err != nil {
		return nil, err
	}

	d := defaultRoleSession
	if in.DurationSeconds != nil {
		d = time.Duration(*in.DurationSeconds) * time.Second
	}
	if p.Kind == auth.AssumedRole && d > roleChainingLimit {
		return nil, apierr.ValidationError("The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
	}
	if d > role.MaxSessionDuration {
		return nil, apierr.ValidationError("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	}

	// Session policies: inline and managed, which can only narrow.
	var sessionPolicies []string
	size := 0
	if in.Policy != nil {
		if err := s.cfg.Roles.ValidateSessionPolicy(*in.Policy); err != nil {
			return nil, err
		}
		sessionPolicies = append(sessionPolicies, *in.Policy)
		size += s.cfg.Roles.SessionPolicySize(*in.Policy)
	}
	if len(in.PolicyArns) > 10 {
		return nil, apierr.ValidationError("1 validation error detected: Value at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to 10")
	}
	for _, pa := range in.PolicyArns {
		if pa.Arn == nil {
			continue
		}
		doc, err := s.cfg.Roles.ManagedPolicyDocument(ctx, *pa.Arn)
		if err != nil {
			return nil, err
		}
		sessionPolicies = append(sessionPolicies, doc)
		size += len(*pa.Arn)
	}
	// Session tags are packed with the session policies: PackedPolicySize
	// reports their share of the allotted space too.
	for k, v := range tags {
		size += len(k) + len(v)
	}
	var packed *int32
	if sessionPolicies != nil || len(tags) > 0 {
		pct := int32((size*100 + maxPackedPolicyChars - 1) / maxPackedPolicyChars)
		if pct > 100 {
			return nil, apierr.New("PackedPolicyTooLarge", 400, "Packed policy consumes %d%% of allotted space, please use smaller policy for user.", pct)
		}
		packed = &pct
	}
	// A chained session keeps the narrowing of the session it came from.
	if p.Kind == auth.AssumedRole && p.SessionPolicies != nil && sessionPolicies == nil {
		sessionPolicies = []string{}
	}

	sessionName := in.RoleSessionName
	arn := "arn:aws:sts::" + s.cfg.AccountID + ":assumed-role/" + role.Name + "/" + sessionName
	sess := &Session{
		Kind: auth.AssumedRole, AccountID: s.cfg.AccountID, ARN: arn, UserID: role.ID + ":" + sessionName,
		Name: role.Name, ParentID: role.ID, RoleARN: role.ARN, Issued: now, Expires: now.Add(d),
		MFA: mfa, MFATime: mfaTime, Policies: sessionPolicies, Tags: tags, Transitive: transitive,
		SourceIdentity: sourceIdentity,
	}
	creds, err := s.issue(sess)
	if err != nil {
		return nil, err
	}
	if err := s.cfg.Roles.RoleUsed(ctx, role.ID, signedRegion(ctx)); err != nil {
		return nil, err
	}
	out := &stswire.AssumeRoleOutput{
		Credentials:      creds,
		AssumedRoleUser:  &stswire.AssumedRoleUser{AssumedRoleId: sess.UserID, Arn: arn},
		PackedPolicySize: packed,
	}
	if in.SourceIdentity != nil {
		out.SourceIdentity = in.SourceIdentity
	}
	return out, nil
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
