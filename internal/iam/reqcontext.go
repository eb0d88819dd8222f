package iam

import (
	"strconv"
	"strings"
	"time"

	"github.com/iamd/iamd/internal/api"
	"github.com/iamd/iamd/internal/auth"
	"github.com/iamd/iamd/internal/policy"
)

// reqContext is the condition context of one request. The global keys
// are computed only when a policy asks for them (most requests are decided
// by policies without conditions, which ask for none); the keys that come
// from the operation and its input are set eagerly in extra.
type reqContext struct {
	p     *auth.Principal
	info  *api.RequestInfo
	now   time.Time
	tags  []tag             // the principal's own tags (user or role)
	extra policy.MapContext // operation keys: aws:RequestTag/…, iam:PolicyARN, sts:ExternalId …
}

var _ policy.Context = (*reqContext)(nil)

// set records an operation key.
func (c *reqContext) set(key string, values ...string) {
	if c.extra == nil {
		c.extra = policy.MapContext{}
	}
	c.extra.Set(key, values...)
}

func one(v string) ([]string, bool) { return []string{v}, true }

// Get implements policy.Context; key is in lower case.
func (c *reqContext) Get(key string) ([]string, bool) {
	if v, ok := c.extra[key]; ok {
		return v, true
	}
	p := c.p
	switch key {
	case "aws:currenttime":
		return one(c.now.Format("2006-01-02T15:04:05Z"))
	case "aws:epochtime":
		return one(strconv.FormatInt(c.now.Unix(), 10))
	case "aws:principalarn":
		return one(principalARN(p))
	case "aws:principalaccount":
		return one(p.AccountID)
	case "aws:principaltype":
		return one(p.Kind.String())
	case "aws:userid":
		return one(p.UserID)
	case "aws:username":
		if p.Kind == auth.User {
			return one(p.Name)
		}
	case "aws:tokenissuetime":
		if p.SessionToken != "" {
			return one(p.TokenIssued.UTC().Format("2006-01-02T15:04:05Z"))
		}
	case "aws:multifactorauthpresent":
		if p.SessionToken != "" {
			return one(strconv.FormatBool(p.MFA))
		}
	case "aws:multifactorauthage":
		if p.SessionToken != "" && p.MFA {
			return one(strconv.FormatInt(int64(c.now.Sub(p.MFAAuthTime)/time.Second), 10))
		}
	case "aws:sourceip":
		if c.info != nil && c.info.SourceIP.IsValid() {
			return one(c.info.SourceIP.String())
		}
	case "aws:securetransport":
		if c.info != nil {
			return one(strconv.FormatBool(c.info.Secure))
		}
	case "aws:requestedregion":
		if c.info != nil && c.info.Region != "" {
			return one(c.info.Region)
		}
	case "aws:sourceidentity":
		if p.SourceIdentity != "" {
			return one(p.SourceIdentity)
		}
	case "aws:useragent":
		if c.info != nil && c.info.UserAgent != "" {
			return one(c.info.UserAgent)
		}
	}
	if name, ok := strings.CutPrefix(key, "aws:principaltag/"); ok {
		// Session tags win over the principal's own tags.
		for k, v := range p.SessionTags {
			if strings.EqualFold(k, name) {
				return one(v)
			}
		}
		if p.Tags != nil {
			for k, v := range p.Tags {
				if strings.EqualFold(k, name) {
					return one(v)
				}
			}
			return nil, false
		}
		for _, t := range c.tags {
			if strings.EqualFold(t.Key, name) {
				return one(t.Value)
			}
		}
	}
	return nil, false
}
