package api

import (
	"context"
	"net/netip"
	"time"
)

// RequestInfo describes the request being served, for handlers and for
// authorization (aws:SourceIp, aws:SecureTransport, aws:RequestedRegion ...).
type RequestInfo struct {
	ID        string
	Operation *Operation
	Time      time.Time
	SourceIP  netip.Addr
	Secure    bool
	Region    string
	UserAgent string
}

type infoKey struct{}

// WithInfo returns a context carrying info.
func WithInfo(ctx context.Context, info *RequestInfo) context.Context {
	return context.WithValue(ctx, infoKey{}, info)
}

// InfoFrom returns the request info in ctx, or nil.
func InfoFrom(ctx context.Context) *RequestInfo {
	i, _ := ctx.Value(infoKey{}).(*RequestInfo)
	return i
}
