package iam

import (
	"context"
	"errors"
	"strings"

	"github.com/iamd/iamd/internal/apierr"
	"github.com/iamd/iamd/internal/schema"
	"github.com/iamd/iamd/internal/store"
	"github.com/iamd/iamd/internal/wire/iamwire"
)

// CreateAccountAlias sets the account's alias (an account has at most one;
// creating another replaces it, as AWS does).
func (s *Service) CreateAccountAlias(ctx context.Context, in *iamwire.CreateAccountAliasInput) (*iamwire.CreateAccountAliasOutput, error) {
	if strings.Contains(in.AccountAlias, "--") {
		return nil, apierr.ValidationError("1 validation error detected: Value at 'accountAlias' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$")
	}
	err := s.retry(ctx, func() error {
		cur, err := s.st.Get(ctx, schema.AccountAlias(s.account))
		var conds []store.Cond
		var ops []store.Op
		switch {
		case errors.Is(err, store.ErrNotFound):
			conds = append(conds, store.Cond{Key: schema.AccountAlias(s.account)})
		case err != nil:
			return err
		default:
			if string(cur.Value) == in.AccountAlias {
				return nil
			}
			conds = append(conds, store.Cond{Key: schema.AccountAlias(s.account), ModRevision: cur.ModRevision})
			ops = append(ops, store.Op{Key: schema.AliasOwner(string(cur.Value)), Delete: true})
		}
		if kv, err := s.st.Get(ctx, schema.AliasOwner(in.AccountAlias)); err == nil && string(kv.Value) != s.account {
			return apierr.EntityAlreadyExists("The account alias %s already exists.", in.AccountAlias)
		}
		conds = append(conds, store.Cond{Key: schema.AliasOwner(in.AccountAlias)})
		ops = append(ops,
			store.Op{Key: schema.AccountAlias(s.account), Value: []byte(in.AccountAlias)},
			store.Op{Key: schema.AliasOwner(in.AccountAlias), Value: []byte(s.account)})
		_, err = s.st.Apply(ctx, conds, ops)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &iamwire.CreateAccountAliasOutput{}, nil
}

// DeleteAccountAlias removes the account's alias.
func (s *Service) DeleteAccountAlias(ctx context.Context, in *iamwire.DeleteAccountAliasInput) (*iamwire.DeleteAccountAliasOutput, error) {
	cur, err := s.st.Get(ctx, schema.AccountAlias(s.account))
	if errors.Is(err, store.ErrNotFound) || err == nil && string(cur.Value) != in.AccountAlias {
		return nil, apierr.NoSuchEntity("The account alias %s cannot be found.", in.AccountAlias)
	}
	if err != nil {
		return nil, err
	}
	_, err = s.st.Apply(ctx, []store.Cond{{Key: schema.AccountAlias(s.account), ModRevision: cur.ModRevision}}, []store.Op{
		{Key: schema.AccountAlias(s.account), Delete: true},
		{Key: schema.AliasOwner(in.AccountAlias), Delete: true},
	})
	if err != nil {
		return nil, err
	}
	return &iamwire.DeleteAccountAliasOutput{}, nil
}

// ListAccountAliases lists the account's alias (zero or one).
func (s *Service) ListAccountAliases(ctx context.Context, _ *iamwire.ListAccountAliasesInput) (*iamwire.ListAccountAliasesOutput, error) {
	out := &iamwire.ListAccountAliasesOutput{AccountAliases: []string{}, IsTruncated: ptr(false)}
	cur, err := s.st.Get(ctx, schema.AccountAlias(s.account))
	switch {
	case err == nil:
		out.AccountAliases = append(out.AccountAliases, string(cur.Value))
	case !errors.Is(err, store.ErrNotFound):
		return nil, err
	}
	return out, nil
}
