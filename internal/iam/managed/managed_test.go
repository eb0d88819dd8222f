package managed

import (
	"regexp"
	"testing"
)

// TestKnownPolicyIDs checks a few catalogue entries against the PolicyId AWS
// returns for them (sources in README.md).
func TestKnownPolicyIDs(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"arn:aws:iam::aws:policy/ReadOnlyAccess":                           "ANPAILL3HVNFSB6DCOWYQ",
		"arn:aws:iam::aws:policy/AdministratorAccess":                      "ANPAIWMBCKSKIEE64ZLYK",
		"arn:aws:iam::aws:policy/PowerUserAccess":                          "ANPAJYRXTHIB4FOVS3ZXS",
		"arn:aws:iam::aws:policy/IAMFullAccess":                            "ANPAI7XKCFMBPM3QQRRVQ",
		"arn:aws:iam::aws:policy/IAMUserChangePassword":                    "ANPAJ4L4MM2A7QIEB56MS",
		"arn:aws:iam::aws:policy/SecurityAudit":                            "ANPAIX2T3QCXHR2OGGCTO",
		"arn:aws:iam::aws:policy/job-function/ViewOnlyAccess":              "ANPAID22R6XPJATWOFDK6",
		"arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole": "ANPAJNCQGXC42545SKXIK",
	}
	for arn, id := range want {
		p := c.ByARN(arn)
		if p == nil {
			t.Errorf("%s: not in the catalogue", arn)
			continue
		}
		if p.ID != id {
			t.Errorf("%s: id %s, want %s", arn, p.ID, id)
		}
		if q := c.ByID(id); q != p {
			t.Errorf("ByID(%s) = %v, want %s", id, q, arn)
		}
	}
}

// TestPolicyIDsWellFormed checks that every id, real or derived, has AWS's
// shape and that no two policies share one.
func TestPolicyIDsWellFormed(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	shape := regexp.MustCompile(`^ANPA[A-Z0-9]{17}$`)
	seen := map[string]string{}
	for _, p := range c.All() {
		if len(p.ID) != 21 || !shape.MatchString(p.ID) {
			t.Errorf("%s: id %q is not ANPA + 17 characters", p.Name, p.ID)
		}
		if other, dup := seen[p.ID]; dup {
			t.Errorf("%s and %s share the id %s", other, p.Name, p.ID)
		}
		seen[p.ID] = p.Name
	}
	if len(seen) != len(c.All()) || len(c.All()) == 0 {
		t.Errorf("%d ids for %d policies", len(seen), len(c.All()))
	}
}

// TestDerivedIDFallback checks that an entry without a PolicyId still gets a
// stable id of the right shape.
func TestDerivedIDFallback(t *testing.T) {
	arn := "arn:aws:iam::aws:policy/SecretsManagerReadWrite"
	a, b := derivedID(arn), derivedID(arn)
	if a != b || !regexp.MustCompile(`^ANPA[A-Z0-9]{17}$`).MatchString(a) {
		t.Fatalf("derivedID(%s) = %q, %q", arn, a, b)
	}
}
