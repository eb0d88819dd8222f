// Package bench is iamd's load tool (`iamd bench`): it sets up each
// scenario through the API of an IAM endpoint (iamd, or a peer such as
// moto), then drives it with N workers over N keep-alive connections,
// every request a Query-protocol POST signed with SigV4, for a bounded time
// or count, and reports the rate, latency quantiles (from an HDR-style
// histogram) and errors. A second endpoint and an in-process do-nothing
// server (the floor) can be measured with the same client in the same run.
// Traffic goes only to loopback addresses.
package bench
