package iam

import (
	"strconv"
	"sync"

	"github.com/iamd/iamd/internal/policy"
)

// compiledCache keeps compiled policies by kind and document text. Parsing
// is a pure function of the two, so an entry never goes stale; the cache
// is only bounded (emptied when full).
type compiledCache struct {
	mu sync.RWMutex
	m  map[string]*policy.Policy
}

// maxCompiledPolicies bounds the compiled-policy cache.
const maxCompiledPolicies = 8192

func newCompiledCache() *compiledCache {
	return &compiledCache{m: map[string]*policy.Policy{}}
}

// compiled parses doc as kind, or returns the policy compiled before.
// Parse errors are not cached.
func (s *Service) compiled(doc string, kind policy.Kind) (*policy.Policy, error) {
	key := strconv.Itoa(int(kind)) + doc
	c := s.policies
	c.mu.RLock()
	p, ok := c.m[key]
	c.mu.RUnlock()
	if ok {
		return p, nil
	}
	p, err := policy.Parse(doc, kind)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if len(c.m) >= maxCompiledPolicies {
		clear(c.m)
	}
	c.m[key] = p
	c.mu.Unlock()
	return p, nil
}
