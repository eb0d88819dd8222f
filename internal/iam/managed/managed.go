// Package managed is the catalogue of AWS managed policies
// (arn:aws:iam::aws:policy/...), shipped as data. See README.md for where
// the documents come from.
package managed

import (
	"crypto/sha256"
	_ "embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"
)

//go:embed aws_managed_policies.json
var catalogueJSON []byte

//go:embed service_linked_roles.json
var serviceRolesJSON []byte

// Policy is one AWS managed policy (its default version only).
type Policy struct {
	Name           string
	Path           string
	ARN            string
	ID             string // AWS's PolicyId (ANPA + 17 characters); see README.md
	DefaultVersion string
	Created        time.Time
	Updated        time.Time
	Document       string // JSON
}

// Catalogue holds the AWS managed policies, by name and in name order.
type Catalogue struct {
	byName map[string]*Policy
	byID   map[string]*Policy
	sorted []*Policy
	// serviceRoles names each service's service-linked role.
	serviceRoles map[string]string
}

type entry struct {
	Path             string          `json:"Path"`
	PolicyID         string          `json:"PolicyId"`
	DefaultVersionID string          `json:"DefaultVersionId"`
	CreateDate       time.Time       `json:"CreateDate"`
	UpdateDate       time.Time       `json:"UpdateDate"`
	Document         json.RawMessage `json:"Document"`
}

// Load parses the embedded catalogue.
func Load() (*Catalogue, error) {
	var raw map[string]entry
	if err := json.Unmarshal(catalogueJSON, &raw); err != nil {
		return nil, fmt.Errorf("managed: %w", err)
	}
	c := &Catalogue{byName: map[string]*Policy{}, byID: map[string]*Policy{}}
	if err := json.Unmarshal(serviceRolesJSON, &c.serviceRoles); err != nil {
		return nil, fmt.Errorf("managed: service-linked roles: %w", err)
	}
	for name, e := range raw {
		doc, err := json.MarshalIndent(json.RawMessage(e.Document), "", "    ")
		if err != nil {
			return nil, fmt.Errorf("managed: %s: %w", name, err)
		}
		arn := "arn:aws:iam::aws:policy" + e.Path + name
		id := e.PolicyID
		if id == "" {
			id = derivedID(arn)
		}
		if other := c.byID[id]; other != nil {
			return nil, fmt.Errorf("managed: %s and %s share the id %s", other.Name, name, id)
		}
		p := &Policy{
			Name: name, Path: e.Path, ARN: arn, ID: id,
			DefaultVersion: e.DefaultVersionID, Created: e.CreateDate.UTC(), Updated: e.UpdateDate.UTC(),
			Document: string(doc),
		}
		c.byName[strings.ToLower(name)] = p
		c.byID[p.ID] = p
		c.sorted = append(c.sorted, p)
	}
	sort.Slice(c.sorted, func(i, j int) bool { return strings.ToLower(c.sorted[i].Name) < strings.ToLower(c.sorted[j].Name) })
	return c, nil
}

// derivedID gives an AWS managed policy whose real PolicyId is not known
// (no "PolicyId" in its catalogue entry; README.md lists them) a stable
// stand-in id of the same shape.
func derivedID(arn string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	sum := sha256.Sum256([]byte(arn))
	b := make([]byte, 17)
	for i := range b {
		b[i] = alphabet[int(sum[i])%len(alphabet)]
	}
	return "ANPA" + string(b)
}

// ByARN finds a policy by ARN (exact path and name).
func (c *Catalogue) ByARN(arn string) *Policy {
	i := strings.LastIndexByte(arn, '/')
	if i < 0 {
		return nil
	}
	p := c.byName[strings.ToLower(arn[i+1:])]
	if p == nil || p.ARN != arn {
		return nil
	}
	return p
}

// ByID finds a policy by its id.
func (c *Catalogue) ByID(id string) *Policy { return c.byID[id] }

// All returns every policy in name order.
func (c *Catalogue) All() []*Policy { return c.sorted }

// ServiceLinkedRoleName is the name AWS gives the service-linked role of a
// service principal (autoscaling.amazonaws.com → AWSServiceRoleForAutoScaling),
// if the catalogue knows the service.
func (c *Catalogue) ServiceLinkedRoleName(service string) (string, bool) {
	name, ok := c.serviceRoles[service]
	return name, ok
}
