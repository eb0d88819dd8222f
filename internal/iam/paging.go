package iam

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/iamd/iamd/internal/apierr"
	"github.com/iamd/iamd/internal/store"
)

// defaultMaxItems is the page size when MaxItems is not given.
const defaultMaxItems = 100

type page struct {
	truncated bool
	marker    *string
}

// scanPage walks keys under prefix after the marker and collects the items
// match accepts, up to MaxItems; it reports whether more would follow. The
// marker is opaque to clients (the last key, base64url-encoded).
func scanPage[T any](ctx context.Context, st store.Store, prefix string, marker *string, maxItems *int32, match func(store.KV) (T, bool, error)) ([]T, page, error) {
	limit := defaultMaxItems
	if maxItems != nil {
		limit = int(*maxItems)
	}
	after := ""
	if marker != nil {
		raw, err := base64.RawURLEncoding.DecodeString(*marker)
		if err != nil || !strings.HasPrefix(string(raw), prefix) {
			return nil, page{}, apierr.InvalidInput("Invalid Marker.")
		}
		after = string(raw)
	}
	items := make([]T, 0, min(limit, 64))
	last := ""
	for {
		kvs, more, err := st.Range(ctx, prefix, after, limit+1)
		if err != nil {
			return nil, page{}, err
		}
		for _, kv := range kvs {
			item, ok, err := match(kv)
			if err != nil {
				return nil, page{}, err
			}
			after = kv.Key
			if !ok {
				continue
			}
			if len(items) == limit {
				m := base64.RawURLEncoding.EncodeToString([]byte(last))
				return items, page{truncated: true, marker: &m}, nil
			}
			items = append(items, item)
			last = kv.Key
		}
		if !more {
			return items, page{}, nil
		}
	}
}

func decodeJSON(kv store.KV, v any) error {
	if err := json.Unmarshal(kv.Value, v); err != nil {
		return fmt.Errorf("decode %s: %w", kv.Key, err)
	}
	return nil
}

// pageSlice pages an in-memory list; the marker is the next index.
func pageSlice[T any](all []T, marker *string, maxItems *int32) ([]T, bool, *string, error) {
	start := 0
	if marker != nil {
		n, err := strconv.Atoi(strings.TrimPrefix(*marker, "i"))
		if err != nil || n < 0 || n > len(all) || !strings.HasPrefix(*marker, "i") {
			return nil, false, nil, apierr.InvalidInput("Invalid Marker.")
		}
		start = n
	}
	limit := defaultMaxItems
	if maxItems != nil {
		limit = int(*maxItems)
	}
	end := min(start+limit, len(all))
	out := all[start:end]
	if out == nil {
		out = []T{}
	}
	if end < len(all) {
		m := "i" + strconv.Itoa(end)
		return out, true, &m, nil
	}
	return out, false, nil, nil
}
