package iam

import (
	"github.com/iamd/iamd/internal/api"
	"github.com/iamd/iamd/internal/wire/iamwire"
)

// API describes the IAM Query API.
func API() *api.Service {
	return &api.Service{Name: "iam", Version: iamwire.Version, Namespace: iamwire.Namespace}
}

// Operations returns the descriptors of every IAM operation this service
// implements, one area at a time.
func (s *Service) Operations(svc *api.Service) []*api.Operation {
	var ops []*api.Operation
	ops = append(ops, s.userOperations(svc)...)
	ops = append(ops, s.credentialOperations(svc)...)
	ops = append(ops, s.groupOperations(svc)...)
	ops = append(ops, s.policyOperations(svc)...)
	ops = append(ops, s.roleOperations(svc)...)
	return ops
}
