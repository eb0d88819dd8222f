package iam

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/iamd/iamd/internal/apierr"
	"github.com/iamd/iamd/internal/schema"
	"github.com/iamd/iamd/internal/store"
	"github.com/iamd/iamd/internal/wire/iamwire"
)

// maxGroupsPerUser is AWS's quota of groups a user can be in.
const maxGroupsPerUser = 10

// groupRecord is a group as stored.
type groupRecord struct {
	Name    string    `json:"n"`
	ID      string    `json:"id"`
	Path    string    `json:"p"`
	Created time.Time `json:"c"`
}

func (s *Service) groupARN(path, name string) string {
	return "arn:aws:iam::" + s.account + ":group" + path + name
}

func (s *Service) wireGroup(g *groupRecord) iamwire.Group {
	return iamwire.Group{Path: g.Path, GroupName: g.Name, GroupId: g.ID, Arn: s.groupARN(g.Path, g.Name), CreateDate: g.Created}
}

func noSuchGroup(name string) error {
	return apierr.NoSuchEntity("The group with name %s cannot be found.", name)
}

func (s *Service) getGroup(ctx context.Context, name string) (*groupRecord, int64, error) {
	return getNamed[groupRecord](ctx, s, schema.Group(s.account, name), func() error { return noSuchGroup(name) })
}

// groupByID reads a group by its unique id (nil if gone).
func (s *Service) groupByID(ctx context.Context, id string) (*groupRecord, error) {
	return byID[groupRecord](ctx, s, schema.GroupID(s.account, id), func(lower string) string { return schema.Group(s.account, lower) })
}

// CreateGroup creates a group.
func (s *Service) CreateGroup(ctx context.Context, in *iamwire.CreateGroupInput) (*iamwire.CreateGroupOutput, error) {
	id, err := s.newUniqueID("AGPA")
	if err != nil {
		return nil, err
	}
	g := &groupRecord{Name: in.GroupName, ID: id, Path: deref(in.Path, "/"), Created: s.now().UTC().Truncate(time.Second)}
	err = s.applyCreate(ctx, kindGroup,
		[]store.Cond{{Key: schema.Group(s.account, g.Name)}, {Key: schema.GroupID(s.account, id)}},
		[]store.Op{
			{Key: schema.Group(s.account, g.Name), Value: mustJSON(g)},
			{Key: schema.GroupID(s.account, id), Value: []byte(schema.Lower(g.Name))},
		})
	if errors.Is(err, store.ErrConflict) {
		return nil, apierr.EntityAlreadyExists("Group with name %s already exists.", in.GroupName)
	}
	if err != nil {
		return nil, err
	}
	return &iamwire.CreateGroupOutput{Group: s.wireGroup(g)}, nil
}

// GetGroup describes a group and lists its members, a page at a time.
func (s *Service) GetGroup(ctx context.Context, in *iamwire.GetGroupInput) (*iamwire.GetGroupOutput, error) {
	g, _, err := s.getGroup(ctx, in.GroupName)
	if err != nil {
		return nil, err
	}
	users, page, err := scanPage(ctx, s.st, schema.OwnedPrefix(s.account, "group-member", g.ID), in.Marker, in.MaxItems, func(kv store.KV) (iamwire.User, bool, error) {
		u, err := s.userByID(ctx, kv.Key[strings.LastIndexByte(kv.Key, '/')+1:])
		if err != nil || u == nil {
			return iamwire.User{}, false, err
		}
		return iamwire.User{Path: u.Path, UserName: u.Name, UserId: u.ID, Arn: s.userARN(u.Path, u.Name), CreateDate: u.Created, PasswordLastUsed: u.PasswordLastUsed}, true, nil
	})
	if err != nil {
		return nil, err
	}
	return &iamwire.GetGroupOutput{Group: s.wireGroup(g), Users: users, IsTruncated: ptr(page.truncated), Marker: page.marker}, nil
}

// ListGroups lists groups by path prefix, a page at a time.
func (s *Service) ListGroups(ctx context.Context, in *iamwire.ListGroupsInput) (*iamwire.ListGroupsOutput, error) {
	prefix := deref(in.PathPrefix, "/")
	groups, page, err := scanPage(ctx, s.st, schema.GroupPrefix(s.account), in.Marker, in.MaxItems, func(kv store.KV) (iamwire.Group, bool, error) {
		g, err := decodeView[groupRecord](s, kv)
		if err != nil || !strings.HasPrefix(g.Path, prefix) {
			return iamwire.Group{}, false, err
		}
		return s.wireGroup(g), true, nil
	})
	if err != nil {
		return nil, err
	}
	return &iamwire.ListGroupsOutput{Groups: groups, IsTruncated: ptr(page.truncated), Marker: page.marker}, nil
}

// UpdateGroup renames and/or moves a group; links are keyed by id, so
// memberships and policies follow.
func (s *Service) UpdateGroup(ctx context.Context, in *iamwire.UpdateGroupInput) (*iamwire.UpdateGroupOutput, error) {
	err := s.retry(ctx, func() error {
		g, rev, err := s.getGroup(ctx, in.GroupName)
		if err != nil {
			return err
		}
		newName := deref(in.NewGroupName, g.Name)
		r := rename{
			oldKey: schema.Group(s.account, g.Name), rev: rev,
			newKey: schema.Group(s.account, newName), idKey: schema.GroupID(s.account, g.ID), newName: newName,
			taken: func() error { return apierr.EntityAlreadyExists("Group with name %s already exists.", newName) },
		}
		g.Name = newName
		g.Path = deref(in.NewPath, g.Path)
		return s.rewriteNamed(ctx, r, g)
	})
	if err != nil {
		return nil, err
	}
	return &iamwire.UpdateGroupOutput{}, nil
}

// DeleteGroup deletes a group with no members and no policies.
func (s *Service) DeleteGroup(ctx context.Context, in *iamwire.DeleteGroupInput) (*iamwire.DeleteGroupOutput, error) {
	err := s.retry(ctx, func() error {
		g, rev, err := s.getGroup(ctx, in.GroupName)
		if err != nil {
			return err
		}
		if err := s.checkOwned(ctx, schema.GroupOwned(), g.ID); err != nil {
			return err
		}
		return s.applyRemoval(ctx, kindGroup,
			[]store.Cond{{Key: schema.Group(s.account, g.Name), ModRevision: rev}},
			[]store.Op{{Key: schema.Group(s.account, g.Name), Delete: true}, {Key: schema.GroupID(s.account, g.ID), Delete: true}})
	})
	if err != nil {
		return nil, err
	}
	return &iamwire.DeleteGroupOutput{}, nil
}

// AddUserToGroup adds a user to a group (adding twice is not an error).
func (s *Service) AddUserToGroup(ctx context.Context, in *iamwire.AddUserToGroupInput) (*iamwire.AddUserToGroupOutput, error) {
	err := s.retry(ctx, func() error {
		g, grev, err := s.getGroup(ctx, in.GroupName)
		if err != nil {
			return err
		}
		u, urev, err := s.getUser(ctx, in.UserName)
		if err != nil {
			return err
		}
		link := schema.UserGroup(s.account, u.ID, g.ID)
		if has, err := s.hasAny(ctx, link); err != nil || has {
			return err
		}
		kvs, _, err := s.st.Range(ctx, schema.OwnedPrefix(s.account, "user-group", u.ID), "", maxGroupsPerUser)
		if err != nil {
			return err
		}
		if len(kvs) >= maxGroupsPerUser {
			return apierr.LimitExceeded("Cannot exceed quota for GroupsPerUser: %d", maxGroupsPerUser)
		}
		// The user record is rewritten under its revision so the quota
		// holds under concurrency; the group's revision guards deletion.
		uk, gk := schema.User(s.account, u.Name), schema.Group(s.account, g.Name)
		_, err = s.st.Apply(ctx,
			[]store.Cond{{Key: uk, ModRevision: urev}, {Key: gk, ModRevision: grev}},
			[]store.Op{
				{Key: uk, Value: mustJSON(u)},
				{Key: link, Value: []byte{}},
				{Key: schema.GroupMember(s.account, g.ID, u.ID), Value: []byte{}},
			})
		return err
	})
	if err != nil {
		return nil, err
	}
	return &iamwire.AddUserToGroupOutput{}, nil
}

// RemoveUserFromGroup removes a user from a group. The user is looked up
// before the group, and removing a user who is not a member succeeds, as
// AWS does.
func (s *Service) RemoveUserFromGroup(ctx context.Context, in *iamwire.RemoveUserFromGroupInput) (*iamwire.RemoveUserFromGroupOutput, error) {
	u, _, err := s.getUser(ctx, in.UserName)
	if err != nil {
		return nil, err
	}
	g, _, err := s.getGroup(ctx, in.GroupName)
	if err != nil {
		return nil, err
	}
	link := schema.UserGroup(s.account, u.ID, g.ID)
	kv, err := s.st.Get(ctx, link)
	if errors.Is(err, store.ErrNotFound) {
		return &iamwire.RemoveUserFromGroupOutput{}, nil
	}
	if err != nil {
		return nil, err
	}
	_, err = s.st.Apply(ctx, []store.Cond{{Key: link, ModRevision: kv.ModRevision}}, []store.Op{
		{Key: link, Delete: true},
		{Key: schema.GroupMember(s.account, g.ID, u.ID), Delete: true},
	})
	if err != nil && !errors.Is(err, store.ErrConflict) {
		return nil, err
	}
	return &iamwire.RemoveUserFromGroupOutput{}, nil
}

// groupsOf returns the groups a user is in, in group-id order.
func (s *Service) groupsOf(ctx context.Context, userID string) ([]*groupRecord, error) {
	kvs, _, err := s.st.Range(ctx, schema.OwnedPrefix(s.account, "user-group", userID), "", 0)
	if err != nil {
		return nil, err
	}
	out := make([]*groupRecord, 0, len(kvs))
	for _, kv := range kvs {
		g, err := s.groupByID(ctx, kv.Key[strings.LastIndexByte(kv.Key, '/')+1:])
		if err != nil {
			return nil, err
		}
		if g != nil {
			out = append(out, g)
		}
	}
	return out, nil
}

// ListGroupsForUser lists the groups a user is in.
func (s *Service) ListGroupsForUser(ctx context.Context, in *iamwire.ListGroupsForUserInput) (*iamwire.ListGroupsForUserOutput, error) {
	u, _, err := s.getUser(ctx, in.UserName)
	if err != nil {
		return nil, err
	}
	gs, err := s.groupsOf(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	all := make([]iamwire.Group, len(gs))
	for i, g := range gs {
		all[i] = s.wireGroup(g)
	}
	items, truncated, marker, err := pageSlice(all, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iamwire.ListGroupsForUserOutput{Groups: items, IsTruncated: ptr(truncated), Marker: marker}, nil
}
