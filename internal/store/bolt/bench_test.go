package bolt

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/iamd/iamd/internal/store"
)

// benchValue is a typical record size (a serialized IAM entity).
var benchValue = make([]byte, 256)

func BenchmarkGet(b *testing.B) {
	s, _ := openTemp(b, Options{})
	const n = 10000
	ops := make([]store.Op, 0, 500)
	for i := range n {
		ops = append(ops, store.Op{Key: fmt.Sprintf("users/%06d", i), Value: benchValue})
		if len(ops) == cap(ops) {
			mustApply(b, s, nil, ops...)
			ops = ops[:0]
		}
	}
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprintf("users/%06d", (i*7919)%n)
	}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := s.Get(ctx, keys[i%n]); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkApplySerial(b *testing.B) {
	s, _ := openTemp(b, Options{})
	ctx := context.Background()
	keys := make([]string, 1000)
	for i := range keys {
		keys[i] = fmt.Sprintf("users/%06d", i)
	}
	commits := s.commits.Load()
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for ; b.Loop(); n++ {
		if _, err := s.Apply(ctx, nil, []store.Op{{Key: keys[n%len(keys)], Value: benchValue}}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)/float64(s.commits.Load()-commits), "applies/commit")
}

// BenchmarkApplyParallel runs Apply from 16 goroutines per CPU: group commit
// puts many of them into each transaction and fsync.
func BenchmarkApplyParallel(b *testing.B) {
	s, _ := openTemp(b, Options{})
	ctx := context.Background()
	var next, applies atomic.Int64
	commits := s.commits.Load()
	b.ReportAllocs()
	b.SetParallelism(16)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		id := next.Add(1)
		i := 0
		for pb.Next() {
			key := fmt.Sprintf("users/%03d/%06d", id, i%1000)
			i++
			if _, err := s.Apply(ctx, nil, []store.Op{{Key: key, Value: benchValue}}); err != nil {
				b.Error(err)
				return
			}
			applies.Add(1)
		}
	})
	b.ReportMetric(float64(applies.Load())/float64(s.commits.Load()-commits), "applies/commit")
}
