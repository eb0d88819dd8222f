package iam

import (
	"context"
	"strings"

	"github.com/iamd/iamd/internal/apierr"
	"github.com/iamd/iamd/internal/schema"
	"github.com/iamd/iamd/internal/store"
	"github.com/iamd/iamd/internal/wire/iamwire"
)

// maxTags is AWS's limit of tags per entity.
const maxTags = 50

type tag struct {
	Key   string `json:"k"`
	Value string `json:"v"`
}

func wireTags(ts []tag) []iamwire.Tag {
	out := make([]iamwire.Tag, len(ts))
	for i, t := range ts {
		out[i] = iamwire.Tag{Key: t.Key, Value: t.Value}
	}
	return out
}

// newTags checks the tags of one request: no duplicate keys (tag keys are
// compared without regard to case) and no reserved "aws:" prefix.
func newTags(in []iamwire.Tag) ([]tag, error) {
	return checkTags(in, false)
}

// newPolicyTags is newTags for a managed policy, whose tag keys are
// case-sensitive: "a" and "A" are two tags, and AWS words a duplicate
// without the note on case.
func newPolicyTags(in []iamwire.Tag) ([]tag, error) {
	return checkTags(in, true)
}

func checkTags(in []iamwire.Tag, caseSensitive bool) ([]tag, error) {
	if len(in) == 0 {
		return nil, nil
	}
	seen := make(map[string]bool, len(in))
	out := make([]tag, 0, len(in))
	for _, t := range in {
		k := t.Key
		if !caseSensitive {
			k = strings.ToLower(k)
		}
		if seen[k] {
			if caseSensitive {
				return nil, apierr.InvalidInput("Duplicate tag keys found.")
			}
			return nil, apierr.InvalidInput("Duplicate tag keys found. Please note that Tag keys are case insensitive.")
		}
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			return nil, apierr.InvalidInput("User-defined tag keys can't start with 'aws:'. This prefix is reserved for AWS.")
		}
		seen[k] = true
		out = append(out, tag{Key: t.Key, Value: t.Value})
	}
	return out, nil
}

// mergeTags adds or overwrites tags, keeping at most maxTags.
func mergeTags(have []tag, add []tag) ([]tag, error) {
	return mergeTagsBy(have, add, strings.EqualFold)
}

func sameKey(a, b string) bool { return a == b }

// mergeTagsBy is mergeTags with keys compared by same.
func mergeTagsBy(have []tag, add []tag, same func(a, b string) bool) ([]tag, error) {
	out := append([]tag(nil), have...)
	for _, t := range add {
		replaced := false
		for i := range out {
			if same(out[i].Key, t.Key) {
				out[i] = t
				replaced = true
				break
			}
		}
		if !replaced {
			out = append(out, t)
		}
	}
	if len(out) > maxTags {
		return nil, apierr.LimitExceeded("The number of tags has reached the maximum limit.")
	}
	return out, nil
}

// removeTags drops the named keys (absent keys are ignored, as AWS does).
func removeTags(have []tag, keys []string) []tag {
	return removeTagsBy(have, keys, strings.EqualFold)
}

// removeTagsBy is removeTags with keys compared by same.
func removeTagsBy(have []tag, keys []string, same func(a, b string) bool) []tag {
	out := have[:0:0]
	for _, t := range have {
		drop := false
		for _, k := range keys {
			if same(t.Key, k) {
				drop = true
				break
			}
		}
		if !drop {
			out = append(out, t)
		}
	}
	return out
}

// updateUser applies f to a stored user under optimistic concurrency.
func (s *Service) updateUser(ctx context.Context, name string, f func(u *userRecord) error) error {
	return s.updateUserOps(ctx, name, func(u *userRecord) ([]store.Op, error) { return nil, f(u) })
}

// updateUserOps is updateUser with extra store ops written in the same
// transaction.
func (s *Service) updateUserOps(ctx context.Context, name string, f func(u *userRecord) ([]store.Op, error)) error {
	return s.retry(ctx, func() error {
		u, rev, err := s.getUser(ctx, name)
		if err != nil {
			return err
		}
		extra, err := f(u)
		if err != nil {
			return err
		}
		key := schema.User(s.account, u.Name)
		_, err = s.st.Apply(ctx, []store.Cond{{Key: key, ModRevision: rev}}, append([]store.Op{{Key: key, Value: mustJSON(u)}}, extra...))
		return err
	})
}

// TagUser adds or overwrites tags on a user.
func (s *Service) TagUser(ctx context.Context, in *iamwire.TagUserInput) (*iamwire.TagUserOutput, error) {
	add, err := newTags(in.Tags)
	if err != nil {
		return nil, err
	}
	err = s.updateUser(ctx, in.UserName, func(u *userRecord) error {
		merged, err := mergeTags(u.Tags, add)
		u.Tags = merged
		return err
	})
	if err != nil {
		return nil, err
	}
	return &iamwire.TagUserOutput{}, nil
}

// UntagUser removes tags from a user.
func (s *Service) UntagUser(ctx context.Context, in *iamwire.UntagUserInput) (*iamwire.UntagUserOutput, error) {
	err := s.updateUser(ctx, in.UserName, func(u *userRecord) error {
		u.Tags = removeTags(u.Tags, in.TagKeys)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &iamwire.UntagUserOutput{}, nil
}

// ListUserTags lists a user's tags, a page at a time.
func (s *Service) ListUserTags(ctx context.Context, in *iamwire.ListUserTagsInput) (*iamwire.ListUserTagsOutput, error) {
	u, _, err := s.getUser(ctx, in.UserName)
	if err != nil {
		return nil, err
	}
	tags, truncated, marker, err := pageSlice(wireTags(u.Tags), in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iamwire.ListUserTagsOutput{Tags: tags, IsTruncated: ptr(truncated), Marker: marker}, nil
}
