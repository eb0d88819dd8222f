package iam

import (
	"context"
	"regexp"

	"github.com/iamd/iamd/internal/apierr"
)

// policyARN is the form of a managed policy ARN: AWS managed (account
// "aws") or customer managed in an account, with an optional path.
var policyARN = regexp.MustCompile(`^arn:aws:iam::(aws|\d{12}):policy/(?:[\x{21}-\x{7E}]*/)?[\w+=,.@-]+$`)

// PolicyLookup tells whether a managed policy exists and can be attached
// (or used as a permissions boundary). The policies area implements it.
type PolicyLookup interface {
	Attachable(ctx context.Context, arn string) (bool, error)
}

// checkBoundary verifies a permissions boundary ARN names an existing
// managed policy.
func (s *Service) checkBoundary(ctx context.Context, arn string) error {
	if !policyARN.MatchString(arn) {
		return apierr.InvalidInput("ARN %s is not valid.", arn)
	}
	ok := false
	if s.policies != nil {
		var err error
		if ok, err = s.policies.Attachable(ctx, arn); err != nil {
			return err
		}
	}
	if !ok {
		return apierr.NoSuchEntity("Policy %s does not exist or is not attachable.", arn)
	}
	return nil
}
