package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/iamd/iamd/internal/bench"
)

// benchCmd runs the load tool.
func benchCmd(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	endpoint := fs.String("endpoint", "http://127.0.0.1:8600", "endpoint to measure (loopback only)")
	compare := fs.String("compare", "", "second endpoint measured alike in the same run, e.g. moto on http://127.0.0.1:5000 (loopback only)")
	floor := fs.Bool("floor", false, "also measure an in-process do-nothing HTTP server answering a body the size of the endpoint's GetUser answer")
	// The keys default to the environment after parsing, so that -h never
	// prints a secret as a default value.
	accessKey := fs.String("access-key", "", "access key id to sign with (default $AWS_ACCESS_KEY_ID)")
	secretKey := fs.String("secret-key", "", "secret access key (default $AWS_SECRET_ACCESS_KEY)")
	conns := fs.Int("connections", 16, "keep-alive connections, one worker each")
	duration := fs.Duration("duration", 10*time.Second, "length of each measurement (with -requests and without -duration: at most 10m)")
	requests := fs.Int64("requests", 0, "operations per measurement (0: bounded by -duration only)")
	warmup := fs.Duration("warmup", time.Second, "unmeasured load before each measurement")
	runs := fs.Int("runs", 1, "measurements per scenario and target; medians are reported")
	scenarios := fs.String("scenario", "all", "scenarios, comma-separated: "+strings.Join(bench.Scenarios(), ", "))
	asJSON := fs.Bool("json", false, "write the report as JSON")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: iamd bench [flags]\n\nSets up each scenario through the API, then measures it with signed requests.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if *accessKey == "" {
		*accessKey = os.Getenv("AWS_ACCESS_KEY_ID")
	}
	if *secretKey == "" {
		*secretKey = os.Getenv("AWS_SECRET_ACCESS_KEY")
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("bench: unexpected argument %q", fs.Arg(0))
	}
	durationSet := false
	fs.Visit(func(f *flag.Flag) { durationSet = durationSet || f.Name == "duration" })
	if *requests > 0 && !durationSet {
		*duration = 10 * time.Minute
	}
	if *conns < 1 || *conns > 1024 {
		return fmt.Errorf("bench: -connections must be between 1 and 1024")
	}
	if *runs < 1 || *runs > 100 {
		return fmt.Errorf("bench: -runs must be between 1 and 100")
	}
	// Refuse a non-loopback endpoint before anything else happens.
	for _, e := range []string{*endpoint, *compare} {
		if e == "" {
			continue
		}
		if _, err := bench.CheckLoopback(e); err != nil {
			return fmt.Errorf("bench: %w", err)
		}
	}
	var names []string
	for _, n := range strings.Split(*scenarios, ",") {
		if n = strings.TrimSpace(n); n != "" {
			names = append(names, n)
		}
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rep, err := bench.Run(ctx, bench.Config{
		Endpoint:    *endpoint,
		Compare:     *compare,
		Floor:       *floor,
		AccessKey:   *accessKey,
		SecretKey:   *secretKey,
		Connections: *conns,
		Duration:    *duration,
		Requests:    *requests,
		Warmup:      *warmup,
		Runs:        *runs,
		Scenarios:   names,
		Log:         stderr,
	})
	if err != nil {
		return err
	}
	if *asJSON {
		return rep.WriteJSON(stdout)
	}
	return rep.WriteText(stdout)
}
