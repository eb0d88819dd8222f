package api

import (
	"context"
	"fmt"

	"github.com/iamd/iamd/internal/wire"
)

// Service identifies the API an operation belongs to.
type Service struct {
	Name      string // "iam" or "sts" (the IAM action prefix)
	Version   string // API version, e.g. "2010-05-08"
	Namespace string // XML namespace of responses
}

// Operation describes one API operation: its name, its IAM action, whether
// it changes state, and how to decode and run it.
type Operation struct {
	Service *Service
	Name    string // e.g. "CreateUser"
	Action  string // e.g. "iam:CreateUser"
	Mutates bool
	// Anonymous operations are called without a signature (STS
	// AssumeRoleWithWebIdentity/SAML).
	Anonymous bool

	decode func(d *wire.Decoder) any
	run    func(ctx context.Context, in any) (wire.Output, error)
}

// Handler is the typed function that serves an operation.
type Handler[In any, Out wire.Output] func(ctx context.Context, in *In) (Out, error)

// Op builds an operation descriptor for a typed handler. PIn is inferred as
// *In, which must implement wire.Input.
func Op[In any, PIn interface {
	*In
	wire.Input
}, Out wire.Output](svc *Service, name string, mutates bool, h Handler[In, Out]) *Operation {
	return &Operation{
		Service: svc,
		Name:    name,
		Action:  svc.Name + ":" + name,
		Mutates: mutates,
		decode: func(d *wire.Decoder) any {
			in := PIn(new(In))
			in.Decode(d)
			return (*In)(in)
		},
		run: func(ctx context.Context, in any) (wire.Output, error) {
			return h(ctx, in.(*In))
		},
	}
}

// Table maps (version, action) to operations.
type Table struct {
	ops      map[string]*Operation
	known    map[string]bool
	unsigned map[string]bool
}

// NewTable returns an empty table.
func NewTable() *Table {
	return &Table{ops: map[string]*Operation{}, known: map[string]bool{}, unsigned: map[string]bool{}}
}

// Declare records every operation a service's model has, so that a known
// but unimplemented operation is told apart from an unknown one, and those
// AWS serves without a signature.
func (t *Table) Declare(svc *Service, names, unsigned []string) {
	for _, n := range names {
		t.known[svc.Version+"/"+n] = true
	}
	for _, n := range unsigned {
		t.unsigned[svc.Version+"/"+n] = true
	}
}

// Known reports whether the service model has the operation.
func (t *Table) Known(version, action string) bool { return t.known[version+"/"+action] }

// Unsigned reports whether AWS serves the operation without a signature.
func (t *Table) Unsigned(version, action string) bool { return t.unsigned[version+"/"+action] }

// Add registers operations; a duplicate is a programming error.
func (t *Table) Add(ops ...*Operation) {
	for _, op := range ops {
		k := op.Service.Version + "/" + op.Name
		if _, dup := t.ops[k]; dup {
			panic(fmt.Sprintf("api: operation %s registered twice", k))
		}
		t.ops[k] = op
	}
}

// Lookup finds the operation for a version and action.
func (t *Table) Lookup(version, action string) *Operation {
	return t.ops[version+"/"+action]
}

// Operations returns every registered operation.
func (t *Table) Operations() []*Operation {
	out := make([]*Operation, 0, len(t.ops))
	for _, op := range t.ops {
		out = append(out, op)
	}
	return out
}
