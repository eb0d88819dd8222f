package bolt

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/iamd/iamd/internal/store"
)

// hub is the in-process watch broadcaster: a bounded history of recent
// events plus the set of live watchers. publish is called by the committer
// only, in revision order, and never blocks on a watcher.
type hub struct {
	mu sync.Mutex
	// compacted is the newest revision whose events may be missing from
	// hist: hist holds every event with Revision > compacted.
	compacted int64
	// hist is a ring buffer of the last len(hist) events (oldest at head).
	hist       []store.Event
	head, size int
	// bytes is the eventCost of the events in hist, at most maxBytes.
	bytes, maxBytes int64
	queueMax        int
	watchers        map[*watcher]struct{}
	closed          bool
	done            chan struct{} // closed by close
	wg              sync.WaitGroup
}

// watcher is one Watch call. Its queue is filled by publish (under hub.mu)
// and drained by its own goroutine into out.
type watcher struct {
	prefix  string
	fromRev int64
	queue   []store.Event
	dropped bool          // no more events will be queued
	wake    chan struct{} // capacity 1
	out     chan store.Event
}

func newHub(rev int64, history int, historyBytes int64, queueMax int) *hub {
	return &hub{
		maxBytes:  historyBytes,
		compacted: rev,
		hist:      make([]store.Event, history),
		queueMax:  queueMax,
		watchers:  make(map[*watcher]struct{}),
		done:      make(chan struct{}),
	}
}

// publish records the events of one revision (all with Revision rev, rev >
// every earlier one) and queues them for matching watchers.
func (h *hub) publish(rev int64, evs []store.Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, ev := range evs {
		h.record(ev)
	}
	for w := range h.watchers {
		if rev <= w.fromRev {
			continue
		}
		n := 0
		for _, ev := range evs {
			if strings.HasPrefix(ev.Key, w.prefix) {
				n++
			}
		}
		if n == 0 {
			continue
		}
		// Queue whole revisions only, so a dropped watcher can resume
		// from the last revision it received. An empty queue always
		// takes the revision, however large, so watchers make progress.
		if len(w.queue) > 0 && len(w.queue)+n > h.queueMax {
			w.dropped = true
			delete(h.watchers, w)
		} else {
			for _, ev := range evs {
				if strings.HasPrefix(ev.Key, w.prefix) {
					w.queue = append(w.queue, ev)
				}
			}
		}
		select {
		case w.wake <- struct{}{}:
		default:
		}
	}
}

// record appends ev to the history ring, evicting the oldest events while
// the ring is over its count or byte budget.
func (h *hub) record(ev store.Event) {
	if len(h.hist) == 0 {
		h.compacted = ev.Revision
		return
	}
	if h.size == len(h.hist) {
		h.evict()
	}
	h.hist[(h.head+h.size)%len(h.hist)] = ev
	h.size++
	h.bytes += eventCost(ev)
	for h.bytes > h.maxBytes && h.size > 0 {
		h.evict()
	}
}

// evict drops the oldest history event; its revision is no longer complete.
func (h *hub) evict() {
	ev := h.hist[h.head]
	h.compacted = ev.Revision
	h.bytes -= eventCost(ev)
	h.hist[h.head] = store.Event{}
	h.head = (h.head + 1) % len(h.hist)
	h.size--
}

// eventCost approximates the memory an event holds.
func eventCost(ev store.Event) int64 { return int64(len(ev.Key) + len(ev.Value) + 64) }

// at returns the i-th oldest event of the history.
func (h *hub) at(i int) store.Event { return h.hist[(h.head+i)%len(h.hist)] }

func (h *hub) watch(ctx context.Context, prefix string, fromRev int64) (<-chan store.Event, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, store.ErrClosed
	}
	if fromRev < h.compacted {
		return nil, fmt.Errorf("%w: watch from revision %d, history starts after %d", store.ErrCompacted, fromRev, h.compacted)
	}
	w := &watcher{
		prefix:  prefix,
		fromRev: fromRev,
		wake:    make(chan struct{}, 1),
		out:     make(chan store.Event),
	}
	// Replay the history after fromRev (binary search: it is sorted).
	for i := sort.Search(h.size, func(i int) bool { return h.at(i).Revision > fromRev }); i < h.size; i++ {
		if ev := h.at(i); strings.HasPrefix(ev.Key, prefix) {
			w.queue = append(w.queue, ev)
		}
	}
	h.watchers[w] = struct{}{}
	h.wg.Add(1)
	go h.run(ctx, w)
	return w.out, nil
}

// run delivers w's queue to w.out until ctx is done, the hub is closed, or
// w was dropped and its queue is drained.
func (h *hub) run(ctx context.Context, w *watcher) {
	defer h.wg.Done()
	defer close(w.out)
	defer h.remove(w)
	var batch []store.Event
	for {
		h.mu.Lock()
		batch, w.queue = w.queue, batch[:0]
		dropped := w.dropped
		h.mu.Unlock()
		if len(batch) == 0 {
			if dropped {
				return
			}
			select {
			case <-w.wake:
				continue
			case <-ctx.Done():
				return
			case <-h.done:
				return
			}
		}
		for i := range batch {
			select {
			case w.out <- batch[i]:
				batch[i] = store.Event{} // let delivered values be collected
			case <-ctx.Done():
				return
			case <-h.done:
				return
			}
		}
	}
}

func (h *hub) remove(w *watcher) {
	h.mu.Lock()
	delete(h.watchers, w)
	w.queue = nil
	h.mu.Unlock()
}

// close ends every watcher and waits for their goroutines.
func (h *hub) close() {
	h.mu.Lock()
	if !h.closed {
		h.closed = true
		close(h.done)
	}
	h.mu.Unlock()
	h.wg.Wait()
}
