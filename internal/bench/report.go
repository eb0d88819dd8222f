package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteText writes the report as a table per scenario: medians over the
// runs, ratios of the rates, set-up notes and the first error seen.
func (r *Report) WriteText(w io.Writer) error {
	fmt.Fprintf(w, "iamd bench (run %s): %d connections, ", r.RunID, r.Connections)
	if r.Requests > 0 {
		fmt.Fprintf(w, "%d operations or %s", r.Requests, r.Duration)
	} else {
		fmt.Fprintf(w, "%s", r.Duration)
	}
	fmt.Fprintf(w, " per measurement after %s warm-up, %d run(s), medians shown; %d CPUs, GOMAXPROCS %d\n", r.Warmup, r.Runs, r.NumCPU, r.GoMaxProcs)
	fmt.Fprintf(w, "  endpoint %s\n", r.Endpoint)
	if r.Compare != "" {
		fmt.Fprintf(w, "  compare  %s\n", r.Compare)
	}
	if r.Floor != "" {
		fmt.Fprintf(w, "  floor    %s (in-process do-nothing server, fixed %d-byte body)\n", r.Floor, r.FloorBytes)
	}
	fmt.Fprintf(w, "  CPU µs/op: CPU time of this process per operation: the load client's own cost (on the floor row, client and floor server together)\n")
	for _, s := range r.Scenarios {
		fmt.Fprintf(w, "\n%s — %s\n", s.Name, s.Description)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintf(tw, "  target\t%s/s\tp50 ms\tp99 ms\tp99.9 ms\tmax ms\terrors\tops\tCPU µs/op\t\n", s.Unit)
		for _, t := range s.Targets {
			switch {
			case t.Unsupported != "":
				fmt.Fprintf(tw, "  %s\t%s\t\t\t\t\t\t\t\t\n", t.Target, "unsupported by endpoint")
			case t.Error != "":
				fmt.Fprintf(tw, "  %s\t%s\t\t\t\t\t\t\t\t\n", t.Target, "set-up failed")
			case t.Median != nil:
				m := t.Median
				fmt.Fprintf(tw, "  %s\t%s\t%.3f\t%.3f\t%.3f\t%.3f\t%d\t%d\t%.1f\t\n", t.Target, rate(m.Rate), m.P50, m.P99, m.P999, m.Max, m.Errors, m.Ops, m.CPUPerOpUs)
			}
		}
		tw.Flush()
		if len(s.Ratios) > 0 {
			var parts []string
			for _, k := range []string{"endpoint/compare", "endpoint/floor", "compare/floor"} {
				if v, ok := s.Ratios[k]; ok {
					parts = append(parts, fmt.Sprintf("%s %.2f×", k, v))
				}
			}
			fmt.Fprintf(w, "  ratios: %s\n", strings.Join(parts, ", "))
		}
		for _, t := range s.Targets {
			if t.Unsupported != "" {
				fmt.Fprintf(w, "  %s: %s\n", t.Target, t.Unsupported)
			}
			if t.Error != "" {
				fmt.Fprintf(w, "  %s: set-up failed: %s\n", t.Target, t.Error)
			}
			for _, n := range t.Notes {
				fmt.Fprintf(w, "  %s: %s\n", t.Target, n)
			}
			if len(t.Runs) > 1 {
				rates := make([]string, len(t.Runs))
				for i, st := range t.Runs {
					rates[i] = rate(st.Rate)
				}
				fmt.Fprintf(w, "  %s: rate per run %s\n", t.Target, strings.Join(rates, ", "))
			}
			if t.Median != nil && t.Median.Requests != t.Median.Ops {
				fmt.Fprintf(w, "  %s: %.0f requests/s (%d requests)\n", t.Target, t.Median.RequestRate, t.Median.Requests)
			}
			if t.Median != nil && t.Median.FirstError != "" {
				fmt.Fprintf(w, "  %s: first error: %s\n", t.Target, t.Median.FirstError)
			}
		}
	}
	if a, b := r.find("get-user-authorized"), r.find("get-user"); a != nil && b != nil {
		fmt.Fprintln(w)
		for _, t := range []string{"endpoint", "compare"} {
			ra, rb := a.rate(t), b.rate(t)
			if ra > 0 && rb > 0 {
				fmt.Fprintf(w, "%s: GetUser by a user with 10 policies runs at %.0f%% of the rate of GetUser by root (p50 %.3f vs %.3f ms)\n",
					t, 100*ra/rb, a.target(t).Median.P50, b.target(t).Median.P50)
			}
		}
	}
	return nil
}

// rate formats a rate: whole numbers, but slow ones (moto listing
// thousands of users) with a decimal.
func rate(v float64) string {
	if v < 100 {
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.0f", v)
}

func (r *Report) find(name string) *ScenarioResult {
	for i := range r.Scenarios {
		if r.Scenarios[i].Name == name {
			return &r.Scenarios[i]
		}
	}
	return nil
}

func (s *ScenarioResult) target(name string) *TargetResult {
	for i := range s.Targets {
		if s.Targets[i].Target == name {
			return &s.Targets[i]
		}
	}
	return nil
}

func (s *ScenarioResult) rate(name string) float64 {
	if t := s.target(name); t != nil && t.Median != nil {
		return t.Median.Rate
	}
	return 0
}
