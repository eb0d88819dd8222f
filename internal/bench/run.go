package bench

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// Config is one invocation of the load tool.
type Config struct {
	Endpoint  string // the endpoint measured
	Compare   string // optional second endpoint measured alike (e.g. moto)
	Floor     bool   // also measure an in-process do-nothing server
	AccessKey string
	SecretKey string
	// Connections is the number of keep-alive connections, each driven by
	// one worker sending a request as soon as the previous one is answered.
	Connections int
	// Duration bounds each measurement; Requests, when positive, bounds
	// its count of operations too (whichever comes first).
	Duration time.Duration
	Requests int64
	Warmup   time.Duration // unmeasured load before each measurement
	Runs     int           // measurements per target; the report gives medians
	// Scenarios to run, in order; empty means all.
	Scenarios []string
	Log       io.Writer // progress lines; nil discards
}

// Report is the outcome of a run.
type Report struct {
	Endpoint    string           `json:"endpoint"`
	Compare     string           `json:"compare,omitempty"`
	Floor       string           `json:"floor,omitempty"`
	FloorBytes  int              `json:"floor_body_bytes,omitempty"`
	Connections int              `json:"connections"`
	Duration    string           `json:"duration"`
	Requests    int64            `json:"requests,omitempty"`
	Warmup      string           `json:"warmup"`
	Runs        int              `json:"runs"`
	NumCPU      int              `json:"num_cpu"`
	GoMaxProcs  int              `json:"gomaxprocs"`
	RunID       string           `json:"run_id"`
	Scenarios   []ScenarioResult `json:"scenarios"`
}

// ScenarioResult is one scenario measured on every target.
type ScenarioResult struct {
	Name        string         `json:"name"`
	Description string         `json:"description"`
	Unit        string         `json:"unit"` // what one operation is: "request" or "walk"
	Targets     []TargetResult `json:"targets"`
	// Ratios of the median rates: endpoint/compare, endpoint/floor,
	// compare/floor (absent when a side was not measured).
	Ratios map[string]float64 `json:"ratios,omitempty"`
}

// TargetResult is a scenario on one target.
type TargetResult struct {
	Target      string   `json:"target"` // endpoint, compare or floor
	URL         string   `json:"url"`
	Unsupported string   `json:"unsupported,omitempty"`
	Error       string   `json:"error,omitempty"` // set-up failure
	Notes       []string `json:"notes,omitempty"`
	Runs        []Stats  `json:"runs,omitempty"`
	Median      *Stats   `json:"median,omitempty"`
}

// Stats is one measurement. Latencies are in milliseconds.
type Stats struct {
	Ops         int64   `json:"ops"`
	Requests    int64   `json:"requests"`
	Errors      int64   `json:"errors"`
	Seconds     float64 `json:"seconds"`
	Rate        float64 `json:"ops_per_sec"`
	RequestRate float64 `json:"requests_per_sec"`
	P50         float64 `json:"p50_ms"`
	P99         float64 `json:"p99_ms"`
	P999        float64 `json:"p999_ms"`
	Max         float64 `json:"max_ms"`
	CPUPerOpUs  float64 `json:"process_cpu_us_per_op"` // this process (client, and the floor server when it is the target)
	FirstError  string  `json:"first_error,omitempty"`
}

// target is an endpoint under measurement.
type target struct {
	name  string
	c     *Client
	creds aws.Credentials
	env   *env
}

// Run sets up and measures every scenario on every target.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if cfg.Connections <= 0 {
		cfg.Connections = 16
	}
	if cfg.Duration <= 0 {
		cfg.Duration = 10 * time.Second
	}
	if cfg.Runs <= 0 {
		cfg.Runs = 1
	}
	if cfg.AccessKey == "" || cfg.SecretKey == "" {
		return nil, errors.New("bench: an access key and secret key are required (-access-key/-secret-key or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)")
	}
	scens, err := pick(cfg.Scenarios)
	if err != nil {
		return nil, err
	}
	logf := func(format string, args ...any) {
		if cfg.Log != nil {
			fmt.Fprintf(cfg.Log, "bench: "+format+"\n", args...)
		}
	}
	runID := newRunID()
	creds := aws.Credentials{AccessKeyID: cfg.AccessKey, SecretAccessKey: cfg.SecretKey, Source: "bench"}
	rep := &Report{
		Endpoint: cfg.Endpoint, Compare: cfg.Compare, Connections: cfg.Connections,
		Duration: cfg.Duration.String(), Requests: cfg.Requests, Warmup: cfg.Warmup.String(), Runs: cfg.Runs,
		NumCPU: runtime.NumCPU(), GoMaxProcs: runtime.GOMAXPROCS(0), RunID: runID,
	}

	var targets []*target
	add := func(name, endpoint, letter string) error {
		c, err := NewClient(endpoint, cfg.Connections)
		if err != nil {
			return err
		}
		t := &target{name: name, c: c, creds: creds}
		t.env = &env{c: c, creds: creds, prefix: "bench-" + runID + letter + "-", conns: cfg.Connections, cache: map[string]any{}, logf: logf}
		targets = append(targets, t)
		return nil
	}
	if err := add("endpoint", cfg.Endpoint, "e"); err != nil {
		return nil, err
	}
	if cfg.Compare != "" {
		if err := add("compare", cfg.Compare, "c"); err != nil {
			return nil, err
		}
	}
	defer func() {
		for _, t := range targets {
			t.c.Close()
		}
	}()

	var floor *target
	if cfg.Floor {
		body, err := floorBody(ctx, targets)
		if err != nil {
			return nil, err
		}
		f, err := StartFloor(body)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		c, err := NewClient(f.URL, cfg.Connections)
		if err != nil {
			return nil, err
		}
		defer c.Close()
		floor = &target{name: "floor", c: c, creds: creds}
		rep.Floor, rep.FloorBytes = f.URL, len(body)
		logf("floor server on %s answers a fixed %d-byte body (the size of the endpoint's GetUser answer)", f.URL, len(body))
	}

	for _, sc := range scens {
		res := ScenarioResult{Name: sc.name, Description: sc.desc, Unit: "request"}
		if sc.walk {
			res.Unit = "walk"
		}
		loads := make([]*load, len(targets))
		results := make([]*TargetResult, len(targets))
		for i, t := range targets {
			tr := &TargetResult{Target: t.name, URL: t.c.endpoint}
			results[i] = tr
			logf("%s: setting up on %s", sc.name, t.c.endpoint)
			ld, err := sc.setup(ctx, t.env)
			var un *errUnsupported
			switch {
			case errors.As(err, &un):
				tr.Unsupported = un.Error()
				logf("%s: %s: %s", sc.name, t.name, tr.Unsupported)
			case err != nil:
				tr.Error = err.Error()
				logf("%s: %s: set-up failed: %v", sc.name, t.name, err)
			default:
				loads[i] = ld
				tr.Notes = ld.notes
			}
		}
		var floorLoad *load
		var floorRes *TargetResult
		if floor != nil && !sc.walk {
			for _, ld := range loads {
				if ld != nil {
					floorLoad = ld
					break
				}
			}
			if floorLoad != nil {
				floorRes = &TargetResult{Target: "floor", URL: floor.c.endpoint, Notes: []string{"same requests as the endpoint's; every answer is the fixed body"}}
			}
		}
		for run := 1; run <= cfg.Runs; run++ {
			for i, t := range targets {
				if loads[i] == nil {
					continue
				}
				st := measure(ctx, t.c, loads[i], cfg)
				logf("%s: %s run %d/%d: %.0f %s/s, p50 %.3f ms, p99 %.3f ms, %d errors", sc.name, t.name, run, cfg.Runs, st.Rate, res.Unit, st.P50, st.P99, st.Errors)
				results[i].Runs = append(results[i].Runs, st)
			}
			if floorRes != nil {
				st := measure(ctx, floor.c, floorLoad, cfg)
				logf("%s: floor run %d/%d: %.0f %s/s, p50 %.3f ms", sc.name, run, cfg.Runs, st.Rate, res.Unit, st.P50)
				floorRes.Runs = append(floorRes.Runs, st)
			}
		}
		for _, tr := range results {
			tr.Median = median(tr.Runs)
			res.Targets = append(res.Targets, *tr)
		}
		if floorRes != nil {
			floorRes.Median = median(floorRes.Runs)
			res.Targets = append(res.Targets, *floorRes)
		}
		res.Ratios = ratios(res.Targets)
		rep.Scenarios = append(rep.Scenarios, res)
	}
	return rep, nil
}

// floorBody is the GetUser answer of the first target that gives one: the
// floor server answers a body of exactly that size.
func floorBody(ctx context.Context, targets []*target) ([]byte, error) {
	var errs []error
	for _, t := range targets {
		name := t.env.prefix + "floor"
		if _, err := t.c.Call(ctx, "iam", t.creds, formOf("Action", "CreateUser", "UserName", name)); err != nil {
			errs = append(errs, err)
			continue
		}
		b, err := t.c.Call(ctx, "iam", t.creds, formOf("Action", "GetUser", "UserName", name))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		return bytes.Clone(b), nil
	}
	return nil, fmt.Errorf("bench: -floor needs a GetUser answer to size its body: %w", errors.Join(errs...))
}

func ratios(ts []TargetResult) map[string]float64 {
	rate := map[string]float64{}
	for _, t := range ts {
		if t.Median != nil && t.Median.Rate > 0 {
			rate[t.Target] = t.Median.Rate
		}
	}
	out := map[string]float64{}
	for _, p := range [][2]string{{"endpoint", "compare"}, {"endpoint", "floor"}, {"compare", "floor"}} {
		if a, b := rate[p[0]], rate[p[1]]; a > 0 && b > 0 {
			out[p[0]+"/"+p[1]] = a / b
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// median takes the median of each figure over the runs independently.
func median(runs []Stats) *Stats {
	if len(runs) == 0 {
		return nil
	}
	med := func(f func(Stats) float64) float64 {
		v := make([]float64, len(runs))
		for i, r := range runs {
			v[i] = f(r)
		}
		slices.Sort(v)
		if len(v)%2 == 1 {
			return v[len(v)/2]
		}
		return (v[len(v)/2-1] + v[len(v)/2]) / 2
	}
	m := &Stats{
		Seconds:     med(func(s Stats) float64 { return s.Seconds }),
		Rate:        med(func(s Stats) float64 { return s.Rate }),
		RequestRate: med(func(s Stats) float64 { return s.RequestRate }),
		P50:         med(func(s Stats) float64 { return s.P50 }),
		P99:         med(func(s Stats) float64 { return s.P99 }),
		P999:        med(func(s Stats) float64 { return s.P999 }),
		Max:         med(func(s Stats) float64 { return s.Max }),
		CPUPerOpUs:  med(func(s Stats) float64 { return s.CPUPerOpUs }),
	}
	m.Ops = int64(med(func(s Stats) float64 { return float64(s.Ops) }))
	m.Requests = int64(med(func(s Stats) float64 { return float64(s.Requests) }))
	for _, r := range runs {
		m.Errors += r.Errors // errors are summed, not medianed
		if m.FirstError == "" {
			m.FirstError = r.FirstError
		}
	}
	return m
}

// worker drives one connection: one operation at a time.
type worker struct {
	id    int
	cn    *Conn
	ctx   context.Context
	seq   int64 // operations started by this worker (in this measurement)
	hist  *histogram
	ops   int64
	reqs  int64
	errs  int64
	first string
}

// post sends one request and returns the answer's body (valid until the
// next post). A non-2xx answer is an error carrying the body.
func (w *worker) post(service string, creds aws.Credentials, body []byte, payloadHash string) ([]byte, error) {
	w.reqs++
	status, b, err := w.cn.Do(w.ctx, service, creds, body, payloadHash)
	if err != nil {
		return nil, err
	}
	if status/100 != 2 {
		return nil, &statusError{status: status, body: b}
	}
	return b, nil
}

type statusError struct {
	status int
	body   []byte
}

func (e *statusError) Error() string {
	return fmt.Sprintf("HTTP %d: %s", e.status, truncate(e.body, 500))
}

// measure runs ld on c with cfg.Connections workers: a warm-up, then the
// measured part, bounded by cfg.Duration and cfg.Requests.
func measure(ctx context.Context, c *Client, ld *load, cfg Config) Stats {
	n := cfg.Connections
	// Requests in flight are bounded too, so the tool ends by itself even
	// if a server stops answering.
	ctx, cancel := context.WithTimeout(ctx, cfg.Warmup+cfg.Duration+2*time.Minute)
	defer cancel()
	ws := make([]*worker, n)
	for i := range ws {
		ws[i] = &worker{id: i, cn: c.Conn(), ctx: ctx, hist: new(histogram)}
	}
	defer func() {
		for _, w := range ws {
			w.cn.Close()
		}
	}()
	phase := func(d time.Duration, limit int64) time.Duration {
		var issued atomic.Int64
		start := time.Now()
		deadline := start.Add(d)
		var wg sync.WaitGroup
		for _, w := range ws {
			wg.Go(func() {
				for ctx.Err() == nil {
					if limit > 0 && issued.Add(1) > limit {
						return
					}
					t0 := time.Now()
					if !t0.Before(deadline) {
						return
					}
					w.seq++
					err := ld.op(w)
					w.hist.record(time.Since(t0))
					w.ops++
					if err != nil {
						w.errs++
						if w.first == "" {
							w.first = err.Error()
						}
					}
				}
			})
		}
		wg.Wait()
		return time.Since(start)
	}
	if cfg.Warmup > 0 {
		phase(cfg.Warmup, 0)
		for _, w := range ws {
			*w.hist = histogram{}
			w.ops, w.reqs, w.errs, w.first = 0, 0, 0, ""
		}
	}
	cpu0 := processCPU()
	elapsed := phase(cfg.Duration, cfg.Requests)
	cpu := processCPU() - cpu0

	var h histogram
	var st Stats
	for _, w := range ws {
		h.merge(w.hist)
		st.Ops += w.ops
		st.Requests += w.reqs
		st.Errors += w.errs
		if st.FirstError == "" {
			st.FirstError = w.first
		}
	}
	ms := func(d time.Duration) float64 { return float64(d) / 1e6 }
	st.Seconds = elapsed.Seconds()
	st.Rate = float64(st.Ops) / st.Seconds
	st.RequestRate = float64(st.Requests) / st.Seconds
	st.P50, st.P99, st.P999 = ms(h.quantile(0.50)), ms(h.quantile(0.99)), ms(h.quantile(0.999))
	st.Max = ms(time.Duration(h.max))
	if st.Ops > 0 {
		st.CPUPerOpUs = float64(cpu.Microseconds()) / float64(st.Ops)
	}
	return st
}

// newRunID is 6 random lower-case letters and digits: names made in one
// run never collide with an earlier run's.
func newRunID() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 6)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}
