package iam

import "github.com/iamd/iamd/internal/api"

func (s *Service) groupOperations(svc *api.Service) []*api.Operation {
	return []*api.Operation{
		api.Op(svc, "CreateGroup", true, s.CreateGroup),
		api.Op(svc, "GetGroup", false, s.GetGroup),
		api.Op(svc, "ListGroups", false, s.ListGroups),
		api.Op(svc, "UpdateGroup", true, s.UpdateGroup),
		api.Op(svc, "DeleteGroup", true, s.DeleteGroup),
		api.Op(svc, "AddUserToGroup", true, s.AddUserToGroup),
		api.Op(svc, "RemoveUserFromGroup", true, s.RemoveUserFromGroup),
		api.Op(svc, "ListGroupsForUser", false, s.ListGroupsForUser),
	}
}
