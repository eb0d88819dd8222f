package policy

import (
	"strconv"
	"unicode"

	"github.com/iamd/iamd/internal/apierr"
)

// Policy size quotas, in characters not counting white space.
const (
	ManagedPolicySizeQuota = 6144  // customer managed policy document
	UserInlineSizeQuota    = 2048  // all inline policies of a user together
	GroupInlineSizeQuota   = 5120  // all inline policies of a group together
	RoleInlineSizeQuota    = 10240 // all inline policies of a role together
	TrustPolicySizeQuota   = 2048  // a role's trust policy (ACLSizePerRole)
	SessionPolicySizeQuota = 2048  // STS session policy plaintext
)

// SizeWithoutWhitespace returns the size IAM charges a document against its
// quotas: the number of characters that are not white space.
func SizeWithoutWhitespace(doc string) int {
	n := 0
	for _, r := range doc {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}

// CheckManagedSize returns LimitExceeded when a managed policy document
// exceeds ManagedPolicySizeQuota.
func CheckManagedSize(doc string) error {
	if SizeWithoutWhitespace(doc) > ManagedPolicySizeQuota {
		return apierr.LimitExceeded("Cannot exceed the quota for PolicySize: %d.", ManagedPolicySizeQuota)
	}
	return nil
}

// CheckTrustSize returns LimitExceeded when a trust policy exceeds quota
// (TrustPolicySizeQuota unless the account's quota was raised).
func CheckTrustSize(doc string, quota int) error {
	if SizeWithoutWhitespace(doc) > quota {
		return apierr.LimitExceeded("Cannot exceed quota for ACLSizePerRole: %d", quota)
	}
	return nil
}

// InlineSizeExceeded is the LimitExceeded error for an entity ("user",
// "group" or "role") whose inline policies together exceed quota.
func InlineSizeExceeded(entity, name string, quota int) *apierr.Error {
	return apierr.LimitExceeded("%s", "Maximum policy size of "+strconv.Itoa(quota)+" bytes exceeded for "+entity+" "+name)
}
