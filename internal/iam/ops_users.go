package iam

import "github.com/iamd/iamd/internal/api"

func (s *Service) userOperations(svc *api.Service) []*api.Operation {
	return []*api.Operation{
		api.Op(svc, "CreateUser", true, s.CreateUser),
		api.Op(svc, "GetUser", false, s.GetUser),
		api.Op(svc, "UpdateUser", true, s.UpdateUser),
		api.Op(svc, "DeleteUser", true, s.DeleteUser),
		api.Op(svc, "ListUsers", false, s.ListUsers),
		api.Op(svc, "TagUser", true, s.TagUser),
		api.Op(svc, "UntagUser", true, s.UntagUser),
		api.Op(svc, "ListUserTags", false, s.ListUserTags),
		api.Op(svc, "CreateAccessKey", true, s.CreateAccessKey),
		api.Op(svc, "UpdateAccessKey", true, s.UpdateAccessKey),
		api.Op(svc, "DeleteAccessKey", true, s.DeleteAccessKey),
		api.Op(svc, "ListAccessKeys", false, s.ListAccessKeys),
		api.Op(svc, "GetAccessKeyLastUsed", false, s.GetAccessKeyLastUsed),
	}
}
