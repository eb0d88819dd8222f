package bench

import (
	"math/bits"
	"time"
)

// histogram is a log-linear latency histogram in the manner of HDR
// Histogram: values below 256 ns are exact, larger ones fall in one of 128
// sub-buckets per power of two, so a recorded value is known within 1/128
// (0.8%). Recording is one array increment; each worker owns one and they
// are merged after the run.
type histogram struct {
	counts [histBuckets]uint64
	n      uint64
	max    int64
}

const (
	histSubBits = 7
	histSub     = 1 << histSubBits // sub-buckets per power of two
	histBuckets = 2*histSub + (64-histSubBits-1)*histSub
)

// bucketOf returns the bucket of a value in nanoseconds.
func bucketOf(v int64) int {
	if v < 2*histSub {
		if v < 0 {
			return 0
		}
		return int(v)
	}
	shift := bits.Len64(uint64(v)) - histSubBits - 1 // ≥ 1
	top := int(v >> shift)                           // in [histSub, 2*histSub)
	return 2*histSub + (shift-1)*histSub + top - histSub
}

// bucketRange returns the lowest and highest value of bucket i.
func bucketRange(i int) (lo, hi int64) {
	if i < 2*histSub {
		return int64(i), int64(i)
	}
	j := i - 2*histSub
	shift := j/histSub + 1
	top := int64(j%histSub + histSub)
	return top << shift, (top+1)<<shift - 1
}

func (h *histogram) record(d time.Duration) {
	v := int64(d)
	h.counts[bucketOf(v)]++
	h.n++
	if v > h.max {
		h.max = v
	}
}

func (h *histogram) merge(o *histogram) {
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.n += o.n
	h.max = max(h.max, o.max)
}

// quantile returns the value at quantile q (0 < q ≤ 1): the midpoint of
// the bucket holding the ⌈q·n⌉-th smallest value, never above the maximum.
func (h *histogram) quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := uint64(q*float64(h.n) + 0.999999)
	rank = min(max(rank, 1), h.n)
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			lo, hi := bucketRange(i)
			return time.Duration(min(lo+(hi-lo)/2, h.max))
		}
	}
	return time.Duration(h.max)
}
