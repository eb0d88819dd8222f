package iam

import (
	"context"

	"github.com/iamd/iamd/internal/schema"
)

// entity is a principal-like thing that policies attach to: a user, a
// group or a role. Attachments and inline policies are written through it,
// by the same code for every kind.
type entity struct {
	kind string // "user", "group", "role"
	id   string
	name string
	key  string // the record's store key
	rev  int64  // the record's revision when read
	raw  []byte // the record as read, to rewrite it unchanged (bumping its revision)
}

// entityOf reads the entity of a kind by name.
func (s *Service) entityOf(ctx context.Context, kind, name string) (*entity, error) {
	switch kind {
	case "user":
		u, rev, err := s.getUser(ctx, name)
		if err != nil {
			return nil, err
		}
		return &entity{kind: kind, id: u.ID, name: u.Name, key: schema.User(s.account, u.Name), rev: rev, raw: mustJSON(u)}, nil
	case "group":
		g, rev, err := s.getGroup(ctx, name)
		if err != nil {
			return nil, err
		}
		return &entity{kind: kind, id: g.ID, name: g.Name, key: schema.Group(s.account, g.Name), rev: rev, raw: mustJSON(g)}, nil
	case "role":
		r, rev, err := s.getRole(ctx, name)
		if err != nil {
			return nil, err
		}
		return &entity{kind: kind, id: r.ID, name: r.Name, key: schema.Role(s.account, r.Name), rev: rev, raw: mustJSON(r)}, nil
	}
	panic("iam: unknown entity kind " + kind)
}
