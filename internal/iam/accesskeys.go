package iam

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/iamd/iamd/internal/apierr"
	"github.com/iamd/iamd/internal/auth"
	"github.com/iamd/iamd/internal/ids"
	"github.com/iamd/iamd/internal/schema"
	"github.com/iamd/iamd/internal/store"
	"github.com/iamd/iamd/internal/wire/iamwire"
)

// maxAccessKeys is AWS's quota of access keys per user.
const maxAccessKeys = 2

// accessKeyRecord is an access key as stored. The secret is sealed with the
// data dir's key, bound to the key id.
type accessKeyRecord struct {
	ID      string    `json:"id"`
	UserID  string    `json:"u"`
	Sealed  []byte    `json:"s"`
	Status  string    `json:"st"`
	Created time.Time `json:"c"`
	LastUse *lastUse  `json:"lu,omitempty"`
}

type lastUse struct {
	Date    time.Time `json:"d"`
	Service string    `json:"s"`
	Region  string    `json:"r"`
}

// keyOwner is the global index entry of an access key.
type keyOwner struct {
	Account string `json:"a"`
	UserID  string `json:"u"`
}

// callerUserName resolves an optional UserName to the user to act on: the
// named one, or the calling IAM user.
func callerUserName(ctx context.Context, name *string) (string, error) {
	if name != nil {
		return *name, nil
	}
	p := auth.PrincipalFrom(ctx)
	if p != nil && p.Kind == auth.User {
		return p.Name, nil
	}
	return "", apierr.ValidationError("Must specify userName when calling with non-User credentials")
}

// listKeys returns a user's access keys in key-id order.
func (s *Service) listKeys(ctx context.Context, userID string) ([]accessKeyRecord, error) {
	kvs, _, err := s.st.Range(ctx, schema.OwnedPrefix(s.account, "user-key", userID), "", 0)
	if err != nil {
		return nil, err
	}
	out := make([]accessKeyRecord, 0, len(kvs))
	for _, kv := range kvs {
		var k accessKeyRecord
		if err := decodeJSON(kv, &k); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, nil
}

// CreateAccessKey creates an access key; its secret is returned only here.
func (s *Service) CreateAccessKey(ctx context.Context, in *iamwire.CreateAccessKeyInput) (*iamwire.CreateAccessKeyOutput, error) {
	name, err := callerUserName(ctx, in.UserName)
	if err != nil {
		return nil, err
	}
	if s.sealer == nil {
		return nil, errors.New("iam: no sealer configured for access key secrets")
	}
	var out *iamwire.CreateAccessKeyOutput
	err = s.retry(ctx, func() error {
		u, rev, err := s.getUser(ctx, name)
		if err != nil {
			return err
		}
		keys, err := s.listKeys(ctx, u.ID)
		if err != nil {
			return err
		}
		if len(keys) >= maxAccessKeys {
			return apierr.LimitExceeded("Cannot exceed quota for AccessKeysPerUser: %d", maxAccessKeys)
		}
		akid, err := ids.AccessKeyID(s.rand, "AKIA", s.account)
		if err != nil {
			return err
		}
		secret, err := ids.String(s.rand, ids.Secret, 40)
		if err != nil {
			return err
		}
		sealed, err := s.sealer.Seal([]byte(secret), []byte(akid))
		if err != nil {
			return err
		}
		k := accessKeyRecord{ID: akid, UserID: u.ID, Sealed: sealed, Status: "Active", Created: s.now().UTC().Truncate(time.Second)}
		userKey := schema.User(s.account, u.Name)
		// Rewriting the user record under its revision serializes key
		// changes per user, so the quota holds under concurrency.
		_, err = s.st.Apply(ctx,
			[]store.Cond{{Key: userKey, ModRevision: rev}, {Key: schema.AccessKeyIndex(akid)}},
			[]store.Op{
				{Key: userKey, Value: mustJSON(u)},
				{Key: schema.UserAccessKey(s.account, u.ID, akid), Value: mustJSON(k)},
				{Key: schema.AccessKeyIndex(akid), Value: mustJSON(keyOwner{Account: s.account, UserID: u.ID})},
			})
		if err != nil {
			return err
		}
		out = &iamwire.CreateAccessKeyOutput{AccessKey: iamwire.AccessKey{
			UserName: u.Name, AccessKeyId: akid, Status: "Active", SecretAccessKey: secret, CreateDate: &k.Created,
		}}
		return nil
	})
	return out, err
}

// findKey reads one access key of a user.
func (s *Service) findKey(ctx context.Context, u *userRecord, akid string) (*accessKeyRecord, int64, error) {
	var k accessKeyRecord
	rev, ok, err := s.getJSON(ctx, schema.UserAccessKey(s.account, u.ID, akid), &k)
	if err != nil {
		return nil, 0, err
	}
	if !ok {
		return nil, 0, apierr.NoSuchEntity("The Access Key with id %s cannot be found.", akid)
	}
	return &k, rev, nil
}

// UpdateAccessKey activates or deactivates a key.
func (s *Service) UpdateAccessKey(ctx context.Context, in *iamwire.UpdateAccessKeyInput) (*iamwire.UpdateAccessKeyOutput, error) {
	name, err := callerUserName(ctx, in.UserName)
	if err != nil {
		return nil, err
	}
	if in.Status == "Expired" {
		return nil, apierr.InvalidInput("Status Expired is not valid for access keys.")
	}
	err = s.retry(ctx, func() error {
		u, _, err := s.getUser(ctx, name)
		if err != nil {
			return err
		}
		k, rev, err := s.findKey(ctx, u, in.AccessKeyId)
		if err != nil {
			return err
		}
		k.Status = in.Status
		key := schema.UserAccessKey(s.account, u.ID, k.ID)
		_, err = s.st.Apply(ctx, []store.Cond{{Key: key, ModRevision: rev}}, []store.Op{{Key: key, Value: mustJSON(k)}})
		return err
	})
	if err != nil {
		return nil, err
	}
	return &iamwire.UpdateAccessKeyOutput{}, nil
}

// DeleteAccessKey deletes a key; it stops authenticating at once.
func (s *Service) DeleteAccessKey(ctx context.Context, in *iamwire.DeleteAccessKeyInput) (*iamwire.DeleteAccessKeyOutput, error) {
	name, err := callerUserName(ctx, in.UserName)
	if err != nil {
		return nil, err
	}
	u, _, err := s.getUser(ctx, name)
	if err != nil {
		return nil, err
	}
	if _, _, err := s.findKey(ctx, u, in.AccessKeyId); err != nil {
		return nil, err
	}
	_, err = s.st.Apply(ctx, nil, []store.Op{
		{Key: schema.UserAccessKey(s.account, u.ID, in.AccessKeyId), Delete: true},
		{Key: schema.AccessKeyIndex(in.AccessKeyId), Delete: true},
	})
	if err != nil {
		return nil, err
	}
	return &iamwire.DeleteAccessKeyOutput{}, nil
}

// ListAccessKeys lists a user's keys (never their secrets).
func (s *Service) ListAccessKeys(ctx context.Context, in *iamwire.ListAccessKeysInput) (*iamwire.ListAccessKeysOutput, error) {
	name, err := callerUserName(ctx, in.UserName)
	if err != nil {
		return nil, err
	}
	u, _, err := s.getUser(ctx, name)
	if err != nil {
		return nil, err
	}
	keys, err := s.listKeys(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	meta := make([]iamwire.AccessKeyMetadata, len(keys))
	for i, k := range keys {
		meta[i] = iamwire.AccessKeyMetadata{UserName: ptr(u.Name), AccessKeyId: ptr(k.ID), Status: ptr(k.Status), CreateDate: ptr(k.Created)}
	}
	items, truncated, marker, err := pageSlice(meta, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iamwire.ListAccessKeysOutput{AccessKeyMetadata: items, IsTruncated: ptr(truncated), Marker: marker}, nil
}

// ownerOf resolves an access key id through the global index.
func (s *Service) ownerOf(ctx context.Context, akid string) (*keyOwner, error) {
	var o keyOwner
	_, ok, err := s.getJSON(ctx, schema.AccessKeyIndex(akid), &o)
	if err != nil || !ok || o.Account != s.account {
		return nil, err
	}
	return &o, nil
}

// userByID reads a user by its unique id.
func (s *Service) userByID(ctx context.Context, id string) (*userRecord, error) {
	return byID[userRecord](ctx, s, schema.UserID(s.account, id), func(lower string) string { return schema.User(s.account, lower) })
}

// GetAccessKeyLastUsed tells when, where and for which service a key was
// last used.
func (s *Service) GetAccessKeyLastUsed(ctx context.Context, in *iamwire.GetAccessKeyLastUsedInput) (*iamwire.GetAccessKeyLastUsedOutput, error) {
	o, err := s.ownerOf(ctx, in.AccessKeyId)
	if err != nil {
		return nil, err
	}
	if o == nil {
		// AWS cannot tell whose key it is, so it denies rather than
		// saying it does not exist (even to an administrator).
		caller := ""
		if p := auth.PrincipalFrom(ctx); p != nil {
			caller = p.ARN
		}
		return nil, apierr.AccessDenied("User: %s is not authorized to perform iam:GetAccessKeyLastUsed on resource: access key %s", caller, in.AccessKeyId)
	}
	u, err := s.userByID(ctx, o.UserID)
	if err != nil {
		return nil, err
	}
	if u == nil {
		return nil, apierr.NoSuchEntity("The Access Key with id %s cannot be found.", in.AccessKeyId)
	}
	k, _, err := s.findKey(ctx, u, in.AccessKeyId)
	if err != nil {
		return nil, err
	}
	used := &iamwire.AccessKeyLastUsed{ServiceName: "N/A", Region: "N/A"}
	if k.LastUse != nil {
		used = &iamwire.AccessKeyLastUsed{LastUsedDate: ptr(k.LastUse.Date), ServiceName: k.LastUse.Service, Region: k.LastUse.Region}
	}
	return &iamwire.GetAccessKeyLastUsedOutput{UserName: ptr(u.Name), AccessKeyLastUsed: used}, nil
}

// lastUseGranularity bounds how often a key's last use is written: at most
// once per key per interval, so authentication is not a write per request.
const lastUseGranularity = time.Minute

// recordUse notes that a key was used (service, region) if the stored
// record is older than lastUseGranularity.
func (s *Service) recordUse(ctx context.Context, u *userRecord, akid, service, region string) error {
	key := schema.UserAccessKey(s.account, u.ID, akid)
	kv, err := s.st.Get(ctx, key)
	if err != nil {
		return err
	}
	var k accessKeyRecord
	if err := json.Unmarshal(kv.Value, &k); err != nil {
		return err
	}
	now := s.now().UTC()
	if k.LastUse != nil && now.Sub(k.LastUse.Date) < lastUseGranularity && k.LastUse.Service == service && k.LastUse.Region == region {
		return nil
	}
	k.LastUse = &lastUse{Date: now.Truncate(time.Second), Service: service, Region: region}
	_, err = s.st.Apply(ctx, []store.Cond{{Key: key, ModRevision: kv.ModRevision}}, []store.Op{{Key: key, Value: mustJSON(k)}})
	if errors.Is(err, store.ErrConflict) {
		return nil // someone else recorded a use at the same time
	}
	return err
}
