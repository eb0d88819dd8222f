package e2e

import (
	"strings"
	"testing"
)

// TestCLIAccountQuota: `iamd serve --quota` sets an account quota; the CLI
// sees AWS's LimitExceeded at it and GetAccountSummary reports it.
func TestCLIAccountQuota(t *testing.T) {
	requireAWSCLI(t)
	s := &server{t: t, dataDir: t.TempDir(), logDir: t.TempDir(), envCreds: true, flags: []string{"--quota", "UsersQuota=2"}}
	s.start()
	t.Cleanup(s.cleanup)
	s.awsOK(t, root, &struct{}{}, "iam", "create-user", "--user-name", "one")
	s.awsOK(t, root, &struct{}{}, "iam", "create-user", "--user-name", "two")
	s.awsErr(t, root, "An error occurred (LimitExceeded) when calling the CreateUser operation: Cannot exceed quota for UsersPerAccount: 2",
		"iam", "create-user", "--user-name", "three")
	var sum struct{ SummaryMap map[string]int }
	s.awsOK(t, root, &sum, "iam", "get-account-summary")
	if sum.SummaryMap["Users"] != 2 || sum.SummaryMap["UsersQuota"] != 2 || sum.SummaryMap["RolesQuota"] != 1000 {
		t.Fatalf("summary %v", sum.SummaryMap)
	}
}

// TestServeRejectsBadQuota: a quota iamd cannot adjust, or a bad number,
// stops `iamd serve` before it listens.
func TestServeRejectsBadQuota(t *testing.T) {
	for _, arg := range []string{"ServerCertificatesQuota=5", "UsersQuota=0", "UsersQuota=many", "UsersQuota"} {
		r := run(t, baseEnv(), "", iamdBin, "serve", "--listen", "127.0.0.1:0", "--data-dir", t.TempDir(), "--quota", arg)
		if r.err == nil || !strings.Contains(r.stderr, "quota") {
			t.Errorf("--quota %s: err %v, stderr %q", arg, r.err, r.stderr)
		}
	}
}
