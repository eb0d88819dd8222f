package iam

import "github.com/iamd/iamd/internal/ids"

// newUniqueID returns an AWS-style unique id: a 4-letter prefix (AIDA for
// users, AGPA groups, AROA roles, ANPA policies, AIPA instance profiles)
// and 17 upper-case letters and digits, 21 characters in all.
func (s *Service) newUniqueID(prefix string) (string, error) {
	tail, err := ids.String(s.rand, ids.Upper, 17)
	if err != nil {
		return "", err
	}
	return prefix + tail, nil
}
