package iam

import "github.com/iamd/iamd/internal/api"

// credentialOperations are the console password, password policy, MFA and
// credential report operations.
func (s *Service) credentialOperations(svc *api.Service) []*api.Operation {
	return []*api.Operation{}
}
