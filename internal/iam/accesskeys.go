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

// keyHolder is whose access keys a call acts on: an IAM user, or the root
// user, whose stored keys are kept like a user's under the account id.
type keyHolder struct {
	u    *userRecord // root: ID is the account id, Name is empty
	root bool
	lock string // rewritten under rev by key changes, serializing them
	rev  int64
}

// lockValue is what rewriting the holder's lock key writes.
func (h *keyHolder) lockValue() []byte {
	if h.root {
		return []byte("{}")
	}
	return mustJSON(h.u)
}

// userName is the holder's name as access key answers give it.
func (h *keyHolder) userName() *string {
	if h.root {
		return nil
	}
	return ptr(h.u.Name)
}

// holderOf resolves an optional UserName to the keys to act on: the named
// user's, or the caller's own (an IAM user's or root's), as AWS does
// without UserName.
func (s *Service) holderOf(ctx context.Context, name *string) (*keyHolder, error) {
	if p := auth.PrincipalFrom(ctx); name == nil && p != nil && p.Kind == auth.Root && p.SessionToken == "" {
		h := &keyHolder{u: &userRecord{ID: s.account}, root: true, lock: schema.RootKeys(s.account)}
		kv, err := s.st.Get(ctx, h.lock)
		if err == nil {
			h.rev = kv.ModRevision
		} else if !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		return h, nil
	}
	n, err := callerUserName(ctx, name)
	if err != nil {
		return nil, err
	}
	u, rev, err := s.getUser(ctx, n)
	if err != nil {
		return nil, err
	}
	return &keyHolder{u: u, lock: schema.User(s.account, u.Name), rev: rev}, nil
}

// configuredRootKey refuses changes to the root key iamd was started with:
// it lives in IAMD_ROOT_ACCESS_KEY_ID or root-credentials.json, not in the
// store.
func (s *Service) configuredRootKey(h *keyHolder, akid string) error {
	if h.root && akid == s.rootKey {
		return apierr.InvalidInput("The access key %s is the root access key iamd was started with; change it where iamd reads it (IAMD_ROOT_ACCESS_KEY_ID or root-credentials.json in the data dir).", akid)
	}
	return nil
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
	if s.sealer == nil {
		return nil, errors.New("iam: no sealer configured for access key secrets")
	}
	var out *iamwire.CreateAccessKeyOutput
	err := s.retry(ctx, func() error {
		h, err := s.holderOf(ctx, in.UserName)
		if err != nil {
			return err
		}
		u := h.u
		keys, err := s.listKeys(ctx, u.ID)
		if err != nil {
			return err
		}
		n := len(keys)
		if h.root && s.rootKey != "" {
			n++ // the configured root key is one of root's two
		}
		if n >= maxAccessKeys {
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
		// Rewriting the holder's lock key (the user record) under its
		// revision serializes key changes per holder, so the quota holds
		// under concurrency.
		_, err = s.st.Apply(ctx,
			[]store.Cond{{Key: h.lock, ModRevision: h.rev}, {Key: schema.AccessKeyIndex(akid)}},
			[]store.Op{
				{Key: h.lock, Value: h.lockValue()},
				{Key: schema.UserAccessKey(s.account, u.ID, akid), Value: mustJSON(k)},
				{Key: schema.AccessKeyIndex(akid), Value: mustJSON(keyOwner{Account: s.account, UserID: u.ID})},
			})
		if err != nil {
			return err
		}
		out = &iamwire.CreateAccessKeyOutput{AccessKey: iamwire.AccessKey{
			UserName: deref(h.userName(), ""), AccessKeyId: akid, Status: "Active", SecretAccessKey: secret, CreateDate: &k.Created,
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
	if in.Status == "Expired" {
		return nil, apierr.InvalidInput("Status Expired is not valid for access keys.")
	}
	err := s.retry(ctx, func() error {
		h, err := s.holderOf(ctx, in.UserName)
		if err != nil {
			return err
		}
		if err := s.configuredRootKey(h, in.AccessKeyId); err != nil {
			return err
		}
		k, rev, err := s.findKey(ctx, h.u, in.AccessKeyId)
		if err != nil {
			return err
		}
		k.Status = in.Status
		key := schema.UserAccessKey(s.account, h.u.ID, k.ID)
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
	h, err := s.holderOf(ctx, in.UserName)
	if err != nil {
		return nil, err
	}
	if err := s.configuredRootKey(h, in.AccessKeyId); err != nil {
		return nil, err
	}
	if _, _, err := s.findKey(ctx, h.u, in.AccessKeyId); err != nil {
		return nil, err
	}
	_, err = s.st.Apply(ctx, nil, []store.Op{
		{Key: schema.UserAccessKey(s.account, h.u.ID, in.AccessKeyId), Delete: true},
		{Key: schema.AccessKeyIndex(in.AccessKeyId), Delete: true},
	})
	if err != nil {
		return nil, err
	}
	return &iamwire.DeleteAccessKeyOutput{}, nil
}

// ListAccessKeys lists a user's keys (never their secrets).
func (s *Service) ListAccessKeys(ctx context.Context, in *iamwire.ListAccessKeysInput) (*iamwire.ListAccessKeysOutput, error) {
	h, err := s.holderOf(ctx, in.UserName)
	if err != nil {
		return nil, err
	}
	keys, err := s.listKeys(ctx, h.u.ID)
	if err != nil {
		return nil, err
	}
	meta := make([]iamwire.AccessKeyMetadata, 0, len(keys)+1)
	if h.root && s.rootKey != "" {
		created, err := s.accountCreated(ctx)
		if err != nil {
			return nil, err
		}
		meta = append(meta, iamwire.AccessKeyMetadata{AccessKeyId: ptr(s.rootKey), Status: ptr("Active"), CreateDate: ptr(created)})
	}
	for _, k := range keys {
		meta = append(meta, iamwire.AccessKeyMetadata{UserName: h.userName(), AccessKeyId: ptr(k.ID), Status: ptr(k.Status), CreateDate: ptr(k.Created)})
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

// keyUser is the holder of a stored key: its user, or for root's keys a
// record with the account id and no name; nil if the user is gone.
func (s *Service) keyUser(ctx context.Context, o *keyOwner) (*userRecord, error) {
	if o.UserID == s.account {
		return &userRecord{ID: s.account}, nil
	}
	return s.userByID(ctx, o.UserID)
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
	u, err := s.keyUser(ctx, o)
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
	var name *string
	if u.Name != "" {
		name = ptr(u.Name)
	}
	return &iamwire.GetAccessKeyLastUsedOutput{UserName: name, AccessKeyLastUsed: used}, nil
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
