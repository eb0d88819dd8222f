package iam

import (
	"sync"
	"time"

	"github.com/iamd/iamd/internal/auth"
)

// keyCache keeps resolved access keys (principal and secret) for as long
// as the store revision they were read at is current, so that a signed
// request by an IAM user costs no store reads when nothing changed. It
// also remembers when each key's use was last recorded, so that recording
// it costs a write at most once per lastUseGranularity.
type keyCache struct {
	mu   sync.Mutex
	rev  int64
	keys map[string]*resolvedKey
	uses map[string]keyUse
}

type resolvedKey struct {
	principal auth.Principal
	secret    string
}

type keyUse struct {
	at              time.Time
	service, region string
}

// maxCachedKeys bounds the cache; it is emptied when full.
const maxCachedKeys = 4096

func newKeyCache() *keyCache {
	return &keyCache{keys: map[string]*resolvedKey{}, uses: map[string]keyUse{}}
}

func (c *keyCache) get(rev int64, akid string) (*resolvedKey, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.rev != rev {
		return nil, false
	}
	k, ok := c.keys[akid]
	return k, ok
}

func (c *keyCache) put(rev int64, akid string, k *resolvedKey) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.rev != rev || len(c.keys) >= maxCachedKeys {
		clear(c.keys)
		c.rev = rev
	}
	c.keys[akid] = k
}

func (c *keyCache) recentlyUsed(akid, service, region string, now time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	u, ok := c.uses[akid]
	return ok && u.service == service && u.region == region && now.Sub(u.at) < lastUseGranularity
}

func (c *keyCache) used(akid, service, region string, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.uses) >= maxCachedKeys {
		clear(c.uses)
	}
	c.uses[akid] = keyUse{at: now, service: service, region: region}
}
