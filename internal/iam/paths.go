package iam

import (
	"regexp"

	"github.com/iamd/iamd/internal/apierr"
)

// The path patterns of the model (pathType, policyPathType), which AWS
// checks in the service with messages of its own rather than as
// constraint violations (see servicePatternMembers in internal/wire/gen).
var (
	pathPattern       = regexp.MustCompile(`^(?:/|/[\x{21}-\x{7E}]+/)$`)
	policyPathPattern = regexp.MustCompile(`^(?:(?:/[A-Za-z0-9.,+@=_-]+)*/)$`)
)

// checkPath refuses a Path that is not "/" or "/.../", as AWS words it:
// test_iam_mfa.snapshot.json (CreateVirtualMFADevice, recorded 2026); the
// same words are reported for CreateUser and CreateRole.
func checkPath(p *string) error {
	if p != nil && !pathPattern.MatchString(*p) {
		return apierr.ValidationError("The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.")
	}
	return nil
}

// checkPolicyPathPrefix refuses a ListPolicies PathPrefix outside the
// model's pattern, as AWS words it (aws/aws-sdk#36: "--path-prefix '/foo'").
func checkPolicyPathPrefix(p *string) error {
	if p != nil && !policyPathPattern.MatchString(*p) {
		return apierr.ValidationError("The specified value for pathPrefix is invalid. It must begin with the / character and contain only alphanumeric characters and/or / characters.")
	}
	return nil
}
